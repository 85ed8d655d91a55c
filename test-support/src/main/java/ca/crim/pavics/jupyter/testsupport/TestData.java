package ca.crim.pavics.jupyter.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real conda/pip artifacts of other projects ({@code testdata/conda-real} at the repository root, a copy of the
 * shared test data with its provenance), for tests that must not rely on files we wrote ourselves.
 */
public final class TestData {
    private TestData() {
    }

    public static Path condaReal() {
        return folder("testdata/conda-real");
    }

    /**
     * Real channels, solver suites and PyPI metadata ({@code testdata/resolver}, a copy of the shared test data's
     * {@code resolver/} with its provenance).
     */
    public static Path resolver() {
        return folder("testdata/resolver");
    }

    /**
     * birdhouse-deploy's configuration trees of releases 1.42.2, 2.14.0 and 2.28.0 ({@code testdata/birdhouse-deploy},
     * a copy of the shared test data with its provenance): its own scripts, read by tests as birdhouse reads them.
     */
    public static Path birdhouseDeploy() {
        return folder("testdata/birdhouse-deploy");
    }

    /**
     * A writable copy of one release's tree ({@code 1.42.2}, {@code 2.14.0} or {@code 2.28.0}) in {@code target}, for
     * tests that render its templates in place; returns {@code target}.
     */
    public static Path copyOfBirdhouseDeploy(String version, Path target) throws java.io.IOException {
        Path source = birdhouseDeploy().resolve(version);
        try (java.util.stream.Stream<Path> all = Files.walk(source)) {
            for (Path p : all.toList()) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return target;
    }

    private static Path folder(String relative) {
        Path dir = RepositoryCopy.sourceRoot().resolve(relative).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("test data missing: " + dir);
        }
        return dir;
    }
}
