package ca.crim.pavics.jupyter.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** skopeo, to check images independently of our code. Registries are plain HTTP (loopback fixtures). */
public final class Skopeo {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LIMIT = Duration.ofMinutes(3);

    private Skopeo() {
    }

    private static List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(ExternalTools.require("skopeo", "skopeo").toString());
        command.add("--insecure-policy");
        command.addAll(List.of(args));
        return command;
    }

    public static void copy(String source, String destination) {
        List<String> command = command("copy", "--src-tls-verify=false", "--dest-tls-verify=false", source, destination);
        Processes.runOk(Path.of("."), LIMIT, command);
    }

    /** {@code skopeo copy} with extra options ({@code --all}, {@code --dest-creds USER:PASSWORD}, …) before the images. */
    public static void copy(String source, String destination, String... options) {
        List<String> command = command("copy", "--src-tls-verify=false", "--dest-tls-verify=false");
        command.addAll(List.of(options));
        command.add(source);
        command.add(destination);
        Processes.runOk(Path.of("."), LIMIT, command);
    }

    /** {@code skopeo inspect --raw}: the manifest (or index) bytes as the registry serves them. */
    public static byte[] rawManifest(String ref, String... options) {
        List<String> command = new ArrayList<>(command("inspect", "--raw"));
        if (ref.startsWith("docker://")) {
            command.add("--tls-verify=false");
        }
        command.addAll(List.of(options));
        command.add(ref);
        return Processes.runOk(Path.of("."), LIMIT, command).output().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** {@code skopeo inspect --config} of a {@code docker://}, {@code oci:} or {@code docker-archive:} reference. */
    public static JsonNode inspectConfig(String ref) throws IOException {
        List<String> command = new ArrayList<>(command("inspect", "--config"));
        if (ref.startsWith("docker://")) {
            command.add("--tls-verify=false");
        }
        command.add(ref);
        return JSON.readTree(Processes.runOk(Path.of("."), LIMIT, command).output());
    }

    /** {@code skopeo inspect} (manifest summary: Digest, Layers, Labels…). */
    public static JsonNode inspect(String ref) throws IOException {
        List<String> command = new ArrayList<>(command("inspect"));
        if (ref.startsWith("docker://")) {
            command.add("--tls-verify=false");
        }
        command.add(ref);
        return JSON.readTree(Processes.runOk(Path.of("."), LIMIT, command).output());
    }

    public static List<String> listTags(String dockerRef) throws IOException {
        List<String> tags = new ArrayList<>();
        JsonNode out = JSON.readTree(Processes.runOk(Path.of("."), LIMIT,
                command("list-tags", "--tls-verify=false", dockerRef)).output());
        out.path("Tags").forEach(t -> tags.add(t.asText()));
        return tags;
    }
}
