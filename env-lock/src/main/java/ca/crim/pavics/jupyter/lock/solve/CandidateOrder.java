package ca.crim.pavics.jupyter.lock.solve;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import java.util.Comparator;

/**
 * The order in which the solver tries the candidates of a requirement, best first, as conda and mamba order them:
 * fewer {@code track_features} first (a feature is a penalty), then the higher version, the higher build number, the
 * newer timestamp; the file name last, so the order is total and the same on every run.
 */
public final class CandidateOrder implements Comparator<PackageRecord> {
    public static final CandidateOrder INSTANCE = new CandidateOrder();

    private CandidateOrder() {
    }

    @Override
    public int compare(PackageRecord a, PackageRecord b) {
        int c = Integer.compare(a.trackFeatures().size(), b.trackFeatures().size());
        if (c != 0) {
            return c;
        }
        c = b.versionOrder().compareTo(a.versionOrder());
        if (c != 0) {
            return c;
        }
        c = Long.compare(b.buildNumber(), a.buildNumber());
        if (c != 0) {
            return c;
        }
        c = Long.compare(b.timestamp(), a.timestamp());
        if (c != 0) {
            return c;
        }
        c = a.subdir().compareTo(b.subdir());
        return c != 0 ? c : a.fileName().compareTo(b.fileName());
    }
}
