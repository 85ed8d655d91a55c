package ca.crim.pavics.jupyter.conda.spec;

import static org.assertj.core.api.Assertions.assertThat;

import ca.crim.pavics.jupyter.testsupport.TestData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * rattler's MatchSpec parse snapshots (lenient mode, which reads specs as conda does): every spec parses to the
 * recorded name, version, build, build number, channel, subdir and URL, or is refused where the snapshot records an
 * error. Error wording is ours; only that there is an error is compared.
 */
class MatchSpecConformanceTest {
    private static final Path SNAPSHOTS = Path.of("conda/rattler/crates/rattler_conda_types/src/match_spec/snapshots");
    private static final Map<String, String> OPS = Map.of("Gt", ">", "Ge", ">=", "Lt", "<", "Le", "<=", "Eq", "==",
            "Ne", "!=");

    private static JsonNode snapshot(String name) throws IOException {
        String text = Files.readString(TestData.resolver().resolve(SNAPSHOTS).resolve(name), StandardCharsets.UTF_8);
        String body = text.substring(text.indexOf("---", text.indexOf("---") + 3) + 3);
        return new ObjectMapper(new YAMLFactory()).readTree(body);
    }

    private static String trimSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static List<String> compare(JsonNode expected, boolean named) {
        List<String> wrong = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String spec = e.getKey();
            JsonNode want = e.getValue();
            MatchSpec got;
            try {
                got = named ? MatchSpec.parse(spec) : MatchSpec.parseNameless(spec);
            } catch (MatchSpecException x) {
                if (!want.has("error")) {
                    wrong.add(spec + ": refused (" + x.getMessage() + "), expected " + want);
                }
                continue;
            }
            if (want.has("error")) {
                wrong.add(spec + ": accepted as " + got + ", expected an error: " + want.get("error").asText());
                continue;
            }
            check(wrong, spec, "name", want.path("name"), named ? got.name().toString() : null);
            check(wrong, spec, "version", want.path("version"), got.version().map(Object::toString).orElse(null));
            check(wrong, spec, "build", want.path("build"), got.build().map(Object::toString).orElse(null));
            JsonNode bn = want.path("build_number");
            JsonNode bnText = bn.isObject() ? new ObjectMapper().getNodeFactory().textNode(OPS.get(bn.path("op").asText())
                    + bn.path("rhs").asText()) : bn;
            check(wrong, spec, "build_number", bnText, got.buildNumber().map(Object::toString).orElse(null));
            check(wrong, spec, "subdir", want.path("subdir"), got.subdir().orElse(null));
            check(wrong, spec, "url", want.path("url"), got.url().orElse(null));
            JsonNode channel = want.path("channel");
            String baseUrl = channel.path("base_url").isMissingNode() ? null : trimSlash(channel.path("base_url").asText()
                    .replace("<HOME>", System.getProperty("user.home"))
                    .replace("<CRATE>", Path.of("").toAbsolutePath().toString()));
            check(wrong, spec, "channel.base_url", baseUrl == null ? channel.path("x") : new ObjectMapper().getNodeFactory()
                    .textNode(baseUrl), got.channel().map(c -> trimSlash(c.baseUrl())).orElse(null));
            check(wrong, spec, "channel.name", channel.path("name"), got.channel().map(Channel::name).orElse(null));
        }
        return wrong;
    }

    private static void check(List<String> wrong, String spec, String field, JsonNode want, String got) {
        String expected = want.isMissingNode() || want.isNull() ? null : want.asText();
        if (expected == null && got == null) {
            return;
        }
        if (expected == null && field.equals("name")) {
            return;
        }
        if (expected == null || !expected.equals(got)) {
            wrong.add(spec + ": " + field + " is " + got + ", expected " + expected);
        }
    }

    @Test
    void namedSpecsParseAsRattlerLenientReadsThem() throws IOException {
        List<String> wrong = new ArrayList<>();
        int total = 0;
        for (String file : new String[] {"rattler_conda_types__match_spec__parse__tests__test_from_string_Lenient.snap",
                "rattler_conda_types__match_spec__parse__tests__test_from_string.snap"}) {
            JsonNode snap = snapshot(file);
            total += snap.size();
            wrong.addAll(compare(snap, true));
        }
        System.out.printf("named match specs as in the snapshots: %d of %d%n", total - wrong.size(), total);
        assertThat(wrong).isEmpty();
    }

    @Test
    void namelessSpecsParseAsRattlerLenientReadsThem() throws IOException {
        JsonNode snap = snapshot("rattler_conda_types__match_spec__parse__tests__test_nameless_from_string_Lenient.snap");
        List<String> wrong = compare(snap, false);
        System.out.printf("nameless match specs as in the snapshot: %d of %d%n", snap.size() - wrong.size(), snap.size());
        assertThat(wrong).isEmpty();
    }
}
