package ca.crim.pavics.jupyter.deploy.git;

import org.eclipse.jgit.storage.file.WindowCacheConfig;

/**
 * JVM-wide JGit settings for a process that deploys large trees once and exits (the CLI), rather than JGit's
 * defaults for long-running servers with many repositories: the JDK's hardware-accelerated SHA-1 instead of
 * JGit's pure-Java collision-detecting one (keep that one with
 * {@code -Dorg.eclipse.jgit.util.sha1.implementation=JAVA}), larger, mapped pack windows, and the system git
 * configuration read from its file rather than discovered by running git. The process owner
 * calls it; the library itself changes no global state.
 */
public final class JGitTuning {
    private static boolean applied;

    private JGitTuning() {
    }

    public static synchronized void forOneShotDeploys() {
        if (applied) {
            return;
        }
        applied = true;
        if (System.getProperty("org.eclipse.jgit.util.sha1.implementation") == null) {
            System.setProperty("org.eclipse.jgit.util.sha1.implementation", "JDKNATIVE");
        }
        // JGit finds the system git configuration by running `git --version` and `git config --system
        // --show-origin` (two processes, ~100 ms); read the file itself instead ($GIT_CONFIG_SYSTEM or /etc/gitconfig)
        String system = System.getenv("GIT_CONFIG_SYSTEM");
        org.eclipse.jgit.util.FS.DETECTED.setGitSystemConfig(new java.io.File(system != null && !system.isEmpty()
                ? system : "/etc/gitconfig"));
        WindowCacheConfig config = new WindowCacheConfig();
        config.setPackedGitWindowSize(1 << 20);
        config.setPackedGitLimit(256L << 20);
        config.setPackedGitMMAP(true);
        config.setDeltaBaseCacheLimit(128 << 20);
        config.setStreamFileThreshold(64 << 20);
        config.install();
    }
}
