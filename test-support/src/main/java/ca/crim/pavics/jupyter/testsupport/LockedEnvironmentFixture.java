package ca.crim.pavics.jupyter.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A locked environment for tests: a conda channel folder (real packages of {@code shared/testdata/conda-real} plus
 * generated ones: file and folder symlinks, text and binary placeholders, a {@code noarch: python} package with
 * entry points, a new version of the synthetic base's {@code basepkg}), wheels (a generated one with {@code .data/}
 * and console scripts, and a real one), an {@code environment.yml}, its conda-lock v1 lock with the environment hash
 * line, and the snapshot of the synthetic base.
 */
public final class LockedEnvironmentFixture {
    /** A binary placeholder as conda-build writes it (padded), long enough for /opt/conda/envs/birdy. */
    public static final String BINARY_PLACEHOLDER = "/home/conda/feedstock_root/build_artifacts/genlib_1700000000/_h_env_placehold_placehold_placehold_placehold";

    public record Files_(Path root, Path channel, Path environmentFile, Path lockFile, Path snapshotFile,
            Map<String, Path> packages) {
    }

    private LockedEnvironmentFixture() {
    }

    /**
     * Writes everything under {@code root}; {@code baseUrl} is the URL that serves {@code root} (packages are
     * locked at {@code baseUrl/channel/...}).
     */
    public static Files_ write(Path root, String baseUrl, Path realTestData) throws IOException {
        Path channel = root.resolve("channel");
        Path linux = Files.createDirectories(channel.resolve("linux-64"));
        Path noarch = Files.createDirectories(channel.resolve("noarch"));
        Map<String, Path> packages = new LinkedHashMap<>();

        byte[] binary = new byte[4096];
        new java.util.Random(42).nextBytes(binary);
        for (int i = 0; i < binary.length; i++) {
            if (binary[i] == 0) {
                binary[i] = 1;
            }
        }
        byte[] rpath = (BINARY_PLACEHOLDER + "/lib:" + BINARY_PLACEHOLDER + "/lib64").getBytes(StandardCharsets.UTF_8);
        System.arraycopy(rpath, 0, binary, 1000, rpath.length);
        binary[1000 + rpath.length] = 0;
        packages.put("genlib", new CondaPackageBuilder("genlib", "1.0", "h0_0")
                .prefixFile("lib/libgen.so.1.0", binary, 0755, BINARY_PLACEHOLDER, "binary")
                .symlink("lib/libgen.so.1", "libgen.so.1.0")
                .symlink("lib/libgen.so", "libgen.so.1")
                .prefixFile("etc/genlib.conf", ("prefix=" + CondaPackageBuilder.PLACEHOLDER + "\nlibdir="
                        + CondaPackageBuilder.PLACEHOLDER + "/lib\n").getBytes(StandardCharsets.UTF_8), 0644,
                        CondaPackageBuilder.PLACEHOLDER, "text")
                .file("share/genlib-1.0/data.txt", "genlib data, unmodified\n", 0644)
                .symlink("share/genlib-current", "genlib-1.0")
                .writeConda(linux));
        packages.put("basepkg", new CondaPackageBuilder("basepkg", "2.0", "0")
                .file("lib/basepkg/common.txt", "common, new version\n", 0644)
                .file("lib/basepkg/new_only.txt", "new only\n", 0644)
                .writeTarBz2(linux));
        packages.put("genpy", new CondaPackageBuilder("genpy", "1.0", "pyh0_0")
                .depends("genlib >=1.0").depends("python >=3.8")
                .file("site-packages/genpy/__init__.py", "def main():\n    print('genpy main')\n", 0644)
                .file("site-packages/genpy/cli.py", "def main():\n    print('genpy cli')\n", 0644)
                .prefixFile("python-scripts/genpy-script", ("#!" + CondaPackageBuilder.PLACEHOLDER
                        + "/bin/python\nprint('script')\n").getBytes(StandardCharsets.UTF_8), 0755,
                        CondaPackageBuilder.PLACEHOLDER, "text")
                .noarchPython("genpy-cli = genpy.cli:main")
                .writeConda(noarch));
        packages.put("zlib", copy(realTestData.resolve("channel-zlib/linux-64/zlib-1.2.11-h7b6447c_3.conda"), linux));
        packages.put("my-webserver", copy(realTestData.resolve("packages/my-webserver-0.1.0-pyh4616a5c_0.conda"), noarch));
        packages.put("cph_test_data", copy(realTestData.resolve("packages/cph_test_data-0.0.1-0.tar.bz2"), linux));
        packages.put("ca-certificates", copy(realTestData.resolve("packages/ca-certificates-2024.7.4-hbcca054_0.conda"), linux));

        Path wheels = Files.createDirectories(root.resolve("wheels"));
        WheelBuilder gen = new WheelBuilder("genwheel", "1.0");
        packages.put("genwheel", gen
                .file("genwheel/__init__.py", "def main():\n    print('genwheel')\n", 0644)
                .file(gen.dataDir() + "/scripts/genwheel-run", "#!python\nimport genwheel\ngenwheel.main()\n", 0755)
                .file(gen.dataDir() + "/data/share/genwheel/readme.txt", "genwheel data\n", 0644)
                .consoleScripts("genwheel = genwheel:main")
                .write(wheels));
        packages.put("small-python-package", copy(realTestData.resolve("wheels/small_python_package-1.0.0-py3-none-any.whl"), wheels));

        Path env = root.resolve("environment.yml");
        Files.writeString(env, """
                name: birdy
                channels:
                  - %s/channel
                dependencies:
                  - genlib
                  - basepkg>=2
                  - genpy=1.0
                  - zlib
                  - my-webserver
                  - cph_test_data
                  - ca-certificates
                  - pip
                  - pip:
                    - genwheel==1.0
                    - small-python-package
                """.formatted(baseUrl));
        Path snapshot = root.resolve("base-environment.json");
        Files.writeString(snapshot, SyntheticBaseImage.snapshotJson().replace(" ],\n", ",\n  {\"name\": \"pip\", \"version\": \"24.0\", \"build\": \"pyhd8ed1ab_0\", \"files\": []}\n ],\n"));
        Path lock = root.resolve("conda-lock.yml");
        writeLock(lock, env, baseUrl, root, packages);
        return new Files_(root, channel, env, lock, snapshot, packages);
    }

