package ca.crim.pavics.jupyter.env.wheel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.crim.pavics.jupyter.env.install.InstallException;
import ca.crim.pavics.jupyter.env.install.InstallTarget;
import ca.crim.pavics.jupyter.env.install.InstalledPackage;
import ca.crim.pavics.jupyter.env.layer.LayerEntry;
import ca.crim.pavics.jupyter.env.lock.WheelPackage;
import ca.crim.pavics.jupyter.testsupport.WheelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WheelInstallerTest {
    private final InstallTarget target = new InstallTarget("/opt/conda/envs/birdy", "3.11", "lib/python3.11/site-packages", false,
            Path.of("/tmp"));

    private static String content(InstalledPackage p, String path) {
        return p.entries().stream().filter(e -> e.path().equals(path)).findFirst()
                .map(e -> new String(e.data(), StandardCharsets.UTF_8)).orElseThrow(() -> new AssertionError("no " + path));
    }

    @Test
    void theRealRequestsWheelVerifiesAndGetsInstallerAndRecord() throws Exception {
        WheelPackage w = new WheelPackage("requests", "2.31.0", "requests-2.31.0-py3-none-any.whl", Optional.empty());
        Path real = ca.crim.pavics.jupyter.testsupport.TestData.condaReal().resolve("wheels");
        InstalledPackage p = new WheelInstaller(target).install(w, real.resolve("requests-2.31.0-py3-none-any.whl"),
                Optional.of("https://files.example/requests-2.31.0-py3-none-any.whl"));
        String info = "opt/conda/envs/birdy/lib/python3.11/site-packages/requests-2.31.0.dist-info/";
        assertThat(content(p, info + "INSTALLER")).isEqualTo("pavics-jupyter-env-installer\n");
        assertThat(content(p, info + "direct_url.json")).contains("\"url\":\"https://files.example/requests-2.31.0-py3-none-any.whl\"")
                .contains("archive_info");
        assertThat(content(p, info + "RECORD")).contains("requests/__init__.py,sha256=").contains("requests-2.31.0.dist-info/INSTALLER,sha256=")
                .endsWith("requests-2.31.0.dist-info/RECORD,,\n");
        assertThat(p.entries()).extracting(LayerEntry::path).contains("opt/conda/envs/birdy/lib/python3.11/site-packages/requests/api.py");
    }

    @Test
    void aWheelWhoseFilesDoNotMatchRecordIsRefused(@TempDir Path dir) throws Exception {
        Path wheel = new WheelBuilder("bad", "1.0").file("bad/__init__.py", "x = 1\n", 0644).corruptRecord().write(dir);
        assertThatThrownBy(() -> new WheelInstaller(target).install(new WheelPackage("bad", "1.0", "bad.whl", Optional.empty()), wheel,
                Optional.empty())).isInstanceOf(InstallException.class).hasMessageContaining("does not match its RECORD hash");
    }

    @Test
    void vcsDirectUrlRecordsTheRevision(@TempDir Path dir) throws Exception {
        Path wheel = new WheelBuilder("weaver", "4.30.0").file("weaver/__init__.py", "", 0644).write(dir);
        InstalledPackage p = new WheelInstaller(target).install(new WheelPackage("weaver", "4.30.0", "w.whl", Optional.empty()), wheel,
                Optional.of("git+https://github.com/crim-ca/weaver.git@4.30.0"));
        assertThat(content(p, "opt/conda/envs/birdy/lib/python3.11/site-packages/weaver-4.30.0.dist-info/direct_url.json"))
                .contains("\"url\":\"https://github.com/crim-ca/weaver.git\"").contains("\"vcs\":\"git\"")
                .contains("\"requested_revision\":\"4.30.0\"");
    }
}
