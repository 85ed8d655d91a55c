package ca.crim.pavics.jupyter.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ca.crim.pavics.jupyter.testsupport.GitFixture;
import ca.crim.pavics.jupyter.testsupport.LocalRegistry;
import ca.crim.pavics.jupyter.testsupport.SyntheticBaseImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --image against a real docker-registry holding an image whose label carries the notebook config. */
class DeployFromImageIT {
    @TempDir
    Path tmp;

    @Test
    void theConfigComesFromTheImageLabel() throws Exception {
        GitFixture repo = GitFixture.create(tmp.resolve("git"), "nb");
        repo.write("eo/notebooks/intro.ipynb", "{}\n").commit("nb");
        String config = "- repo_url: " + repo.fileUrl() + "\n  branch: main\n  source_dir: eo/notebooks\n  dest_sub_dir: eo\n";
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        try (LocalRegistry registry = LocalRegistry.start(tmp)) {
            String image = SyntheticBaseImage.pushTo(registry, tmp, "pavics/crim-jupyter-eo", "0.5.0",
                    Map.of(NotebookDeployerCommand.LABEL, config));
            String noLabel = SyntheticBaseImage.pushTo(registry, tmp, "pavics/plain", "1", Map.of());
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = NotebookDeployerCommand.run(Map.of("DEPLOY_DATA_JOB_NOTEBOOK_DEST_DIR", dest.toString()),
                    new PrintWriter(out), new PrintWriter(err), "--image", image, "--insecure-registry");
            assertThat(code).as(err.toString()).isZero();
            assertThat(out.toString()).contains("config from the label " + NotebookDeployerCommand.LABEL + " of " + image);
            assertThat(dest.resolve("eo/intro.ipynb")).hasContent("{}");

            StringWriter err2 = new StringWriter();
            int missing = NotebookDeployerCommand.run(Map.of("DEPLOY_DATA_JOB_NOTEBOOK_DEST_DIR", dest.toString()),
                    new PrintWriter(new StringWriter()), new PrintWriter(err2), "--image", noLabel, "--insecure-registry");
            assertThat(missing).isEqualTo(1);
            assertThat(err2.toString()).contains("image " + noLabel + " has no label " + NotebookDeployerCommand.LABEL);
        }
    }
}
