package ca.crim.pavics.jupyter.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion with a time limit and returns its exit code and output. */
public final class Processes {
    private Processes() {
    }

    public record Result(int exitCode, String output, Duration took) {
        public Result orFail(List<String> command) {
            if (exitCode != 0) {
                throw new AssertionError("command failed (" + exitCode + "): " + String.join(" ", command)
                        + "\n" + output);
            }
            return this;
        }
    }

    public static Result run(Path workDir, Duration limit, List<String> command) {
        return run(workDir, limit, Map.of(), command);
    }

    public static Result run(Path workDir, Duration limit, Map<String, String> env, List<String> command) {
        long start = System.nanoTime();
        try {
            Path log = Files.createTempFile("process", ".log");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                        .redirectErrorStream(true).redirectOutput(log.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                builder.environment().putAll(env);
                Process process = builder.start();
                if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    throw new AssertionError("command still running after " + limit + ": " + String.join(" ", command)
                            + "\n" + Files.readString(log, StandardCharsets.UTF_8));
                }
                return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8),
                        Duration.ofNanos(System.nanoTime() - start));
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public static Result runOk(Path workDir, Duration limit, List<String> command) {
        return run(workDir, limit, command).orFail(command);
    }
}
