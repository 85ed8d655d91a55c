package ca.crim.pavics.jupyter.deploy.git;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.util.zip.Deflater;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.transport.PackParser;

/**
 * A cache repository whose thin-pack completion honours {@code core.compression}. A fetch receives the changed
 * files as deltas against versions the cache already has, and JGit appends those base versions to the received
 * pack, always deflating them at zlib's default level — about 50 MB/s for content that does not compress, seconds
 * for a few changed notebooks with large outputs. The cache sets {@code core.compression = 0}, so the bases are
 * stored as they are (copying speed). When JGit's pack parser no longer has the expected field, its own level is
 * kept (only slower); {@link #tunesAppendedBases()} tells which.
 */
final class CacheRepository extends FileRepository {
    private static final Field DEFLATER = deflaterField();

    CacheRepository(File gitDir) throws IOException {
        super(gitDir);
    }

    /** Whether the bases appended to thin packs get the configured compression level. */
    static boolean tunesAppendedBases() {
        return DEFLATER != null;
    }

    @Override
    public ObjectInserter newObjectInserter() {
        ObjectInserter inserter = super.newObjectInserter();
        int level = getConfig().getInt("core", null, "compression", Deflater.DEFAULT_COMPRESSION);
        if (DEFLATER == null || level == Deflater.DEFAULT_COMPRESSION) {
            return inserter;
        }
        return new ObjectInserter.Filter() {
            @Override
            protected ObjectInserter delegate() {
                return inserter;
            }

            @Override
            public PackParser newPackParser(InputStream in) throws IOException {
                PackParser parser = inserter.newPackParser(in);
                if (DEFLATER.getDeclaringClass().isInstance(parser)) {
                    try {
                        // the parser reuses (and finally ends) the deflater it finds in this field
                        DEFLATER.set(parser, new Deflater(level, false));
                    } catch (IllegalAccessException e) {
                        // keep JGit's default level
                    }
                }
                return parser;
            }
        };
    }

    private static Field deflaterField() {
        try {
            Field f = Class.forName("org.eclipse.jgit.internal.storage.file.ObjectDirectoryPackParser").getDeclaredField("def");
            if (f.getType() != Deflater.class) {
                return null;
            }
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
