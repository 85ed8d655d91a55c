package ca.crim.pavics.jupyter.maven;

import java.util.Set;
import java.util.TreeSet;
import org.apache.maven.plugin.MojoFailureException;

/** {@code -Dimage.env.lockCategories=main,test} read into a set. */
final class LockCategories {
    private LockCategories() {
    }

    static Set<String> parse(String commaSeparated) throws MojoFailureException {
        Set<String> set = new TreeSet<>();
        for (String c : commaSeparated.split(",")) {
            if (!c.isBlank()) {
                set.add(c.strip());
            }
        }
        if (set.isEmpty()) {
            throw new MojoFailureException("image.env.lockCategories names no category (e.g. main or main,test)");
        }
        return set;
    }
}
