package ca.crim.pavics.jupyter.env.lock;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Where an image module keeps its lock: the first of these names beside its {@code environment.yml}. */
public final class LockFiles {
    public static final List<String> NAMES = List.of("conda-lock.yml", "pixi.lock", "environment.lock.txt");

    private LockFiles() {
    }

    public static Optional<Path> find(Path moduleDir) {
        return NAMES.stream().map(moduleDir::resolve).filter(Files::isRegularFile).findFirst();
    }
}
