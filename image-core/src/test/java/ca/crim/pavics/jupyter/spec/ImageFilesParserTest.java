package ca.crim.pavics.jupyter.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** image-files.yml: what the parser reads, its FILE:LINE:COL errors, and the published schema agreeing with it. */
class ImageFilesParserTest {
    private static final Path SCHEMA = Path.of("../schemas/image-files.schema.json");
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

    private ImageFiles parse(String text) throws Exception {
        return new ImageFilesParser().parse(Files.writeString(dir.resolve("image-files.yml"), text));
    }

    @Test
    void theNlpDeclarationIsValidForBoth() throws Exception {
        Path file = Path.of("../nlp/image-files.yml");
        assertThat(schema.validate(YAML.readTree(file.toFile()))).isEmpty();
        assertThat(new ImageFilesParser().parse(file).entries()).isNotEmpty();
        assertThat(Files.readString(file)).startsWith("# yaml-language-server: $schema=../schemas/image-files.schema.json");
    }

    @Test
    void aBinaryFileIsNamedAsSuch() throws Exception {
        Path file = Files.write(dir.resolve("image-files.yml"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertThatThrownBy(() -> new ImageFilesParser().parse(file)).isInstanceOf(SpecException.class)
                .hasMessage(file + ": not a UTF-8 text file");
    }

    @Test
    void everyKindIsRead() throws Exception {
        ImageFiles files = parse("""
                files:
                  - kind: archive
                    url: https://example.org/h.tar.gz
                    path: /heideltime
                    strip_components: 1
                    include: [a.jar]
                    rename: {a.jar: b.jar}
                    owner: "1000:100"
                    mode: 0644
                  - kind: download
                    url: https://example.org/e.par.gz
                    path: /t/lib/english.par
                    gunzip: true
                  - kind: file
                    source: scripts/tt.sh
                    path: /t/cmd/tt
                    mode: "0755"
                  - kind: directory
                    path: /t
                    owner: 1000
                """);
        assertThat(files.entries()).hasSize(4);
        ImageFileEntry archive = files.entries().get(0);
        assertThat(archive).extracting("kind", "line", "path", "mode", "uid", "gid", "stripComponents")
                .containsExactly(ImageFileEntry.Kind.ARCHIVE, 2, "/heideltime", Optional.of(0644), 1000, 100, 1);
        assertThat(archive.rename()).isEqualTo(Map.of("a.jar", "b.jar"));
        assertThat(files.entries().get(1).gunzip()).isTrue();
        assertThat(files.entries().get(2).mode()).contains(0755);
        assertThat(files.entries().get(3)).extracting("uid", "gid").containsExactly(1000, 0);
        assertThat(files.urls()).containsExactly("https://example.org/h.tar.gz", "https://example.org/e.par.gz");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown kind     | files:\\n  - kind: copy\\n    path: /a\\n | :2:11: unknown kind 'copy' (allowed: archive, directory, download, file)
            unknown key      | files:\\n  - kind: download\\n    url: https://h/x\\n    path: /a\\n    strip_components: 1\\n | :5:5: unknown key 'strip_components' in a download entry (allowed: gunzip, kind, mode, owner, path, url)
            relative path    | files:\\n  - kind: directory\\n    path: opt/x\\n | :3:11: path must be an absolute path in the image
            dot-dot path     | files:\\n  - kind: directory\\n    path: /opt/../etc\\n | :3:11: path must be an absolute path in the image
            bad mode         | files:\\n  - kind: directory\\n    path: /x\\n    mode: rwx\\n | :4:11: mode must be octal permission bits
            bad owner        | files:\\n  - kind: directory\\n    path: /x\\n    owner: jenkins\\n | :4:12: owner must be UID or UID:GID in numbers
            bad url          | files:\\n  - kind: download\\n    url: ftp://h/x\\n    path: /a\\n | :3:10: url must be an http, https or file URL
            source escapes   | files:\\n  - kind: file\\n    source: ../x\\n    path: /a\\n | :3:13: source must be a file of the module
            missing url      | files:\\n  - kind: archive\\n    path: /a\\n | :2:5: missing required key 'url' in an archive entry
            same file twice  | files:\\n  - kind: file\\n    source: a\\n    path: /a\\n  - kind: download\\n    url: https://h/a\\n    path: /a\\n | :5:5: /a is already written by the entry on line 2
            include escapes  | files:\\n  - kind: archive\\n    url: https://h/a.tgz\\n    path: /a\\n    include: [../b]\\n | :5:15: an include member must be a relative path
            not a list       | files: {}\\n | :1:8: files must be a list, found a mapping
            """)
    void badEntriesAreRefusedWithLineAndColumnByTheParserAndTheSchema(String name, String text, String expected) throws Exception {
        String yaml = text.replace("\\n", "\n");
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(SpecException.class)
                .hasMessageStartingWith(dir.resolve("image-files.yml") + expected.substring(0, expected.indexOf(' ', 1)))
                .hasMessageContaining(expected);
        if (!List.of("same file twice", "file at a folder", "below a file", "folder twice").contains(name)) {
            assertThat(schema.validate(YAML.readTree(yaml))).as("schema errors").isNotEmpty();
        }
    }
}
