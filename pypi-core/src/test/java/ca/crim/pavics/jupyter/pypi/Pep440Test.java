package ca.crim.pavics.jupyter.pypi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Known answers from the text of PEP 440 (its ordering example, normalization and specifier sections) and PEP 508. */
class Pep440Test {
    /** PEP 440, "Summary of permitted suffixes and relative ordering": this list is in ascending order. */
    private static final List<String> PEP_ORDER = List.of("1.dev0", "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456",
            "1.0a12", "1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0",
            "1.0+abc.5", "1.0+abc.7", "1.0+5", "1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1");

    private static Pep440Version v(String s) {
        return Pep440Version.parse(s);
    }

    @Test
    void pep440sExampleListIsInAscendingOrder() {
        List<Pep440Version> shuffled = new ArrayList<>(PEP_ORDER.stream().map(Pep440Test::v).toList());
        Collections.shuffle(shuffled, new java.util.Random(7));
        Collections.sort(shuffled);
        assertThat(shuffled.stream().map(Pep440Version::toString).toList()).isEqualTo(PEP_ORDER);
    }

    @Test
    void spellingsNormalizeAsPep440Says() {
        Map<String, String> cases = Map.ofEntries(Map.entry("1.1RC1", "1.1rc1"), Map.entry("1.0alpha", "1.0a0"),
                Map.entry("1.1.a1", "1.1a1"), Map.entry("1.1-a1", "1.1a1"), Map.entry("1.0a.1", "1.0a1"),
                Map.entry("1.0-beta2", "1.0b2"), Map.entry("1.0c1", "1.0rc1"), Map.entry("1.0pre1", "1.0rc1"),
                Map.entry("1.0preview1", "1.0rc1"), Map.entry("1.2-post2", "1.2.post2"), Map.entry("1.2post2", "1.2.post2"),
                Map.entry("1.2.post-2", "1.2.post2"), Map.entry("1.0-r4", "1.0.post4"), Map.entry("1.0-rev4", "1.0.post4"),
                Map.entry("1.0.post", "1.0.post0"), Map.entry("1.0-1", "1.0.post1"), Map.entry("1.2-dev2", "1.2.dev2"),
                Map.entry("1.2dev2", "1.2.dev2"), Map.entry("1.2.dev", "1.2.dev0"), Map.entry("1.0+ubuntu-1", "1.0+ubuntu.1"),
                Map.entry("1.0+Ubuntu_1", "1.0+ubuntu.1"), Map.entry("v1.0", "1.0"), Map.entry("  1.0\n", "1.0"),
                Map.entry("01.02", "1.2"), Map.entry("1!1.0", "1!1.0"), Map.entry("0!1.0", "1.0"));
        cases.forEach((in, out) -> assertThat(v(in).toString()).as(in).isEqualTo(out));
    }

    @Test
    void equalityIgnoresTrailingZerosAndEpochsWin() {
        assertThat(v("1.1")).isEqualTo(v("1.1.0")).hasSameHashCodeAs(v("1.1.0.0"));
        assertThat(v("1!0.1")).isGreaterThan(v("2024.1"));
        assertThat(v("1.0.post1")).isGreaterThan(v("1.0"));
        assertThat(v("1.0.dev0")).isLessThan(v("1.0a1"));
        assertThat(v("1.0a1").isPrerelease()).isTrue();
        assertThat(v("1.0.dev1").isPrerelease()).isTrue();
        assertThat(v("1.0.post1").isPrerelease()).isFalse();
    }

    @Test
    void legacyVersionsAreRefused() {
        for (String bad : List.of("2004d", "1.0-SNAPSHOT", "", "1.0+", "1.0+a..b", "french toast")) {
            assertThatThrownBy(() -> v(bad)).as(bad).isInstanceOf(InvalidVersionException.class)
                    .hasMessageContaining("is not a PEP 440 version");
        }
    }

    private static boolean holds(String spec, String version) {
        return SpecifierSet.parse(spec).containsIgnoringPrereleasePolicy(v(version));
    }

    @Test
    void specifiersFollowPep440sExamples() {
        // compatible release: ~=2.2 is >=2.2,==2.*; ~=1.4.5 is >=1.4.5,==1.4.*
        assertThat(holds("~=2.2", "2.9")).isTrue();
        assertThat(holds("~=2.2", "3.0")).isFalse();
        assertThat(holds("~=2.2", "2.1")).isFalse();
        assertThat(holds("~=1.4.5", "1.4.9")).isTrue();
        assertThat(holds("~=1.4.5", "1.5.0")).isFalse();
        assertThat(holds("~=2.2.post3", "2.9")).isTrue();
        assertThat(holds("~=2.2.post3", "2.2")).isFalse();
        assertThat(holds("~=1.4.5a4", "1.4.5")).isTrue();
        // version matching: 1.1.post1 is not ==1.1 but is ==1.1.post1 and ==1.1.*; padding; prefix of release only
        assertThat(holds("==1.1", "1.1.post1")).isFalse();
        assertThat(holds("==1.1.post1", "1.1.post1")).isTrue();
        assertThat(holds("==1.1.*", "1.1.post1")).isTrue();
        assertThat(holds("==1.1", "1.1.0")).isTrue();
        assertThat(holds("==1.1.*", "1.10")).isFalse();
        assertThat(holds("==1.*", "1")).isTrue();
        assertThat(holds("!=1.1.*", "1.1.3")).isFalse();
        assertThat(holds("!=1.1.*", "1.2")).isTrue();
        // local versions: ignored by ==V without a local label and by <=, >=; ==V+l matches exactly
        assertThat(holds("==1.0", "1.0+ubuntu.1")).isTrue();
        assertThat(holds("==1.0+ubuntu.1", "1.0+ubuntu.1")).isTrue();
        assertThat(holds("==1.0+ubuntu.1", "1.0")).isFalse();
        assertThat(holds(">=1.0", "1.0+a")).isTrue();
        assertThat(holds("<=1.0", "1.0+a")).isTrue();
        // exclusive comparisons: >1.7 allows 1.7.1 but not 1.7.0.post1; >1.7.post2 allows 1.7.0.post3, not 1.7.0
        assertThat(holds(">1.7", "1.7.1")).isTrue();
        assertThat(holds(">1.7", "1.7.0.post1")).isFalse();
        assertThat(holds(">1.7.post2", "1.7.0.post3")).isTrue();
        assertThat(holds(">1.7.post2", "1.7.0")).isFalse();
        assertThat(holds(">1.7", "1.7+local")).isFalse();
        // <V excludes pre-releases of V unless V is one
        assertThat(holds("<3.1", "3.1.dev0")).isFalse();
        assertThat(holds("<3.1", "3.0.9")).isTrue();
        assertThat(holds("<3.1rc1", "3.1a1")).isTrue();
        // arbitrary equality
        assertThat(SpecifierSet.parse("===foobar").specifiers().get(0).containsText("FooBar")).isTrue();
        assertThat(holds(">= 1.0 , < 2", "1.5")).as("spaces around operators and commas").isTrue();
    }

