package ca.crim.pavics.jupyter.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** umoci, to unpack an image into a root filesystem independently of our code. */
public final class Umoci {
    private Umoci() {
    }

    /**
     * Copies {@code dockerRef} into an OCI layout with skopeo and unpacks it into {@code bundle}; returns the
     * root filesystem ({@code bundle/rootfs}). Unpacks rootless when not running as root.
     */
    public static Path unpack(String imageRef, Path workDir, String name) {
        Path layout = workDir.resolve(name + "-layout");
        Skopeo.copy(imageRef, "oci:" + layout + ":" + name);
        Path bundle = workDir.resolve(name + "-bundle");
        List<String> command = new ArrayList<>(List.of(ExternalTools.require("umoci", "umoci").toString(), "unpack"));
        if (!"root".equals(System.getProperty("user.name"))) {
            command.add("--rootless");
        }
        command.addAll(List.of("--image", layout + ":" + name, bundle.toString()));
        Processes.runOk(workDir, Duration.ofMinutes(3), command);
        return bundle.resolve("rootfs");
    }
}
