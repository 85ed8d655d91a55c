package ca.crim.pavics.jupyter.maven;

import static org.assertj.core.api.Assertions.assertThat;

import ca.crim.pavics.jupyter.env.EnvironmentException;
import ca.crim.pavics.jupyter.registry.RegistryException;
import ca.crim.pavics.jupyter.registry.RegistryException.Kind;
import org.junit.jupiter.api.Test;

class HelpfulSuggestionsTest {
    private static String suggest(Kind kind, boolean insecure) {
        RegistryException cause = new RegistryException(kind, "m");
        return HelpfulSuggestions.forFailure(new EnvironmentException("m", cause), insecure);
    }

    @Test
    void registryFailuresNameTheMavenOptionThatHelps() {
        assertThat(suggest(Kind.UNREACHABLE, false)).isEqualTo("m; a plain-HTTP registry needs -Djib.allowInsecureRegistries=true");
        assertThat(suggest(Kind.UNREACHABLE, true)).isEqualTo("m");
        assertThat(suggest(Kind.TIMEOUT, false)).endsWith("-Dimage.registry.timeout=SECONDS");
        assertThat(suggest(Kind.CREDENTIALS_OVER_HTTP, true)).contains("-Djib.sendCredentialsOverHttp=true");
        assertThat(suggest(Kind.DIGEST_MISMATCH, true)).contains("nothing was used");
        assertThat(suggest(Kind.UNAUTHORIZED, true)).isEqualTo("m");
    }

    @Test
    void otherFailuresKeepTheirMessageOnOneLine() {
        assertThat(HelpfulSuggestions.forFailure(new EnvironmentException("a\nb"), false)).isEqualTo("a b");
    }

    @Test
    void aMissingOrStaleLockNamesTheModulesLockCommand() {
        EnvironmentException stale = new EnvironmentException("eo/conda-lock.yml not found: lock environment.yml for linux-64",
                new ca.crim.pavics.jupyter.env.lock.StaleLockException("x"));
        assertThat(HelpfulSuggestions.forFailure(stale, false, "eo")).isEqualTo("eo/conda-lock.yml not found: lock"
                + " environment.yml for linux-64: ./mvnw -pl eo jupyter-image:lock (or -Dimage.env.skip=true builds the"
                + " image WITHOUT its packages, labelled so)");
        EnvironmentException other = new EnvironmentException("m", new ca.crim.pavics.jupyter.env.lock.LockException("x"));
        assertThat(HelpfulSuggestions.forFailure(other, false, "eo")).isEqualTo("m");
    }
}
