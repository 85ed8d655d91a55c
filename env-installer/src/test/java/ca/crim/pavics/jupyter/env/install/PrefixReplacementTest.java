package ca.crim.pavics.jupyter.env.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PrefixReplacementTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void textReplacesEveryOccurrence() {
        assertThat(s(PrefixReplacement.text(b("a=/ph/x\nb=/ph/y /ph\n"), "/ph", "/opt/env"))).isEqualTo("a=/opt/env/x\nb=/opt/env/y /opt/env\n");
        byte[] untouched = b("nothing here");
        assertThat(PrefixReplacement.text(untouched, "/ph", "/opt")).isSameAs(untouched);
    }

    @Test
    void binaryKeepsEveryOffsetAndPadsEachCStringWithNuls() throws Exception {
        String ph = "/placeholder_placeholder";
        String in = "\u0001\u0002" + ph + "/lib:" + ph + "/lib64\0tail" + ph + "\0end";
        byte[] out = PrefixReplacement.binary(b(in), ph, "/opt/e");
        assertThat(out).hasSize(in.length());
        String first = "/opt/e/lib:/opt/e/lib64";
        assertThat(s(out)).startsWith("\u0001\u0002" + first + "\0".repeat((ph.length() - 6) * 2) + "\0tail/opt/e");
        assertThat(s(out)).endsWith("\0end");
        assertThat(s(out)).doesNotContain("placeholder");
    }

    @Test
    void aPrefixLongerThanTheBinaryPlaceholderIsRefused() {
        assertThatThrownBy(() -> PrefixReplacement.binary(b("x/ph\0"), "/ph", "/much/longer"))
                .isInstanceOf(PrefixReplacement.PaddingException.class).hasMessageContaining("longer than the binary placeholder");
    }

    @Test
    void shebangsLongerThan127BytesUseEnv() {
        String longPython = "/opt/" + "x".repeat(130) + "/bin/python3.11";
        assertThat(s(Shebangs.fix(b("#!" + longPython + " -u\nprint(1)\n")))).isEqualTo("#!/usr/bin/env python3.11 -u\nprint(1)\n");
        byte[] shortOne = b("#!/opt/e/bin/python\nx\n");
        assertThat(Shebangs.fix(shortOne)).isSameAs(shortOne);
    }

    @Test
    void entryPointScriptAsCondaWritesIt() {
        String script = EntryPointScript.parse("jupyter-lab = jupyterlab.labapp:main").render("/opt/e/bin/python3.11");
        assertThat(script).startsWith("#!/opt/e/bin/python3.11\n").contains("from jupyterlab.labapp import main\n")
                .contains("sys.exit(main())");
        assertThat(EntryPointScript.parse("x = pkg.mod:App.launch").render("/p")).contains("from pkg.mod import App\n")
                .contains("sys.exit(App.launch())");
    }
}
