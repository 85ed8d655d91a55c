package ca.crim.pavics.jupyter.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VerifyingInputStreamTest {
    /** sha256 of "abc" (FIPS 180-2, appendix B.1). */
    private static final String ABC = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    /** sha512 of "abc" (FIPS 180-2, appendix C.1). */
    private static final String ABC512 = "sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";

    private static VerifyingInputStream of(String content, String digest, long size) {
        return new VerifyingInputStream(new ByteArrayInputStream(content.getBytes(StandardCharsets.US_ASCII)), digest,
                size, "blob X");
    }

    @Test
    void matchingContentPassesThrough() throws IOException {
        assertThat(of("abc", ABC, 3).readAllBytes()).containsExactly('a', 'b', 'c');
        assertThat(of("abc", ABC512, -1).readAllBytes()).hasSize(3);
    }

    @Test
    void alteredContentFailsAtTheEnd() {
        assertThatThrownBy(() -> of("abd", ABC, 3).transferTo(OutputStream.nullOutputStream()))
                .isInstanceOf(RegistryException.class)
                .hasMessageStartingWith("blob X does not match its digest: expected " + ABC + " (3 bytes), got sha256:");
    }

    @Test
    void moreBytesThanTheDescriptorSaysFailAtOnce() {
        assertThatThrownBy(() -> of("abcd", ABC, 3).readAllBytes())
                .hasMessage("blob X: more than the 3 bytes its descriptor gives; expected digest " + ABC);
    }

    @Test
    void aTruncatedBlobFails() {
        assertThatThrownBy(() -> of("ab", ABC, 3).readAllBytes()).hasMessageContaining("(2 bytes)");
    }

    @Test
    void theRestCanBeVerifiedAfterAPartialRead() throws IOException {
        VerifyingInputStream in = of("abc", ABC, 3);
        assertThat(in.read()).isEqualTo('a');
        in.verifyRest();
        assertThat(in.count()).isEqualTo(3);
        VerifyingInputStream bad = of("abX", ABC, 3);
        bad.read();
        assertThatThrownBy(bad::verifyRest).isInstanceOf(RegistryException.class);
    }
}
