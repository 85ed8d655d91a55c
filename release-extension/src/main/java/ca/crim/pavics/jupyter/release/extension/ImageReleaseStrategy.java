package ca.crim.pavics.jupyter.release.extension;

import java.util.ArrayList;
import java.util.List;
import javax.inject.Named;
import javax.inject.Singleton;
import org.eclipse.sisu.Priority;
import org.apache.maven.shared.release.strategies.DefaultStrategy;
import org.apache.maven.shared.release.strategy.Strategy;

/**
 * maven-release-plugin's default strategy, plus {@value RestoreChangelogPhase#NAME} in rollback so that
 * {@code release:rollback} puts the module's CHANGELOG.md back as it was before the release commit.
 *
 * <p>It takes the name {@code default}, ranked above the plugin's own: release.properties records the
 * strategy id of the prepare ("default") and that record wins over any configuration at rollback time. The
 * extension is only on the plugin's class path while a release is in progress (profile
 * {@code release-in-progress} of the image modules).
 */
@Named(ImageReleaseStrategy.ID)
@Priority(100)
@Singleton
public class ImageReleaseStrategy implements Strategy {
    public static final String ID = "default";

    private final DefaultStrategy defaults = new DefaultStrategy();

    @Override
    public List<String> getPreparePhases() {
        return defaults.getPreparePhases();
    }

    @Override
    public List<String> getPerformPhases() {
        return defaults.getPerformPhases();
    }

    @Override
    public List<String> getBranchPhases() {
        return defaults.getBranchPhases();
    }

    @Override
    public List<String> getRollbackPhases() {
        List<String> phases = new ArrayList<>(defaults.getRollbackPhases());
        int restorePoms = phases.indexOf("restore-backup-poms");
        phases.add(restorePoms + 1, RestoreChangelogPhase.NAME);
        return phases;
    }

    @Override
    public List<String> getUpdateVersionsPhases() {
        return defaults.getUpdateVersionsPhases();
    }
}
