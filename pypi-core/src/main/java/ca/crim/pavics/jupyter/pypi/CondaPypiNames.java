package ca.crim.pavics.jupyter.pypi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which PyPI project a conda package installs, so that a pip requirement met by a conda package is not installed a
 * second time: the table {@code conda-pypi-names.tsv} beside this class for the names that differ (e.g.
 * {@code pytorch} → {@code torch}, {@code py-opencv} → {@code opencv-python}; {@code -} for a package that installs no
 * Python distribution), else the conda name itself, PEP 503-normalized. Only conda packages that depend on
 * {@code python} (or are {@code noarch: python}) install a Python distribution: a C library named like a PyPI project
 * (e.g. {@code zstd}) does not meet a pip requirement.
 */
public final class CondaPypiNames {
    private static final Map<String, String> TABLE = load();

    private CondaPypiNames() {
    }

    /**
     * The normalized PyPI name of a conda package, or empty when it installs no Python distribution.
     *
     * @param condaName the conda package name
     * @param depends the record's {@code depends} (conda match specs as text)
     * @param noarchPython whether the record is {@code noarch: python}
     */
    public static Optional<String> pypiName(String condaName, List<String> depends, boolean noarchPython) {
        String mapped = TABLE.get(condaName);
        if ("-".equals(mapped) || condaName.equals("python")) {
            return Optional.empty();
        }
        boolean python = noarchPython || depends.stream().map(d -> d.strip().split("[\\s=<>!~\\[]", 2)[0]).anyMatch("python"::equals);
        if (!python) {
            return Optional.empty();
        }
        return Optional.of(ProjectName.normalize(mapped != null ? mapped : condaName));
    }

    private static Map<String, String> load() {
        Map<String, String> out = new HashMap<>();
        try (InputStream in = CondaPypiNames.class.getResourceAsStream("conda-pypi-names.tsv");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\t");
                out.put(parts[0].strip(), parts[1].strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(out);
    }
}
