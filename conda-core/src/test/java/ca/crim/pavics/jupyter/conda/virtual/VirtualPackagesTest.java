package ca.crim.pavics.jupyter.conda.virtual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.crim.pavics.jupyter.conda.spec.MatchSpec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VirtualPackagesTest {
    @Test
    void linux64WithoutCudaUnlessGiven() {
        List<VirtualPackage> v = VirtualPackages.linux64("2.28", "5.10", "x86_64", Optional.empty());
        assertThat(v).extracting(VirtualPackage::toString).containsExactly("__unix=0=0", "__linux=5.10=0",
                "__glibc=2.28=0", "__archspec=1=x86_64");
        assertThat(VirtualPackages.override(v, List.of(VirtualPackage.parse("__cuda=12.4"), VirtualPackage.parse("__glibc=2.35"))))
                .extracting(VirtualPackage::toString).contains("__glibc=2.35=0", "__cuda=12.4=0").doesNotContain("__glibc=2.28=0");
    }

    @Test
    void aVirtualRecordMatchesTheSpecsPackagesWrite() throws Exception {
        VirtualPackage glibc = VirtualPackage.parse("__glibc=2.28");
        assertThat(MatchSpec.parse("__glibc >=2.17,<3.0.a0").matches(glibc.toRecord())).isTrue();
        assertThat(MatchSpec.parse("__glibc >=2.34").matches(glibc.toRecord())).isFalse();
        assertThat(MatchSpec.parse("__archspec 1 x86_64").matches(VirtualPackage.parse("__archspec=1=x86_64").toRecord())).isTrue();
    }

    @Test
    void malformedOnesAreRefused() {
        for (String bad : new String[] {"glibc=2.28", "__glibc", "__glibc=", "__glibc=2 28", "__=1"}) {
            assertThatThrownBy(() -> VirtualPackage.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
