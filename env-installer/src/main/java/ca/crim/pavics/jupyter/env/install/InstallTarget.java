package ca.crim.pavics.jupyter.env.install;

import java.nio.file.Path;

/**
 * Where and how packages are installed.
 *
 * @param prefix the environment, absolute ({@code /opt/conda/envs/birdy})
 * @param pythonVersion the environment's python as {@code X.Y}, for {@code noarch: python} packages and wheels
 * @param sitePackages site-packages relative to the prefix ({@code lib/python3.11/site-packages})
 * @param allowLinkScripts install packages that have pre/post-link scripts without running them
 * @param spoolDir where large file contents wait between reading a package and writing its layer
 */
public record InstallTarget(String prefix, String pythonVersion, String sitePackages, boolean allowLinkScripts,
        Path spoolDir) {
    public InstallTarget {
        if (!prefix.startsWith("/") || prefix.endsWith("/")) {
            throw new IllegalArgumentException("prefix must be absolute without a trailing slash: " + prefix);
        }
    }

    public static String defaultSitePackages(String pythonVersion) {
        return "lib/python" + pythonVersion + "/site-packages";
    }

    /** The prefix as a layer path (no leading slash). */
    public String layerPrefix() {
        return prefix.substring(1);
    }

    public String python() {
        return prefix + "/bin/python" + pythonVersion;
    }
}
