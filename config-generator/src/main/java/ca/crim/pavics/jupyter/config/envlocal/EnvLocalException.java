package ca.crim.pavics.jupyter.config.envlocal;

import java.util.Optional;

/** An env.local that cannot be updated safely; the message is one line (file and line where known). */
public final class EnvLocalException extends Exception {
    private static final long serialVersionUID = 1L;

    /** A way out the caller can offer (a front end names its own option for it). */
    public enum Remedy {
        /** Disable the line that sources the old job generator ({@code replaceOldJobs}). */
        REPLACE_OLD_JOBS
    }

    private final transient Remedy remedy;

    public EnvLocalException(String message) {
        this(message, null);
    }

    public EnvLocalException(String message, Remedy remedy) {
        super(message);
        this.remedy = remedy;
    }

    public Optional<Remedy> remedy() {
        return Optional.ofNullable(remedy);
    }
}
