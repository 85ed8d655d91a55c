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
        Path baseConfigPom = repositoryRoot.resolve(BASE_CONFIG).resolve("pom.xml");
        if (!Files.isRegularFile(baseConfigPom)) {
            throw new IOException(repositoryRoot + " is not the pavics-jupyter-images repository (no " + BASE_CONFIG + "/pom.xml)");
        }
        Model baseConfig = read(baseConfigPom);
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
            p.putAll(root.getProperties());
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

    /**
     * The image of a module that builds one directly under the root POM (the notebook-deployer):
     * {@code <image.namespace>/<image.name>:<version>}, properties inherited from the root POM.
     */
    public String image(Path repositoryRoot, String module) throws IOException {
        Path pom = repositoryRoot.resolve(module).resolve("pom.xml");
        Model model = read(pom);
        Properties p = new Properties();
        p.putAll(read(repositoryRoot.resolve("pom.xml")).getProperties());
        p.putAll(model.getProperties());
        String version = model.getVersion() != null ? model.getVersion() : model.getParent().getVersion();
        return required(p, "image.namespace", pom) + "/" + required(p, "image.name", pom) + ":" + version;
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
