package ca.crim.pavics.jupyter.config.envlocal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Sources a file with the real bash twice, as birdhouse's read_configs does, with what the jupyterhub and scheduler
 * components' default.env set between the two reads ({@code JUPYTERHUB_USER_DATA_DIR} as a delayed-eval value, the
 * notebook frequency, the log folder of default.env before the first), and reads the variables back.
 */
final class Bash {
    record Sourced(List<String> images, List<String> names, String jobs) {
    }

    static Sourced source(Path file, Birdhouse vars) throws IOException, InterruptedException {
        return source(file, vars.images(), vars);
    }

    static Sourced source(Path file, String imagesVar, Birdhouse vars) throws IOException, InterruptedException {
        String jobsVar = vars.schedulerJobs();
        String components = vars.userDataDir() + "='${DATA_ROOT}/jupyterhub_user_data'; " + vars.notebookFrequency() + "=@hourly; ";
        String script = "DATA_ROOT=/data; " + vars.logDir() + "=/var/log/birdhouse; . \"$1\"; " + components
                + ". \"$1\"; printf '%s\\n' $" + imagesVar + "; echo '@@'; "
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
