package ca.crim.pavics.jupyter.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.crim.pavics.jupyter.testsupport.CredentialHelpers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docker CLI's lookup order and names, with fake helpers speaking the credential-helper protocol. */
class DockerCredentialsTest {
    @TempDir
    Path dir;

    private DockerCredentials credentials(String configJson) throws IOException {
        Files.writeString(dir.resolve("config.json"), configJson, StandardCharsets.UTF_8);
        return DockerCredentials.fromEnvironment(Map.of("DOCKER_CONFIG", dir.toString(), "PATH", dir + ":/usr/bin:/bin"));
    }

    private static String auth(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void credHelpersComeBeforeCredsStoreWhichComesBeforeAuths() throws IOException {
        CredentialHelpers.write(dir, "per-registry", "reg.example:5000", "helper-user", "helper-secret");
        CredentialHelpers.write(dir, "store", "other.example", "store-user", "store-secret");
        DockerCredentials c = credentials("{\"credHelpers\":{\"reg.example:5000\":\"per-registry\"},"
                + "\"credsStore\":\"store\",\"auths\":{\"reg.example:5000\":{\"auth\":\"" + auth("a", "b") + "\"},"
                + "\"third.example\":{\"auth\":\"" + auth("auths-user", "auths-secret") + "\"}}}");
        assertThat(c.lookup("reg.example:5000")).hasValueSatisfying(cred -> {
            assertThat(cred.username()).isEqualTo("helper-user");
            assertThat(cred.secret()).isEqualTo("helper-secret");
            assertThat(cred.source()).contains("docker-credential-per-registry").contains("credHelpers");
        });
        assertThat(c.lookup("other.example").orElseThrow().username()).isEqualTo("store-user");
        // the store does not know it: auths is next
        assertThat(c.lookup("third.example").orElseThrow().username()).isEqualTo("auths-user");
        assertThat(c.lookup("unknown.example")).isEmpty();
        assertThat(CredentialHelpers.requests(dir, "per-registry")).containsExactly("get reg.example:5000");
        assertThat(CredentialHelpers.requests(dir, "store")).containsExactly("get other.example", "get third.example",
                "get unknown.example");
    }

    @Test
    void dockerHubIsOneRegistryUnderAllItsNames() throws IOException {
        CredentialHelpers.write(dir, "hub", "https://index.docker.io/v1/", "hubuser", "token");
        DockerCredentials helper = credentials("{\"credHelpers\":{\"index.docker.io\":\"hub\"}}");
        for (String name : new String[] {"docker.io", "index.docker.io", "registry-1.docker.io"}) {
            assertThat(helper.lookup(name)).as(name).hasValueSatisfying(c -> assertThat(c.username()).isEqualTo("hubuser"));
        }
        assertThat(CredentialHelpers.requests(dir, "hub")).as("asked like the docker CLI asks")
                .allMatch(l -> l.equals("get https://index.docker.io/v1/"));
        DockerCredentials auths = credentials("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\""
                + auth("u", "p:with:colons") + "\"}}}");
        assertThat(auths.lookup("registry-1.docker.io").orElseThrow().secret()).isEqualTo("p:with:colons");
    }

    @Test
    void identityTokensAreTokensNotPasswords() throws IOException {
        CredentialHelpers.write(dir, "oauth", "reg.example", "<token>", "refresh-me");
        assertThat(credentials("{\"credsStore\":\"oauth\"}").lookup("reg.example").orElseThrow().isIdentityToken()).isTrue();
        assertThat(credentials("{\"auths\":{\"reg.example\":{\"identitytoken\":\"abc\"}}}").lookup("reg.example")
                .orElseThrow()).satisfies(c -> {
                    assertThat(c.isIdentityToken()).isTrue();
                    assertThat(c.secret()).isEqualTo("abc");
                });
    }

    @Test
    void aMissingHelperOrABrokenConfigIsOneLine() throws IOException {
        assertThatThrownBy(() -> credentials("{\"credsStore\":\"nope\"}").lookup("reg.example"))
                .isInstanceOf(RegistryException.class)
                .hasMessage("credential helper docker-credential-nope (credsStore in " + dir.resolve("config.json")
                        + ") is not on PATH: install it or remove it from the docker configuration");
        assertThatThrownBy(() -> credentials("{\"auths\": [").lookup("reg.example"))
                .hasMessageStartingWith(dir.resolve("config.json") + ": not a valid docker configuration (");
        assertThatThrownBy(() -> credentials("{\"auths\":{\"reg.example\":{\"auth\":\"bm8tY29sb24=\"}}}").lookup("reg.example"))
                .hasMessageContaining("auth is not base64 of user:password");
        assertThat(DockerCredentials.fromEnvironment(Map.of("DOCKER_CONFIG", dir.resolve("none").toString()))
                .lookup("reg.example")).isEmpty();
    }
}
