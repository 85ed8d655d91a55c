package ca.crim.pavics.jupyter.testsupport;

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

    /** The glibc version of the base's C library. */
    public static final String GLIBC = "2.31";
    /** What a glibc's banner says (as {@code strings libc.so.6 | grep 'release version'} shows). */
    static final String LIBC_CONTENT = "\u007fELF...GNU C Library (Debian GLIBC 2.31-13+deb11u11) stable release version 2.31.\n"
            + "Copyright (C) 2020 Free Software Foundation, Inc.\n";
    static final String HISTORY = "==> 2024-01-01 00:00:00 <==\n# synthetic base\n";
    static final String PYTHON_JSON = "{\"name\": \"python\", \"version\": \"3.11.9\", \"build\": \"h932a869_0_cpython\","
            + " \"build_number\": 0, \"channel\": \"https://conda.anaconda.org/conda-forge\", \"subdir\": \"linux-64\","
            + " \"depends\": [], \"files\": []}\n";
    static final String BASEPKG_JSON = "{\"name\": \"basepkg\", \"version\": \"1.0\", \"build\": \"0\", \"sha256\": \""
            + "1111111111111111111111111111111111111111111111111111111111111111\", \"subdir\": \"linux-64\", \"files\":"
            + " [\"lib/basepkg/old_only.txt\", \"lib/basepkg/common.txt\", \"lib/basepkg/old_module.py\"]}\n";

    /** The snapshot of the base environment (format read by base-snapshot's BaseSnapshot). */
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


    private SyntheticBaseImage() {
    }

    /** Writes an OCI image layout into {@code layoutDir} with the image tagged {@code tag}. */
    public static void writeLayout(Path layoutDir, String tag) throws IOException {
        writeLayout(layoutDir, tag, java.util.Map.of());
    }

    /** Like {@link #writeLayout(Path, String)} with labels in the image config. */
    public static void writeLayout(Path layoutDir, String tag, java.util.Map<String, String> labels) throws IOException {
        OciLayout.writeImage(layoutDir, tag, new OciLayout.Image("amd64", List.of(PATH_ENV, "CONDA_DIR=/opt/conda"), CMD,
                "jenkins", labels, List.of(rootfs().tar())));
    }

    /** The base's one layer: busybox, users, the conda installation and its birdy environment, a glibc. */
    public static LayerTar rootfs() throws IOException {
        Path busybox = ExternalTools.require("busybox", "busybox-static");
        LayerTar rootfs = new LayerTar()
                .dir("bin", 0755, 0, 0)
                .file("bin/busybox", Files.readAllBytes(busybox.toRealPath()), 0755, 0, 0)
                .dir("etc", 0755, 0, 0)
                .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\njenkins:x:1000:1000:jenkins:/home/jenkins:/bin/sh\n", 0644)
                .file("etc/group", "root:x:0:\njenkins:x:1000:\n", 0644)
                .dir("home", 0755, 0, 0)
                .dir("home/jenkins", 0755, 1000, 1000)
                .dir("lib", 0755, 0, 0)
                .dir("lib/x86_64-linux-gnu", 0755, 0, 0)
                .file("lib/x86_64-linux-gnu/libc-" + GLIBC + ".so", LIBC_CONTENT, 0755)
                .symlink("lib/x86_64-linux-gnu/libc.so.6", "libc-" + GLIBC + ".so")
                .dir("root", 0700, 0, 0)
                .dir("tmp", 01777, 0, 0)
                .dir("usr", 0755, 0, 0)
                .dir("usr/local", 0755, 0, 0)
                .dir("usr/local/bin", 0755, 0, 0)
                .file("usr/local/bin/start-notebook.sh", "#!/bin/sh\necho start-notebook\n", 0755)
                .dir("opt", 0755, 0, 0)
                .dir("opt/conda", 0777, 0, 0)
                .dir("opt/conda/bin", 0777, 0, 0)
                .dir("opt/conda/conda-meta", 0777, 0, 0)
                .file("opt/conda/conda-meta/history", "==> 2024-01-01 00:00:00 <==\n# the root installation\n", 0666)
                .file("opt/conda/conda-meta/conda-24.1.0-py311h0_0.json", "{\"name\": \"conda\", \"version\": \"24.1.0\","
                        + " \"build\": \"py311h0_0\", \"files\": []}\n", 0666)
                .dir("opt/conda/envs", 0777, 0, 0)
                .dir("opt/conda/envs/birdy", 0777, 0, 0)
                .dir("opt/conda/envs/birdy/bin", 0777, 0, 0)
                .dir("opt/conda/envs/birdy/conda-meta", 0777, 0, 0)
                .file("opt/conda/envs/birdy/conda-meta/history", HISTORY, 0666)
                .file("opt/conda/envs/birdy/conda-meta/" + PYTHON_RECORD, PYTHON_JSON, 0666)
                .file("opt/conda/envs/birdy/conda-meta/" + BASEPKG_RECORD, BASEPKG_JSON, 0666)
                .file("opt/conda/envs/birdy/conda-meta/pip-24.0-pyhd8ed1ab_0.json", "{\"name\": \"pip\", \"version\":"
                        + " \"24.0\", \"build\": \"pyhd8ed1ab_0\", \"noarch\": \"python\", \"files\": []}\n", 0666)
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
        return rootfs;
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
