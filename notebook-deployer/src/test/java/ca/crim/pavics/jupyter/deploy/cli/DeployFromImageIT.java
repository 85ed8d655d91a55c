package ca.crim.pavics.jupyter.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ca.crim.pavics.jupyter.testsupport.FaultProxy;
import ca.crim.pavics.jupyter.testsupport.FaultProxy.Fault;
import ca.crim.pavics.jupyter.testsupport.GitFixture;
import ca.crim.pavics.jupyter.testsupport.GitHttpServer;
import ca.crim.pavics.jupyter.testsupport.LocalRegistry;
import ca.crim.pavics.jupyter.testsupport.SyntheticBaseImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --image against a real docker-registry holding an image whose label carries the notebook config. */
class DeployFromImageIT {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private static Run deploy(Path dest, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = NotebookDeployerCommand.run(Map.of("DEPLOY_DATA_JOB_NOTEBOOK_DEST_DIR", dest.toString()),
                new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void theConfigComesFromTheImageLabelVerifiedAgainstItsDigest() throws Exception {
        Path gitRoot = Files.createDirectories(tmp.resolve("git"));
        GitFixture repo = GitFixture.create(gitRoot, "nb");
        repo.write("eo/notebooks/intro.ipynb", "{}\n").commit("nb");
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        try (GitHttpServer git = GitHttpServer.start(gitRoot); LocalRegistry registry = LocalRegistry.start(tmp);
                FaultProxy proxy = FaultProxy.start(registry.address())) {
            String config = "- repo_url: " + git.url("nb.git") + "\n  branch: main\n  source_dir: eo/notebooks\n"
                    + "  dest_sub_dir: eo\n";
            String image = SyntheticBaseImage.pushTo(registry, tmp, "pavics/crim-jupyter-eo", "0.5.0",
                    Map.of(NotebookDeployerCommand.LABEL, config));
            String noLabel = SyntheticBaseImage.pushTo(registry, tmp, "pavics/plain", "1", Map.of());
            String fileRepo = SyntheticBaseImage.pushTo(registry, tmp, "pavics/file-repo", "1", Map.of(
                    NotebookDeployerCommand.LABEL, config.replace(git.url("nb.git"), repo.fileUrl())));

            Run ok = deploy(dest, "--image", image, "--insecure-registry");
            assertThat(ok.code()).as(ok.err()).isZero();
            assertThat(ok.out()).contains("config from the label " + NotebookDeployerCommand.LABEL + " of " + image);
            assertThat(dest.resolve("eo/intro.ipynb")).hasContent("{}");

            Run missing = deploy(dest, "--image", noLabel, "--insecure-registry");
            assertThat(missing.code()).isEqualTo(1);
            assertThat(missing.err()).contains("image " + noLabel + " has no label " + NotebookDeployerCommand.LABEL);

            Run local = deploy(dest, "--image", fileRepo, "--insecure-registry");
            assertThat(local.code()).isEqualTo(1);
            assertThat(local.err().strip()).doesNotContain("\n").contains("repo_url " + repo.fileUrl()
                    + " is not a git URL accepted from an image");

            // the same image read through a proxy that points the label at another repository: refused
            proxy.add(Fault.of("GET", "/v2/pavics/crim-jupyter-eo/blobs/.*", 0, new FaultProxy.Tamper(b ->
                    new String(b, StandardCharsets.UTF_8).replace("nb.git", "xx.git").getBytes(StandardCharsets.UTF_8))));
            Run tampered = deploy(dest, "--image", image.replace(registry.address(), proxy.address()), "--insecure-registry");
            assertThat(tampered.code()).isEqualTo(1);
            assertThat(tampered.err().strip()).doesNotContain("\n").contains("does not match its digest");
            assertThat(proxy.log()).anyMatch(l -> l.endsWith("(tampered)"));
            assertThat(git.uploadPackRequests()).as("nothing fetched for the tampered config").isEqualTo(1);
        }
    }
}
