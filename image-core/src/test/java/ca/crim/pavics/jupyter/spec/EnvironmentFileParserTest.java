package ca.crim.pavics.jupyter.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EnvironmentFileParserTest {
    @TempDir
    Path dir;

    private final EnvironmentFileParser parser = new EnvironmentFileParser("birdy");

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("environment.yml"), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"eo", "nlp"})
    void readsTheSeedEnvironmentsOfTheOriginalProject(String image) throws Exception {
        Path seed = Path.of("../../shared/testdata/seed-images/" + image + "/environment.yml");
        Assumptions.assumeTrue(Files.exists(seed), "shared test data not beside the checkout");
        EnvironmentFile env = parser.parse(seed);
        assertThat(env.name()).hasValue("birdy");
        assertThat(env.conda()).isNotEmpty();
        assertThat(env.pip()).isNotEmpty();
    }

    @Test
    void splitsCondaSpecsAndPipRequirements() throws Exception {
        EnvironmentFile env = parser.parse(write("""
                name: birdy
                channels: [conda-forge, defaults]
                dependencies:
                  - pillow>=7.1
                  - conda-forge::gdal 3.8.*
                  - openjdk==8.0.152
                  - pip:
                    - torchvision>=0.6
                    - spacy>=3.5,<4
                    - Requests[socks] >=2.31 ; python_version >= "3.8"
                    - weaver@git+https://github.com/crim-ca/weaver.git@4.30.0
                """));
        assertThat(env.channels()).containsExactly("conda-forge", "defaults");
        assertThat(env.conda()).extracting(CondaSpec::name).containsExactly("pillow", "gdal", "openjdk");
        assertThat(env.conda().get(1).spec().channel().orElseThrow().name()).isEqualTo("conda-forge");
        assertThat(env.conda().get(1).spec().version().orElseThrow()).hasToString("3.8.*");
        assertThat(env.pip()).extracting(PipRequirement::normalizedName)
                .containsExactly("torchvision", "spacy", "requests", "weaver");
        assertThat(env.pip().get(3).url()).isEqualTo("git+https://github.com/crim-ca/weaver.git@4.30.0");
        assertThat(env.pip().get(3).line()).isEqualTo(11);
    }

    @Test
    void acceptsTheKeysTheEcosystemWrites() throws Exception {
        Path file = write("""
                channels: [conda-forge]
                platforms: [linux-64, osx-arm64]
                prefix: /home/me/miniforge3/envs/birdy
                variables: {GDAL_DATA: /x}
                dependencies:
                  - pydap <= 3.5.6
                  - clisops >= 0.17.0
                  - dask != 2024.11.0
                  - pkg=1.2.3=build_0
                  - other[version='>=1.0']
                """);
        EnvironmentFile env = parser.parse(file);
        assertThat(env.name()).as("no name: the base's environment").isEmpty();
        assertThat(env.conda()).extracting(CondaSpec::name).containsExactly("pydap", "clisops", "dask", "pkg", "other");
        assertThat(env.conda()).extracting(c -> c.spec().toString()).containsExactly("pydap <=3.5.6", "clisops >=0.17.0",
                "dask !=2024.11.0", "pkg ==1.2.3 build_0", "other >=1.0");
        assertThat(env.notes()).singleElement().asString().contains("prefix '/home/me/miniforge3/envs/birdy' is ignored");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown key         | name: birdy\\nchannel: [x]\\ndependencies: [a]        | 2:1: unknown key 'channel' in the environment file (allowed: channels, dependencies, name, platforms, prefix, variables)
            not linux           | platforms: [osx-arm64]\\ndependencies: [a]            | 1:12: platforms must include linux-64
            variables a list    | variables: [a]\\ndependencies: [a]                    | 1:12: variables must be a mapping
            missing deps        | name: birdy                                         | 1:1: missing required key 'dependencies'
            wrong env name      | name: base\\ndependencies: [a]                       | 1:7: name must be 'birdy'
            deps not a list     | name: birdy\\ndependencies: a                        | 2:15: dependencies must be a list, found a string
            bad conda spec      | name: birdy\\ndependencies:\\n  - 'numpy >= ? 1'     | 3:12: invalid conda match spec 'numpy >= ? 1': invalid version '?': invalid character(s)
            bad version         | name: birdy\\ndependencies:\\n  - numpy >=1.0,,2      | 3:11: invalid conda match spec 'numpy >=1.0,,2': invalid version '>=1.0,,2': empty constraint
            no name             | name: birdy\\ndependencies:\\n  - '>=1.0'            | 3:6: invalid conda match spec '>=1.0': no package name
            duplicate conda     | name: birdy\\ndependencies:\\n  - numpy\\n  - numpy>=1 | 4:5: duplicate conda package 'numpy' (also on line 3)
            duplicate pip       | name: birdy\\ndependencies:\\n  - pip:\\n    - Foo_Bar\\n    - foo-bar==1 | 5:7: duplicate pip requirement 'foo-bar' (also on line 4)
            bad pip             | name: birdy\\ndependencies:\\n  - pip:\\n    - 'torch ==='  | 4:7: invalid version specifier in pip requirement 'torch ==='
            pip option          | name: birdy\\ndependencies:\\n  - pip:\\n    - -r req.txt | 4:7: pip options such as '-r req.txt' are not supported
            two pip lists       | name: birdy\\ndependencies:\\n  - pip: [a]\\n  - pip: [b] | 4:5: a second 'pip:' list
            unknown dep map     | name: birdy\\ndependencies:\\n  - npm: [a]             | 3:5: unknown key 'npm' in a dependencies item
            number name         | name: birdy\\ndependencies:\\n  - [a]                  | 3:5: a dependency must be a conda match spec or a 'pip:' list, found a list
            bad direct ref      | name: birdy\\ndependencies:\\n  - pip:\\n    - 'weaver@ not-a-url' | 4:7: invalid direct reference
            """)
    void refusesBadEnvironmentsWithFileLineAndColumn(String name, String text, String expected) throws IOException {
        Path file = write(text.replace("\\n", "\n"));
        assertThatThrownBy(() -> parser.parse(file))
                .isInstanceOf(SpecException.class)
                .hasMessageStartingWith(file + ":")
                .hasMessageContaining(expected);
    }
}
