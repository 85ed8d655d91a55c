package ca.crim.pavics.jupyter.env.install;

import ca.crim.pavics.jupyter.env.pkg.CondaPackageArchive;
import ca.crim.pavics.jupyter.env.pkg.PackageException;
import ca.crim.pavics.jupyter.env.pkg.PathEntry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a conda package says about itself ({@code info/index.json}, {@code info/paths.json}, {@code info/link.json})
 * and where each of its paths goes in an environment ({@code noarch: python} relocation).
 */
public record CondaPackageContents(Path archive, JsonNode index, List<PathEntry> paths, List<String> entryPoints,
        boolean noarchPython) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static CondaPackageContents read(Path archive) throws PackageException {
        CondaPackageArchive pkg = new CondaPackageArchive(archive);
        Map<String, byte[]> info = pkg.info();
        try {
            JsonNode index = info.containsKey("index.json") ? JSON.readTree(info.get("index.json")) : JSON.createObjectNode();
            JsonNode link = info.containsKey("link.json") ? JSON.readTree(info.get("link.json")) : JSON.createObjectNode();
            boolean noarchPython = "python".equals(index.path("noarch").asText())
                    || "python".equals(link.path("noarch").path("type").asText());
            List<String> entryPoints = new ArrayList<>();
            for (JsonNode e : link.path("noarch").path("entry_points")) {
                try {
                    EntryPointScript.parse(e.asText());
                } catch (IllegalArgumentException bad) {
                    throw new PackageException(archive + ": info/link.json: " + bad.getMessage());
                }
                entryPoints.add(e.asText());
            }
            return new CondaPackageContents(archive, index, pkg.paths(info), List.copyOf(entryPoints), noarchPython);
        } catch (IOException e) {
            throw new PackageException(archive + ": invalid info/index.json or info/link.json: " + e.getMessage(), e);
        }
    }

    /** The path of a package path relative to the prefix once installed. */
    public String installedPath(String packagePath, InstallTarget target) {
        if (noarchPython) {
            if (packagePath.startsWith("site-packages/")) {
                return target.sitePackages() + packagePath.substring("site-packages".length());
            }
            if (packagePath.startsWith("python-scripts/")) {
                return "bin" + packagePath.substring("python-scripts".length());
            }
        }
        return packagePath;
    }

    /** Every path the package installs, relative to the prefix (entry point scripts included). */
    public List<String> installedPaths(InstallTarget target) {
        List<String> all = new ArrayList<>();
        for (PathEntry p : paths) {
            all.add(installedPath(p.path(), target));
        }
        for (String ep : entryPoints) {
            all.add("bin/" + EntryPointScript.parse(ep).command());
        }
        return all;
    }

    /** Link scripts ({@code bin/.NAME-pre-link.sh} and friends) the package carries. */
    public List<String> linkScripts() {
        String name = index.path("name").asText();
        return paths.stream().map(PathEntry::path)
                .filter(p -> p.equals("bin/." + name + "-pre-link.sh") || p.equals("bin/." + name + "-post-link.sh")
                        || p.equals("bin/." + name + "-pre-unlink.sh"))
                .toList();
    }
}