    @Test
    void preReleasesOnlyWhenNamedOrAskedOrNothingElse() {
        List<Pep440Version> all = List.of(v("1.0"), v("2.0a1"), v("2.0"), v("3.0b1"));
        assertThat(SpecifierSet.parse(">=1").filter(all, false)).containsExactly(v("1.0"), v("2.0"));
        assertThat(SpecifierSet.parse(">=1").filter(all, true)).containsExactly(v("1.0"), v("2.0a1"), v("2.0"), v("3.0b1"));
        assertThat(SpecifierSet.parse(">=3.0b1").filter(all, false)).as("a clause naming a pre-release").containsExactly(v("3.0b1"));
        assertThat(SpecifierSet.parse(">2.0").filter(all, false)).as("nothing else matches").containsExactly(v("3.0b1"));
    }

    @Test
    void badSpecifiersAreRefusedWithTheirText() {
        for (String bad : List.of("~=1", ">=1.0.*", "=>1.0", "1.0", "==1.0+local.*", ">=1.0+local")) {
            assertThatThrownBy(() -> SpecifierSet.parse(bad)).as(bad).isInstanceOf(InvalidVersionException.class);
        }
    }

    @Test
    void requirementsReadAsPep508Says() {
        Requirement r = Requirement.parse("requests [security,tests] >= 2.8.1, == 2.8.* ; python_version < \"2.7\"");
        assertThat(r.name()).isEqualTo("requests");
        assertThat(r.extras()).containsExactly("security", "tests");
        assertThat(r.specifiers().toString()).isEqualTo(">=2.8.1,==2.8.*");
        assertThat(r.appliesTo(Marker.linuxCPython("3.12.4", "x86_64"), Set.of())).isFalse();
        Requirement url = Requirement.parse("pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee9982d4bbb3c72346a6de940a148ea686");
        assertThat(url.url()).hasValue("https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee9982d4bbb3c72346a6de940a148ea686");
        Requirement urlMarker = Requirement.parse("name @ https://example.org/name-1.0-py3-none-any.whl ; os_name==\"a\"");
        assertThat(urlMarker.marker()).isPresent();
        assertThat(Requirement.parse("Foo.Bar_baz (>=1.0)").normalizedName()).isEqualTo("foo-bar-baz");
        assertThat(Requirement.parse("name").specifiers().isEmpty()).isTrue();
        for (String bad : List.of("-bad", "name >= ", "name[extra", "name; python_version >", "name; foo == 'x'", "name @ ")) {
            assertThatThrownBy(() -> Requirement.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void markersEvaluateForALinuxCPython() {
        Map<String, String> env = Marker.linuxCPython("3.12.4", "x86_64");
        assertThat(Marker.parse("python_version >= '3.9' and sys_platform == 'linux'").evaluate(env, Set.of())).isTrue();
        assertThat(Marker.parse("python_version < '3.10' or platform_system == 'Windows'").evaluate(env, Set.of())).isFalse();
        assertThat(Marker.parse("python_full_version >= '3.12.4'").evaluate(env, Set.of())).isTrue();
        assertThat(Marker.parse("python_version > '3.12'").evaluate(env, Set.of()))
                .as("3.12 is not greater than 3.12: versions compare as versions, not text").isFalse();
        assertThat(Marker.parse("python_version >= '3.8'").evaluate(Marker.linuxCPython("3.10.1", "x86_64"), Set.of()))
                .as("'3.10' >= '3.8' is false as text, true as versions").isTrue();
        assertThat(Marker.parse("'linux' in sys_platform and (platform_machine == 'aarch64' or implementation_name == 'cpython')")
                .evaluate(env, Set.of())).isTrue();
        assertThat(Marker.parse("extra == 'Socks_Proxy'").evaluate(env, Set.of("socks-proxy"))).isTrue();
        assertThat(Marker.parse("extra == 'socks'").evaluate(env, Set.of())).isFalse();
        assertThat(Marker.parse("platform_machine not in 'arm64 aarch64'").evaluate(env, Set.of())).isTrue();
    }
}
