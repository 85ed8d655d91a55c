package ca.crim.pavics.jupyter.config.envlocal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The birdhouse-deploy releases that differ in how they run the notebook deploy jobs (see
 * testdata/birdhouse-deploy/README.md):
 * <ul>
 * <li>{@link #V1}: 1.x, the older variable names ({@code PAVICS_LOG_DIR}, {@code AUTODEPLOY_*},
 *     {@code DOCKER_NOTEBOOK_IMAGES}); jobs in {@code AUTODEPLOY_EXTRA_SCHEDULER_JOBS} of env.local;</li>
 * <li>{@link #V2}: 2.0 to 2.14, the {@code BIRDHOUSE_*} names; jobs in
 *     {@code BIRDHOUSE_AUTODEPLOY_EXTRA_SCHEDULER_JOBS} of env.local;</li>
 * <li>{@link #V2_COMPONENT_JOBS}: 2.15 and later: scheduler jobs are components (jobs in env.local still run but
 *     birdhouse warns at every start).</li>
 * </ul>
 */
public enum BirdhouseGeneration {
    V1("1.x", Birdhouse.LEGACY),
    V2("2.0 to 2.14", Birdhouse.CURRENT),
    V2_COMPONENT_JOBS("2.15 or later", Birdhouse.CURRENT);

    private static final Pattern VERSION = Pattern.compile("(\\d{1,4})(?:\\.(\\d{1,4})(?:\\.\\d{1,4})?)?");

    private final String label;
    private final Birdhouse names;

    BirdhouseGeneration(String label, Birdhouse names) {
        this.label = label;
        this.names = names;
    }

    /** How the releases are called in messages, e.g. {@code 2.0 to 2.14}. */
    public String label() {
        return label;
    }

    /** The variable names this release defines (those the jobs must use). */
    public Birdhouse names() {
        return names;
    }

    /** Whether the jobs belong in a component rather than in env.local. */
    public boolean jobsInComponent() {
        return this == V2_COMPONENT_JOBS;
    }

    /**
     * The generation of a release number such as {@code 2.28.0}, {@code 2.14} or {@code 1} (one to three numbers; no
     * {@code v}, no suffix).
     *
     * @throws IllegalArgumentException (one line) when it is not a version, or names a release that does not exist
     */
    public static BirdhouseGeneration ofVersion(String version) {
        Matcher m = VERSION.matcher(version.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + version + "' is not a birdhouse-deploy version such as 2.28.0 or 1.42");
        }
        int major = Integer.parseInt(m.group(1));
        int minor = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        if (major < 1) {
            throw new IllegalArgumentException("'" + version + "': birdhouse-deploy releases start at 1.0");
        }
        return major == 1 ? V1 : major == 2 && minor < 15 ? V2 : V2_COMPONENT_JOBS;
    }

    /**
     * The generation of the birdhouse-deploy configuration folder {@code composeDir} (the {@code birdhouse/} folder
     * where env.local usually sits), from files each generation has: {@code
     * optional-components/scheduler-job-notebookdeploy/config.yml.template} (2.15 on), {@code birdhouse-compose.sh}
     * (2.0 on), {@code pavics-compose.sh} alone (1.x). Empty when the folder has no {@code read-configs.include.sh}.
     */
    public static Optional<BirdhouseGeneration> detect(Path composeDir) {
        if (composeDir == null || !Files.isRegularFile(composeDir.resolve("read-configs.include.sh"))) {
            return Optional.empty();
        }
        if (Files.isRegularFile(composeDir.resolve("optional-components/scheduler-job-notebookdeploy/config.yml.template"))) {
            return Optional.of(V2_COMPONENT_JOBS);
        }
        if (Files.isRegularFile(composeDir.resolve("birdhouse-compose.sh"))) {
            return Optional.of(V2);
        }
        return Files.isRegularFile(composeDir.resolve("pavics-compose.sh")) ? Optional.of(V1) : Optional.empty();
    }
}
