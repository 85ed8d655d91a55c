package ca.crim.pavics.jupyter.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The published JSON Schema (for editors) agrees with the build's own validation. */
class NotebookConfigSchemaTest {
    private static final Path SCHEMA = Path.of("../schemas/notebook_config.schema.json");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static JsonSchema schema;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in = Files.newInputStream(SCHEMA)) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"eo", "nlp"})
    void imageConfigsAreValidAndReferenceTheSchema(String module) throws IOException {
        Path file = Path.of("..", module, "notebook_config.yml");
        assertThat(schema.validate(YAML.readTree(file.toFile()))).isEmpty();
        assertThat(Files.readString(file)).startsWith("# yaml-language-server: $schema=../schemas/notebook_config.schema.json");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "- repo_url: https://h/r.git\n  branch: m\n  source_dir: a\n  dest: b\n",
        "- repo_url: https://h/r.git\n  source_dir: a\n",
        "- repo_url: https://h/r.git\n  branch: m\n  source_dir: /etc\n",
        "- repo_url: https://h/r.git\n  branch: m\n  source_dir: a/../../b\n",
        "- repo_url: https://h/r.git\n  branch: m\n  source_dir: a\n  dest_sub_dir: ..\n",
        "- repo_url: not a url\n  branch: m\n  source_dir: a\n",
        "- repo_url: https://h/r.git\n  branch: m\n  source_dir: [a]\n",
        "[]\n",
        "repo_url: https://h/r.git\n"})
    void badConfigsAreRefusedByBothTheSchemaAndTheParser(String text) throws IOException {
        Path file = Files.writeString(dir.resolve("notebook_config.yml"), text);
        assertThat(schema.validate(YAML.readTree(file.toFile()))).as("schema errors").isNotEmpty();
        assertThatThrownBy(() -> new NotebookConfigParser().parse(file)).isInstanceOf(SpecException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "- repo_url: git@github.com:o/r.git\n  branch: v1.2\n  source_dir: docs/nb\n  dest_sub_dir:\n",
        "- repo_url: https://h/r.git\n  branch: m\n  source_dir: a\n  dest_sub_dir: x\n"
            + "- repo_url: file:///srv/git/r.git\n  branch: 0123abc\n  source_dir: ..a\n  dest_sub_dir: y/z\n"})
    void goodVariantsAreAcceptedByBoth(String text) throws Exception {
        Path file = Files.writeString(dir.resolve("notebook_config.yml"), text);
        JsonNode tree = YAML.readTree(file.toFile());
        assertThat(schema.validate(tree)).isEmpty();
        assertThat(new NotebookConfigParser().parse(file).entries()).isNotEmpty();
    }
}
