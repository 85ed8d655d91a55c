package ca.crim.pavics.jupyter.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageReferenceTest {
    @Test
    void dockerHubDefaults() {
        ImageReference ref = ImageReference.parse("birdhouse/pavics-jupyter-base:0.5.0");
        assertThat(ref).isEqualTo(new ImageReference("docker.io", "birdhouse/pavics-jupyter-base", "0.5.0", ""));
        assertThat(ref.apiHost()).isEqualTo("registry-1.docker.io");
        assertThat(ImageReference.parse("busybox").toString()).isEqualTo("docker.io/library/busybox:latest");
    }

    @Test
    void dockerHubUnderAnyOfItsNamesIsOneRegistry() {
        for (String name : new String[] {"birdhouse/pavics-jupyter-base:0.5.0", "docker.io/birdhouse/pavics-jupyter-base:0.5.0",
                "index.docker.io/birdhouse/pavics-jupyter-base:0.5.0", "registry-1.docker.io/birdhouse/pavics-jupyter-base:0.5.0",
                "registry.hub.docker.com/birdhouse/pavics-jupyter-base:0.5.0"}) {
            assertThat(ImageReference.parse(name)).as(name)
                    .isEqualTo(new ImageReference("docker.io", "birdhouse/pavics-jupyter-base", "0.5.0", ""));
        }
        assertThat(ImageReference.parse("index.docker.io/busybox").repository()).isEqualTo("library/busybox");
    }

    @Test
    void registryWithPortAndDigest() {
        String digest = "sha256:" + "a".repeat(64);
        ImageReference ref = ImageReference.parse("127.0.0.1:5000/pavics/crim-jupyter-eo:0.5.0@" + digest);
        assertThat(ref.registry()).isEqualTo("127.0.0.1:5000");
        assertThat(ref.hostName()).isEqualTo("127.0.0.1");
        assertThat(ref.port()).isEqualTo(5000);
        assertThat(ref.repository()).isEqualTo("pavics/crim-jupyter-eo");
        assertThat(ref.digest()).isEqualTo(digest);
        assertThat(ImageReference.parse("localhost/x").registry()).isEqualTo("localhost");
    }

    @Test
    void refusesInvalidReferences() {
        for (String bad : new String[] {"", "tar:///x.tar", "Pavics/Eo", "a:b:c", "x@sha256:12", "a/b:bad tag"}) {
            assertThatThrownBy(() -> ImageReference.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
