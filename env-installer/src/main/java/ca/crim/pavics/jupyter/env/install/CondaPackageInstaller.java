package ca.crim.pavics.jupyter.env.install;

import ca.crim.pavics.jupyter.env.layer.LayerEntry;
import ca.crim.pavics.jupyter.env.lock.CondaPackage;
import ca.crim.pavics.jupyter.env.pkg.CondaPackageArchive;
import ca.crim.pavics.jupyter.env.pkg.PackageException;
import ca.crim.pavics.jupyter.env.pkg.PathEntry;
import ca.crim.pavics.jupyter.env.pkg.PayloadEntry;
import ca.crim.pavics.jupyter.registry.Digests;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Installs one conda package into layer entries, the way conda, mamba and rattler lay it out: prefix
 * placeholders replaced (text, and binary with NUL padding), over-long shebangs rewritten, {@code noarch: python}
 * relocated, entry point scripts written, and the {@code conda-meta} record that lets conda and mamba manage the
 * environment later.
 */
public final class CondaPackageInstaller {
    /** Files larger than this without a placeholder are spooled to disk instead of held in memory. */
    static final long SPOOL_THRESHOLD = 16L << 20;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CondaPackageInstaller.class);

    private final InstallTarget target;

    public CondaPackageInstaller(InstallTarget target) {
        this.target = target;
    }

    /**
     * @param skip paths (relative to the prefix) that another package provides and wins, not written here
     */
    public InstalledPackage install(CondaPackage locked, CondaPackageContents contents, Set<String> skip)
            throws InstallException {
        String id = locked.name() + "-" + locked.version() + "-" + locked.build();
        List<String> scripts = contents.linkScripts();
        if (!scripts.isEmpty() && !target.allowLinkScripts()) {
            throw new InstallException("package " + id + " has link scripts (" + String.join(", ", scripts)
                    + ") that a daemonless build cannot run; remove it from the lock or allow installing it without"
                    + " running them (-Dimage.env.allowLinkScripts=true)");
        }
        String lp = target.layerPrefix();
        Map<String, PathEntry> declared = new HashMap<>();
        for (PathEntry p : contents.paths()) {
            declared.put(p.path(), p);
        }
        Map<String, LayerEntry> entries = new LinkedHashMap<>();
        Map<String, ObjectNode> pathsData = new LinkedHashMap<>();
        long[] bytes = {0};
        try {
            new CondaPackageArchive(contents.archive()).payload((entry, content) -> {
                String rel = contents.installedPath(entry.path(), target);
                if (skip.contains(rel)) {
                    return;
                }
                String imagePath = lp + "/" + rel;
                PathEntry declaredEntry = declared.get(entry.path());
                ObjectNode data = JSON.createObjectNode();
                data.put("_path", rel);
                switch (entry.kind()) {
                    case DIRECTORY -> {
                        entries.put(imagePath, LayerEntry.directory(imagePath, 0777));
                        data.put("path_type", "directory");
                    }
                    case SYMLINK -> {
                        if (entry.linkTarget().isEmpty()) {
                            // no system can create a link to "": some packages carry one (a broken build); leave it out
                            LOG.warn("{}: symbolic link {} has an empty target; not installed", id, entry.path());
                            return;
                        }
                        entries.put(imagePath, LayerEntry.symlink(imagePath, entry.linkTarget()));
                        data.put("path_type", "softlink");
                        declaredSha(declaredEntry, data);
                    }
                    case HARDLINK -> {
                        String to = contents.installedPath(stripDot(entry.linkTarget()), target);
                        entries.put(imagePath, LayerEntry.hardlink(imagePath, fileMode(entry), lp + "/" + to));
                        data.put("path_type", "hardlink");
                        declaredSha(declaredEntry, data);
                    }
                    case FILE -> {
                        LayerEntry file = file(id, entry, content, declaredEntry, imagePath, data);
                        entries.put(imagePath, file);
                        bytes[0] += file.size();
                    }
                }
                pathsData.put(rel, data);
            });
        } catch (PackageException e) {
            throw new InstallException(e.getMessage(), e);
        } catch (UncheckedInstall e) {
            throw e.cause;
        }
        for (String spec : contents.entryPoints()) {
            EntryPointScript ep = EntryPointScript.parse(spec);
            String rel = "bin/" + ep.command();
            if (skip.contains(rel)) {
                continue;
            }
            byte[] script = ep.render(target.python()).getBytes(StandardCharsets.UTF_8);
            entries.put(lp + "/" + rel, LayerEntry.file(lp + "/" + rel, 0755, script));
            ObjectNode data = JSON.createObjectNode();
            data.put("_path", rel);
            data.put("path_type", "unix_python_entry_point");
            data.put("sha256", Digests.sha256Hex(script));
            data.put("size_in_bytes", script.length);
            pathsData.put(rel, data);
            bytes[0] += script.length;
        }
        LayerEntry.addParentDirectories(entries, target.layerPrefix());
        List<LayerEntry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparing(LayerEntry::path));
        List<String> files = pathsData.entrySet().stream()
                .filter(e -> !"directory".equals(e.getValue().path("path_type").asText()))
                .map(Map.Entry::getKey).toList();
        String recordName = id + ".json";
        byte[] record = record(locked, contents, files, pathsData.values());
        return new InstalledPackage(locked.name(), sorted, files, recordName, record, bytes[0]);
    }

    private LayerEntry file(String id, PayloadEntry entry, java.io.InputStream content, PathEntry declaredEntry,
            String imagePath, ObjectNode data) throws IOException {
        data.put("path_type", "hardlink");
        declaredSha(declaredEntry, data);
        int mode = fileMode(entry);
        if (declaredEntry != null && declaredEntry.prefixPlaceholder().isPresent()) {
            String placeholder = declaredEntry.prefixPlaceholder().get();
            String fileMode = declaredEntry.fileMode().orElse("text");
            byte[] original = content.readAllBytes();
            byte[] replaced;
            if (fileMode.equals("binary")) {
                try {
                    replaced = PrefixReplacement.binary(original, placeholder, target.prefix());
                } catch (PrefixReplacement.PaddingException e) {
                    throw new UncheckedInstall(new InstallException("package " + id + ", " + entry.path() + ": "
                            + e.getMessage()));
                }
            } else {
                replaced = Shebangs.fix(PrefixReplacement.text(original, placeholder, target.prefix()));
            }
            data.put("file_mode", fileMode);
            data.put("prefix_placeholder", placeholder);
            if (!data.has("sha256")) {
                data.put("sha256", Digests.sha256Hex(original));
            }
            data.put("sha256_in_prefix", Digests.sha256Hex(replaced));
            data.put("size_in_bytes", replaced.length);
            return LayerEntry.file(imagePath, mode, replaced);
        }
        if (entry.size() > SPOOL_THRESHOLD) {
            Path spool = Files.createTempFile(target.spoolDir(), "spool-", ".bin");
            Files.copy(content, spool, StandardCopyOption.REPLACE_EXISTING);
            data.put("size_in_bytes", entry.size());
            return LayerEntry.spooledFile(imagePath, mode, spool, entry.size());
        }
        byte[] bytes = content.readAllBytes();
        if (!data.has("sha256")) {
            data.put("sha256", Digests.sha256Hex(bytes));
        }
        data.put("size_in_bytes", bytes.length);
        return LayerEntry.file(imagePath, mode, bytes);
    }

    private static void declaredSha(PathEntry declared, ObjectNode data) {
        if (declared != null && declared.sha256().isPresent()) {
            data.put("sha256", declared.sha256().get());
        }
        if (declared != null && declared.size().isPresent()) {
            data.put("size_in_bytes", declared.size().get());
        }
    }

    private static int fileMode(PayloadEntry entry) {
        return entry.mode() == 0 ? 0644 : entry.mode();
    }

    private static String stripDot(String path) {
        String p = path;
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        return p;
    }

    private byte[] record(CondaPackage locked, CondaPackageContents contents, List<String> files,
            java.util.Collection<ObjectNode> pathsData) {
        JsonNode index = contents.index();
        ObjectNode r = JSON.createObjectNode();
        r.put("name", locked.name());
        r.put("version", locked.version());
        r.put("build", locked.build());
        r.put("build_number", index.path("build_number").asLong(0));
        String url = locked.url();
        String fn = locked.fileName();
        String subdir = index.path("subdir").asText(subdirOf(url));
        r.put("channel", channelOf(url, subdir));
        r.put("subdir", subdir);
        r.put("fn", fn);
        r.put("url", url);
        locked.md5().ifPresent(m -> r.put("md5", m));
        locked.sha256().ifPresent(s -> r.put("sha256", s));
        try {
            r.put("size", Files.size(contents.archive()));
        } catch (IOException e) {
            r.put("size", 0);
        }
        if (index.has("timestamp")) {
            r.put("timestamp", index.get("timestamp").asLong());
        }
        if (index.has("license")) {
            r.put("license", index.get("license").asText());
        }
        if (contents.noarchPython()) {
            r.put("noarch", "python");
        } else if (index.hasNonNull("noarch")) {
            r.set("noarch", index.get("noarch"));
        }
        ArrayNode depends = r.putArray("depends");
        if (!locked.depends().isEmpty()) {
            locked.depends().forEach(depends::add);
        } else {
            index.path("depends").forEach(d -> depends.add(d.asText()));
        }
        ArrayNode constrains = r.putArray("constrains");
        index.path("constrains").forEach(c -> constrains.add(c.asText()));
        if (index.has("track_features")) {
            r.set("track_features", index.get("track_features"));
        }
        ArrayNode fileList = r.putArray("files");
        files.forEach(fileList::add);
        ObjectNode pd = r.putObject("paths_data");
        pd.put("paths_version", 1);
        ArrayNode paths = pd.putArray("paths");
        pathsData.stream().filter(d -> !"directory".equals(d.path("path_type").asText())).forEach(paths::add);
        ObjectNode link = r.putObject("link");
        link.put("source", "/opt/conda/pkgs/" + fn.replaceAll("\\.(conda|tar\\.bz2)$", ""));
        link.put("type", 3);
        r.put("requested_spec", locked.name() + "==" + locked.version() + "=" + locked.build());
        try {
            return JSON.writeValueAsBytes(r);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String subdirOf(String url) {
        String[] parts = url.split("/");
        return parts.length >= 2 ? parts[parts.length - 2] : "";
    }

    static String channelOf(String url, String subdir) {
        int cut = url.lastIndexOf("/" + subdir + "/");
        return cut < 0 ? url.substring(0, Math.max(0, url.lastIndexOf('/'))) : url.substring(0, cut);
    }


    /** Carries an install error out of the payload visitor. */
    private static final class UncheckedInstall extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient InstallException cause;

        UncheckedInstall(InstallException cause) {
            super(cause.getMessage(), null, false, false);
            this.cause = cause;
        }
    }
}
