package ca.crim.pavics.jupyter.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sets the value of one property of a POM's {@code <properties>} in place: only the text between
 * {@code <NAME>} and {@code </NAME>} changes, every other byte stays; the file is replaced atomically.
 */
public final class PomProperty {
    private PomProperty() {
    }

    /**
     * @return the previous value
     * @throws IOException when the POM cannot be read or written, or has no such property (one line naming it)
     */
    public static String set(Path pom, String name, String value) throws IOException {
        String text = Files.readString(pom, StandardCharsets.UTF_8);
        Matcher properties = Pattern.compile("(?s)<properties>(.*?)</properties>").matcher(text);
        if (!properties.find()) {
            throw new IOException(pom + " has no <properties> section");
        }
        Matcher property = Pattern.compile("(?s)<" + Pattern.quote(name) + ">(.*?)</" + Pattern.quote(name) + ">")
                .matcher(text).region(properties.start(1), properties.end(1));
        if (!property.find()) {
            throw new IOException(pom + " has no property <" + name + ">");
        }
        String previous = property.group(1);
        String escaped = value.replace("&", "&amp;").replace("<", "&lt;");
        String updated = text.substring(0, property.start(1)) + escaped + text.substring(property.end(1));
        AtomicFiles.write(pom, updated.getBytes(StandardCharsets.UTF_8));
        return previous;
    }
}