    /** (Re)writes the conda-lock v1 file for the packages, with the hash line of {@code env}. */
    public static void writeLock(Path lock, Path env, String baseUrl, Path root, Map<String, Path> packages) throws IOException {
        StringBuilder y = new StringBuilder();
        y.append("# environment.yml sha256: ").append(hex("SHA-256", Files.readAllBytes(env))).append('\n');
        y.append("version: 1\nmetadata:\n  content_hash:\n    linux-64: test\n  channels:\n  - url: ").append(baseUrl)
                .append("/channel\n    used_env_vars: []\n  platforms:\n  - linux-64\n  sources:\n  - environment.yml\npackage:\n");
        for (Map.Entry<String, Path> p : packages.entrySet()) {
            Path file = p.getValue();
            String rel = root.relativize(file).toString().replace('\\', '/');
            byte[] content = Files.readAllBytes(file);
            boolean wheel = rel.endsWith(".whl");
            String fn = file.getFileName().toString();
            String version = wheel ? fn.split("-")[1] : fn.replaceAll("\\.(conda|tar\\.bz2)$", "").replaceAll("^.*-([^-]+)-[^-]+$", "$1");
            y.append("- name: ").append(p.getKey()).append('\n')
                    .append("  version: '").append(version).append("'\n")
                    .append("  manager: ").append(wheel ? "pip" : "conda").append('\n')
                    .append("  platform: linux-64\n")
                    .append("  dependencies: {}\n")
                    .append("  url: ").append(baseUrl).append('/').append(rel).append('\n')
                    .append("  hash:\n");
            if (!wheel) {
                y.append("    md5: ").append(hex("MD5", content)).append('\n');
            }
            y.append("    sha256: ").append(hex("SHA-256", content)).append('\n')
                    .append("  category: main\n  optional: false\n");
        }
        Files.writeString(lock, y.toString());
    }

    private static Path copy(Path from, Path dir) throws IOException {
        return Files.copy(from, dir.resolve(from.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    public static String hex(String algorithm, byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
