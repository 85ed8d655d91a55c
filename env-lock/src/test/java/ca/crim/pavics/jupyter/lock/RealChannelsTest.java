package ca.crim.pavics.jupyter.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import ca.crim.pavics.jupyter.conda.spec.Channel;
import ca.crim.pavics.jupyter.conda.spec.MatchSpec;
import ca.crim.pavics.jupyter.conda.virtual.VirtualPackage;
import ca.crim.pavics.jupyter.conda.virtual.VirtualPackages;
import ca.crim.pavics.jupyter.lock.repodata.RepodataCache;
import ca.crim.pavics.jupyter.lock.solve.SolutionChecker;
import ca.crim.pavics.jupyter.lock.solve.UnsatisfiableException;
import ca.crim.pavics.jupyter.testsupport.StaticHttpServer;
import ca.crim.pavics.jupyter.testsupport.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real channels served over HTTP on 127.0.0.1 and locked through the repodata cache: libmamba's conda-forge closure
 * of numpy and its sudoku channel, the {@code r} and {@code pytorch} channels (partial: their explanations must name
 * what is missing), the cf-geo-union records (conflicts, base pins), and two generated channels for strict priority.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealChannelsTest {
    private static final List<VirtualPackage> LINUX = VirtualPackages.linux64("2.28", "4.18", "x86_64", Optional.empty());
    private StaticHttpServer server;

    @TempDir
    Path cache;

    @BeforeAll
    void serve(@TempDir Path root) throws IOException {
        Path libmamba = TestData.resolver().resolve("conda/libmamba/libmamba/tests/data/repodata");
        copy(libmamba.resolve("conda-forge-numpy-linux-64.json"), root.resolve("numpy/linux-64/repodata.json"));
        copy(libmamba.resolve("sudoku.json"), root.resolve("sudoku/noarch/repodata.json"));
        Path real = TestData.condaReal().resolve("repodata");
        copy(real.resolve("r_linux-64.json"), root.resolve("r/linux-64/repodata.json"));
        copy(real.resolve("pytorch_linux-64.json"), root.resolve("pytorch/linux-64/repodata.json"));
        Path geo = TestData.resolver().resolve("conda/cf-geo-union");
        copy(geo.resolve("linux-64/repodata.json"), root.resolve("conda-forge/linux-64/repodata.json"));
        copy(geo.resolve("noarch/repodata.json"), root.resolve("conda-forge/noarch/repodata.json"));
        Files.createDirectories(root.resolve("high/noarch"));
        Files.writeString(root.resolve("high/noarch/repodata.json"), "{\"info\":{\"subdir\":\"noarch\"},\"packages\":{"
                + "\"foo-1.0-0.tar.bz2\":{\"name\":\"foo\",\"version\":\"1.0\",\"build\":\"0\",\"build_number\":0,\"depends\":[\"bar\"]}}}");
        Files.createDirectories(root.resolve("low/noarch"));
        Files.writeString(root.resolve("low/noarch/repodata.json"), "{\"info\":{\"subdir\":\"noarch\"},\"packages\":{"
                + "\"foo-2.0-0.tar.bz2\":{\"name\":\"foo\",\"version\":\"2.0\",\"build\":\"0\",\"build_number\":0,\"depends\":[]},"
                + "\"bar-3.0-0.tar.bz2\":{\"name\":\"bar\",\"version\":\"3.0\",\"build\":\"0\",\"build_number\":0,\"depends\":[]}}}");
        server = StaticHttpServer.serve(root);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to);
    }

    private Channel channel(String name) {
        return new Channel(name, server.url() + "/" + name);
    }

    private LockResult lock(List<String> channels, List<String> specs, List<PackageRecord> installed, List<String> pins)
            throws Exception {
        List<Channel> cs = channels.stream().map(this::channel).toList();
        List<MatchSpec> ms = new ArrayList<>();
        for (String s : specs) {
            ms.add(MatchSpec.parse(s));
        }
        List<MatchSpec> ps = new ArrayList<>();
        for (String s : pins) {
            ps.add(MatchSpec.parse(s));
        }
        LockResult r = new CondaLocker(new RepodataCache(cache, Duration.ofSeconds(10), l -> { }))
                .lock(new LockRequest(cs, ms, installed, ps, LINUX, Set.of()));
        assertThat(SolutionChecker.violations(r.environment(), ms, installed, LINUX, ps)).isEmpty();
        return r;
    }

    private String unsat(List<String> channels, List<String> specs, List<String> pins) {
        UnsatisfiableException e = (UnsatisfiableException) org.assertj.core.api.Assertions.catchThrowable(
                () -> lock(channels, specs, List.of(), pins));
        assertThat(e).as("expected unsatisfiable").isNotNull();
        return e.getMessage();
    }

    @Test
    void numpyFromLibmambasConformaSlice() throws Exception {
        LockResult r = lock(List.of("numpy"), List.of("numpy"), List.of(), List.of());
        // the slice has one numpy build; its closure is 30 packages (hand-counted from the file's depends)
        assertThat(r.environment().get("numpy").dist()).isEqualTo("numpy-1.26.4-py312head63a1_0");
        assertThat(r.environment().get("python").version()).isEqualTo("3.12.1");
        assertThat(r.added()).hasSize(r.environment().size());
        assertThat(r.kept()).isZero();
    }

    @Test
    void sudokuChannelIsProvedUnsatisfiable() {
        // libmamba's sudoku channel: cells sudoku_R_C, versions 1-9, each record requiring every cell it sees to be
        // installed with another value, so one cell pulls in all 81. The channel's blocks are not the 3x3 boxes for
        // every cell: sudoku_0_3 must differ from row 0's first three cells and from sudoku_1_0..1_2 and 2_0..2_2,
        // the nine cells of the first box, which must all differ from each other. Nine cells with nine different
        // values leave sudoku_0_3 none: no request on this channel can be met (derived by hand from the file).
        String e = unsat(List.of("sudoku"), List.of("sudoku_0_0"), List.of());
        assertThat(e).startsWith("cannot solve").contains("sudoku_0_");
        String given = unsat(List.of("sudoku"), List.of("sudoku_4_4 1", "sudoku_8_8 9"), List.of());
        assertThat(given).contains("sudoku_");
    }

    @Test
    void partialChannelsNameWhatIsMissing() {
        String pytorch = unsat(List.of("pytorch"), List.of("pytorch"), List.of());
        assertThat(pytorch).contains("'pytorch' (requested)", "no package named blas in the channels");
        assertThat(pytorch.split("\n")).hasSizeLessThan(6); // all pytorch versions on one line, not one line each
        String r = unsat(List.of("r"), List.of("r-base"), List.of());
        assertThat(r).contains("'r-base' (requested)").containsPattern("no package named [a-z0-9_-]+ in the channels");
    }

    @Test
    void conflictingSpecsNameTheSharedDependency() {
        String e = unsat(List.of("conda-forge"), List.of("gdal 3.8.*", "libgdal-core 3.9.*"), List.of());
        // gdal 3.8 needs geos 3.12.1 (through libgdal 3.8) and libgdal 3.8, libgdal-core 3.9 needs geos >= 3.12.2 and
        // allows only libgdal 3.9: either shared dependency proves it, and both requested specs lead to it
        assertThat(e).contains("'gdal 3.8.*' (requested) -> gdal 3.8.3", "'libgdal-core 3.9.*' (requested) -> libgdal-core 3.9.2")
                .containsPattern("no (geos|libgdal) satisfies all of these at once");
    }

    @Test
    void aBasePinThatBlocksIsNamedAsTheBaseImages() {
        String e = unsat(List.of("conda-forge"), List.of("libgdal-core 3.9.*"), List.of("geos 3.12.1"));
        assertThat(e).contains("geos", "the base image pins geos");
    }

    @Test
    void strictPriorityTakesANameFromTheFirstChannelThatHasIt() throws Exception {
        LockResult r = lock(List.of("high", "low"), List.of("foo"), List.of(), List.of());
        assertThat(r.environment().get("foo").version()).isEqualTo("1.0");
        assertThat(r.environment().get("foo").channel()).endsWith("/high");
        assertThat(r.environment().get("bar").channel()).endsWith("/low");
        assertThat(unsat(List.of("high", "low"), List.of("foo 2.0"), List.of()))
                .contains("'foo ==2.0' (requested): no foo matches it (the channels have 1.0)");
    }

    @Test
    void installedRecordsAreKeptUnlessASpecForcesAChange() throws Exception {
        LockResult before = lock(List.of("conda-forge"), List.of("python 3.11.*", "numpy 1.26.*"), List.of(), List.of());
        List<PackageRecord> base = new ArrayList<>(before.environment().values());
        LockResult same = lock(List.of("conda-forge"), List.of("numpy"), base, List.of());
        assertThat(same.changes()).isEmpty();
        assertThat(same.kept()).isEqualTo(base.size());
        LockResult upgraded = lock(List.of("conda-forge"), List.of("python 3.12.*"), base, List.of());
        assertThat(upgraded.replaced()).extracting(c -> c.record().name()).contains("python", "numpy");
        assertThat(upgraded.replaced()).allSatisfy(c -> assertThat(c.replaced()).isPresent());
        assertThat(upgraded.kept()).isPositive();
        assertThatThrownBy(() -> lock(List.of("nowhere"), List.of("x"), List.of(), List.of()))
                .hasMessageContaining("nowhere").hasMessageContaining("no linux-64 or noarch repodata");
    }
}
