package ca.crim.pavics.jupyter.lock.repodata;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import java.io.IOException;
import java.util.List;

/** The records of one channel subdir, read by name: a whole {@code repodata.json} or sharded repodata (CEP 16). */
interface SubdirRecords extends AutoCloseable {
    /**
     * The records of a name (a {@code .conda} record in place of the {@code .tar.bz2} of the same name-version-build).
     *
     * @throws IOException one line naming the URL when the data cannot be read or is invalid
     */
    List<PackageRecord> records(String name) throws IOException;

    /** How many records are known so far (all of them for a whole repodata.json; those fetched for shards). */
    int size();

    @Override
    void close() throws IOException;
}
