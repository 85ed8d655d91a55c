package ca.crim.pavics.jupyter.deploy;

import ca.crim.pavics.jupyter.deploy.sync.TreeSync;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/** An exclusive lock on a destination, held for the whole run (released by the OS if the process dies). */
public final class DeployLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DeployLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, or empty when another run holds it. */
    public static Optional<DeployLock> tryAcquire(Path dest) throws IOException {
        FileChannel channel = FileChannel.open(dest.resolve(TreeSync.LOCK_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            return Optional.of(new DeployLock(channel, lock));
        } catch (OverlappingFileLockException e) {
            channel.close();
            return Optional.empty();
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
