package ca.crim.pavics.jupyter.maven;

import ca.crim.pavics.jupyter.env.EnvironmentBuild;
import ca.crim.pavics.jupyter.env.lock.LockAdoption;
import ca.crim.pavics.jupyter.env.lock.LockException;
import ca.crim.pavics.jupyter.snapshot.SnapshotException;
import ca.crim.pavics.jupyter.spec.SpecException;
import java.io.File;
import java.io.IOException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Adopts a lock made elsewhere ({@code conda-lock.yml} by conda-lock, {@code pixi.lock} by pixi):
 * {@code ./mvnw -pl eo jupyter-image:adopt-lock} checks every spec of environment.yml against it and the base
 * snapshot, then records environment.yml's hash in it, so that the build installs it.
 */
@Mojo(name = "adopt-lock", threadSafe = true)
public class AdoptLockMojo extends LockedModuleMojo {
    @Override
    public void execute() throws MojoFailureException {
        if (skipped()) {
            return;
        }
        File lock = lock();
        try {
            LockAdoption.Result r = LockAdoption.adopt(lock.toPath(), environmentFile.toPath(), baseSnapshot.toPath(),
                    categories(), EnvironmentBuild.PLATFORM);
            getLog().info(String.format("%s (%s, %d conda packages, %d wheels): every spec of %s is met; %s", lock.getName(),
                    r.format(), r.condaPackages(), r.wheels(), environmentFile.getName(),
                    r.changed() ? "recorded '" + r.hashLine() + "'" : "already recorded"));
        } catch (LockException | SpecException | SnapshotException | IOException e) {
            throw new MojoFailureException(HelpfulSuggestions.forFailure(e, insecure), e);
        }
    }
}
