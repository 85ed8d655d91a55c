package ca.crim.pavics.jupyter.deploy.git;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/** The files of one source folder at one commit, read straight from the git object database. */
public record SourceTree(Repository repository, ObjectId commit, List<SourceFile> files, List<String> warnings) {
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
