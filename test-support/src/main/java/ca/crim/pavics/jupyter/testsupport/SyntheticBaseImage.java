package ca.crim.pavics.jupyter.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A tiny stand-in for {@code birdhouse/pavics-jupyter-base}: busybox-static with a few applet links, user
 * {@code jenkins} (1000:1000), a world-writable {@code /opt/conda} with the {@code birdy} environment's
 * {@code conda-meta}, the base's PATH and CMD. Written as an OCI layout by this class and pushed to a
 * registry with skopeo.
 */
public final class SyntheticBaseImage {
    public static final String PATH_ENV = "PATH=/opt/conda/envs/birdy/bin:/opt/conda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    public static final List<String> CMD = List.of("conda", "run", "-n", "birdy", "/usr/local/bin/start-notebook.sh");
    public static final String PYTHON_RECORD = "python-3.11.9-h932a869_0_cpython.json";
    /** A conda package installed in the base ({@code lib/basepkg/old_only.txt}, {@code lib/basepkg/common.txt}). */
    public static final String BASEPKG_RECORD = "basepkg-1.0-0.json";
    public static final String BASEPKG_SHA256 = "1111111111111111111111111111111111111111111111111111111111111111";

    /** The snapshot of the base environment (format read by env-installer's BaseSnapshot). */
    public static String snapshotJson() {
        return "{\"prefix\": \"/opt/conda/envs/birdy\",\n"
                + " \"history\": \"==> 2024-01-01 00:00:00 <==\\n# synthetic base\\n\",\n"
                + " \"conda\": [\n"
                + "  {\"name\": \"python\", \"version\": \"3.11.9\", \"build\": \"h932a869_0_cpython\", \"files\": []},\n"
                + "  {\"name\": \"basepkg\", \"version\": \"1.0\", \"build\": \"0\", \"sha256\": \"" + BASEPKG_SHA256 + "\",\n"
                + "   \"files\": [\"lib/basepkg/old_only.txt\", \"lib/basepkg/common.txt\", \"lib/basepkg/old_module.py\"]}\n"
                + " ],\n"
                + " \"pip\": []}\n";
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private SyntheticBaseImage() {
    }

    /** Writes an OCI image layout into {@code layoutDir} with the image tagged {@code tag}. */
    public static void writeLayout(Path layoutDir, String tag) throws IOException {
        writeLayout(layoutDir, tag, java.util.Map.of());
    }

    /** Like {@link #writeLayout(Path, String)} with labels in the image config. */
    public static void writeLayout(Path layoutDir, String tag, java.util.Map<String, String> labels) throws IOException {
        Path busybox = ExternalTools.require("busybox", "busybox-static");
        LayerTar rootfs = new LayerTar()
                .dir("bin", 0755, 0, 0)
                .file("bin/busybox", Files.readAllBytes(busybox.toRealPath()), 0755, 0, 0)
                .dir("etc", 0755, 0, 0)
                .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\njenkins:x:1000:1000:jenkins:/home/jenkins:/bin/sh\n", 0644)
                .file("etc/group", "root:x:0:\njenkins:x:1000:\n", 0644)
                .dir("home", 0755, 0, 0)
                .dir("home/jenkins", 0755, 1000, 1000)
                .dir("root", 0700, 0, 0)
                .dir("tmp", 01777, 0, 0)
                .dir("usr", 0755, 0, 0)
                .dir("usr/local", 0755, 0, 0)
                .dir("usr/local/bin", 0755, 0, 0)
                .file("usr/local/bin/start-notebook.sh", "#!/bin/sh\necho start-notebook\n", 0755)
                .dir("opt", 0755, 0, 0)
                .dir("opt/conda", 0777, 0, 0)
                .dir("opt/conda/bin", 0777, 0, 0)
                .dir("opt/conda/envs", 0777, 0, 0)
                .dir("opt/conda/envs/birdy", 0777, 0, 0)
                .dir("opt/conda/envs/birdy/bin", 0777, 0, 0)
                .dir("opt/conda/envs/birdy/conda-meta", 0777, 0, 0)
                .file("opt/conda/envs/birdy/conda-meta/history", "==> 2024-01-01 00:00:00 <==\n# synthetic base\n", 0666)
                .file("opt/conda/envs/birdy/conda-meta/" + PYTHON_RECORD,
                        "{\"name\": \"python\", \"version\": \"3.11.9\", \"build\": \"h932a869_0_cpython\", \"files\": []}\n", 0666)
                .file("opt/conda/envs/birdy/conda-meta/" + BASEPKG_RECORD,
                        "{\"name\": \"basepkg\", \"version\": \"1.0\", \"build\": \"0\"}\n", 0666)
                .dir("opt/conda/envs/birdy/lib", 0777, 0, 0)
                .dir("opt/conda/envs/birdy/lib/basepkg", 0777, 0, 0)
                .file("opt/conda/envs/birdy/lib/basepkg/old_only.txt", "old only\n", 0666)
                .file("opt/conda/envs/birdy/lib/basepkg/common.txt", "common, old version\n", 0666)
                .file("opt/conda/envs/birdy/lib/basepkg/old_module.py", "x = 1\n", 0666)
                .dir("opt/conda/envs/birdy/lib/basepkg/__pycache__", 0777, 0, 0)
                .file("opt/conda/envs/birdy/lib/basepkg/__pycache__/old_module.cpython-311.pyc", "bytecode", 0666);
        for (String applet : List.of("sh", "cat", "ls", "id", "echo", "test", "env")) {
            rootfs.symlink("bin/" + applet, "busybox");
        }
        byte[] tar = rootfs.tar();
        byte[] layer = LayerTar.gzip(tar);

        ObjectNode config = JSON.createObjectNode();
        config.put("architecture", "amd64");
        config.put("os", "linux");
        config.put("created", "1970-01-01T00:00:00Z");
        ObjectNode cfg = config.putObject("config");
        cfg.putArray("Env").add(PATH_ENV).add("CONDA_DIR=/opt/conda");
        ArrayNode cmd = cfg.putArray("Cmd");
        CMD.forEach(cmd::add);
        cfg.put("User", "jenkins");
        cfg.put("WorkingDir", "/home/jenkins");
        if (!labels.isEmpty()) {
            ObjectNode labelNode = cfg.putObject("Labels");
            labels.forEach(labelNode::put);
        }
        ObjectNode rootfsNode = config.putObject("rootfs");
        rootfsNode.put("type", "layers");
        rootfsNode.putArray("diff_ids").add(LayerTar.sha256(tar));
        config.putArray("history").addObject().put("created", "1970-01-01T00:00:00Z")
                .put("created_by", "synthetic pavics-jupyter-base for tests");
        byte[] configBytes = JSON.writeValueAsBytes(config);

        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        descriptor(manifest.putObject("config"), "application/vnd.oci.image.config.v1+json", configBytes);
        descriptor(manifest.putArray("layers").addObject(), "application/vnd.oci.image.layer.v1.tar+gzip", layer);
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);

        Path blobs = Files.createDirectories(layoutDir.resolve("blobs/sha256"));
        for (byte[] blob : List.of(layer, configBytes, manifestBytes)) {
            Files.write(blobs.resolve(LayerTar.sha256(blob).substring("sha256:".length())), blob);
        }
        Files.writeString(layoutDir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        ObjectNode m = index.putArray("manifests").addObject();
        descriptor(m, "application/vnd.oci.image.manifest.v1+json", manifestBytes);
        m.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
        Files.write(layoutDir.resolve("index.json"), JSON.writeValueAsBytes(index));
    }

    private static void descriptor(ObjectNode node, String mediaType, byte[] content) {
        node.put("mediaType", mediaType);
        node.put("digest", LayerTar.sha256(content));
        node.put("size", content.length);
    }

    /**
     * Builds the image and pushes it to {@code registry} as {@code birdhouse/pavics-jupyter-base:0.5.0};
     * returns the reference to give to {@code -Dbase.image}.
     */
    public static String pushTo(LocalRegistry registry, Path workDir) throws IOException {
        Path layout = workDir.resolve("synthetic-base-layout");
        writeLayout(layout, "0.5.0");
        String ref = registry.address() + "/birdhouse/pavics-jupyter-base:0.5.0";
        Skopeo.copy("oci:" + layout + ":0.5.0", "docker://" + ref);
        return ref;
    }

    /** Pushes the image, with labels, to {@code registry} as {@code repository:tag}; returns the reference. */
    public static String pushTo(LocalRegistry registry, Path workDir, String repository, String tag,
            java.util.Map<String, String> labels) throws IOException {
        Path layout = workDir.resolve("layout-" + repository.replace('/', '-') + "-" + tag);
        writeLayout(layout, tag, labels);
        String ref = registry.address() + "/" + repository + ":" + tag;
        Skopeo.copy("oci:" + layout + ":" + tag, "docker://" + ref);
        return ref;
    }

}
