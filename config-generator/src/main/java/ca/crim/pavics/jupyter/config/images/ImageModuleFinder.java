package ca.crim.pavics.jupyter.config.images;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.maven.model.Model;
import org.apache.maven.model.io.xpp3.MavenXpp3Reader;
import org.codehaus.plexus.util.xml.pull.XmlPullParserException;

/**
 * Finds the image modules of the repository from its POMs, with no hand-kept list: the root pom's modules
 * whose parent is {@code base-config}; image name, namespace and selection name come from their properties
 * (namespace inherited from base-config).
 */
public final class ImageModuleFinder {
    public static final String BASE_CONFIG = "base-config";

    public List<ImageModule> find(Path repositoryRoot) throws IOException {
        Model root = read(repositoryRoot.resolve("pom.xml"));
        Model baseConfig = read(repositoryRoot.resolve(BASE_CONFIG).resolve("pom.xml"));
        List<ImageModule> modules = new ArrayList<>();
        for (String name : root.getModules()) {
            Path pom = repositoryRoot.resolve(name).resolve("pom.xml");
            if (!Files.isRegularFile(pom)) {
                continue;
            }
            Model model = read(pom);
            if (model.getParent() == null || !BASE_CONFIG.equals(model.getParent().getArtifactId())) {
                continue;
            }
            Properties p = new Properties();
            p.putAll(baseConfig.getProperties());
            p.putAll(model.getProperties());
            String imageName = required(p, "image.name", pom);
            String selection = required(p, "image.selectionName", pom);
            String namespace = required(p, "image.namespace", pom);
            String version = model.getVersion() != null ? model.getVersion() : model.getParent().getVersion();
            modules.add(new ImageModule(model.getArtifactId(), version, imageName, namespace, selection,
                    pom.getParent()));
        }
        return modules;
    }

    /** The version a POM declares, or its parent's. */
    public static String version(Path pom) throws IOException {
        Model model = read(pom);
        return model.getVersion() != null ? model.getVersion() : model.getParent().getVersion();
    }

    private static String required(Properties p, String key, Path pom) throws IOException {
        String value = p.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IOException(pom + ": property " + key + " is missing");
        }
        return value.trim();
    }

    private static Model read(Path pom) throws IOException {
        try (Reader reader = Files.newBufferedReader(pom)) {
            return new MavenXpp3Reader().read(reader);
        } catch (XmlPullParserException e) {
            throw new IOException(pom + ":" + e.getLineNumber() + ": invalid POM: " + e.getMessage(), e);
        }
    }
}
