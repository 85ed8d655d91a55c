package ca.crim.pavics.jupyter.config.envlocal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Sources a file with the real bash (twice, as birdhouse does) and reads the image variables back. */
final class Bash {
    record Sourced(List<String> images, List<String> names, String jobs) {
    }

    static Sourced source(Path file, String imagesVar, String jobsVar) throws IOException, InterruptedException {
        String script = ". \"$1\"; . \"$1\"; printf '%s\\n' $" + imagesVar + "; echo '@@'; "
                + "printf '%s\\n' $JUPYTERHUB_IMAGE_SELECTION_NAMES; echo '@@'; printf '%s' \"$" + jobsVar + "\"";
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", script, "bash", file.toString()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(Map.of("PATH", "/usr/bin:/bin"));
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError("bash failed: " + out);
        }
        String[] parts = out.split("@@\n", -1);
        if (parts.length != 3) {
            throw new AssertionError("unexpected bash output: " + out);
        }
        return new Sourced(parts[0].lines().toList(), parts[1].lines().toList(), parts[2]);
    }

    private Bash() {
    }
}
