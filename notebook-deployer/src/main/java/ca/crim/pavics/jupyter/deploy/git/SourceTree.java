package ca.crim.pavics.jupyter.deploy.git;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/**
 * The files of one source folder at one commit, read straight from the git object database. The folder's tree id
 * is known at once; its file list is read on first use, so a destination already holding that tree needs no walk.
 */
public final class SourceTree {
    /** Reads the file list of a tree (with warnings for what cannot be deployed). */
    interface Listing {
        void list(List<SourceFile> files, List<String> warnings) throws FetchException;
    }

    private final Repository repository;
    private final ObjectId commit;
    private final String sourceDir;
    private final ObjectId treeId;
    private final Listing listing;
    private List<SourceFile> files;
    private List<String> warnings;

    SourceTree(Repository repository, ObjectId commit, String sourceDir, ObjectId treeId, Listing listing) {
        this.repository = repository;
        this.commit = commit;
        this.sourceDir = sourceDir;
        this.treeId = treeId;
        this.listing = listing;
    }

    public ObjectId commit() {
        return commit;
    }

    /** The folder of the repository ("" for its root). */
    public String sourceDir() {
        return sourceDir;
    }

    /** The git tree of the source folder: two commits with the same tree deploy the same files. */
    public ObjectId treeId() {
        return treeId;
    }

    public List<SourceFile> files() throws FetchException {
        load();
        return files;
    }

    public List<String> warnings() throws FetchException {
        load();
        return warnings;
    }

    private void load() throws FetchException {
        if (files == null) {
            List<SourceFile> f = new java.util.ArrayList<>();
            List<String> w = new java.util.ArrayList<>();
            listing.list(f, w);
            files = List.copyOf(f);
            warnings = List.copyOf(w);
        }
    }

    public InputStream open(SourceFile file) throws IOException {
        return repository.open(file.blob()).openStream();
    }

    public byte[] bytes(SourceFile file) throws IOException {
        return repository.open(file.blob()).getBytes();
    }

    /** Content size of a file (read from the object database on demand: costly for thousands of packed objects). */
    public long size(SourceFile file) throws IOException {
        return repository.open(file.blob()).getSize();
    }

    public String shortCommit() {
        return commit.abbreviate(12).name();
    }
}
