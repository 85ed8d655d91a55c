package ca.crim.pavics.jupyter.conda.version;

import static org.assertj.core.api.Assertions.assertThat;

import ca.crim.pavics.jupyter.testsupport.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every one of the 28,530 real version strings of rattler's {@code parsed_versions.txt} (each with the parse conda's
 * own {@code VersionOrder} gave it): our parse must equal conda's, and our order must agree with CEP 33's comparison
 * rule applied to conda's parse (implemented here, separately from {@link VersionOrder}: component by component,
 * missing atoms are 0, strings below numbers, {@code inf} above numbers).
 */
class VersionOrderConformanceTest {
    private record Expected(String version, List<List<Object>> parse) {
    }

    private static List<Expected> expected() throws IOException {
        List<Expected> out = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.resolver().resolve("conda/rattler/test-data/parsed_versions.txt"),
                StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf("=[");
            out.add(new Expected(line.substring(0, eq), pythonList(line.substring(eq + 1))));
        }
        return out;
    }

    /** Reads conda's printed parse, e.g. {@code [[0], [1], [0, 'DEV']]}: numbers as Long/BigInteger, inf, strings. */
    private static List<List<Object>> pythonList(String text) {
        List<List<Object>> out = new ArrayList<>();
        String inner = text.substring(1, text.length() - 1).trim();
        int i = 0;
        while (i < inner.length()) {
            int open = inner.indexOf('[', i);
            if (open < 0) {
                break;
            }
            int close = inner.indexOf(']', open);
            List<Object> component = new ArrayList<>();
            for (String atom : inner.substring(open + 1, close).split(",")) {
                String a = atom.trim();
                if (a.startsWith("'")) {
                    component.add(a.substring(1, a.length() - 1));
                } else if (a.equals("inf")) {
                    component.add(Double.POSITIVE_INFINITY);
                } else {
                    component.add(new java.math.BigInteger(a));
                }
            }
            out.add(component);
            i = close + 1;
        }
        return out;
    }

    /** CEP 33's comparison on a parse (the version part; conda's parse file has no local part). */
    private static int reference(List<List<Object>> a, List<List<Object>> b) {
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            List<Object> x = i < a.size() ? a.get(i) : List.of();
            List<Object> y = i < b.size() ? b.get(i) : List.of();
            for (int j = 0; j < Math.max(x.size(), y.size()); j++) {
                Object p = j < x.size() ? x.get(j) : java.math.BigInteger.ZERO;
                Object q = j < y.size() ? y.get(j) : java.math.BigInteger.ZERO;
                int c = atom(p, q);
                if (c != 0) {
                    return c;
                }
            }
        }
        return 0;
    }

    private static int atom(Object p, Object q) {
        boolean ps = p instanceof String;
        boolean qs = q instanceof String;
        if (ps && qs) {
            return ((String) p).compareTo((String) q);
        }
        if (ps != qs) {
            return ps ? -1 : 1;
        }
        boolean pi = p instanceof Double;
        boolean qi = q instanceof Double;
        if (pi || qi) {
            return pi == qi ? 0 : pi ? 1 : -1;
        }
        return ((java.math.BigInteger) p).compareTo((java.math.BigInteger) q);
    }

    @Test
    void everyRealVersionParsesAsCondaParsesIt() throws Exception {
        List<Expected> all = expected();
        assertThat(all).hasSize(28530);
        List<String> wrong = new ArrayList<>();
        for (Expected e : all) {
            String ours;
            try {
                ours = VersionOrder.parse(e.version()).describe();
            } catch (VersionException x) {
                ours = x.getMessage();
            }
            if (!ours.equals(render(e.parse()))) {
                wrong.add(e.version() + ": conda " + render(e.parse()) + ", ours " + ours);
            }
        }
        System.out.printf("versions parsed as conda parses them: %d of %d%n", all.size() - wrong.size(), all.size());
        assertThat(wrong).as("first differences").isEmpty();
    }

    private static String render(List<List<Object>> parse) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < parse.size(); i++) {
            b.append(i == 0 ? "[" : ", [");
            for (int j = 0; j < parse.get(i).size(); j++) {
                Object a = parse.get(i).get(j);
                b.append(j == 0 ? "" : ", ").append(a instanceof String s ? "'" + s + "'" : a instanceof Double ? "inf" : a);
            }
            b.append(']');
        }
        return b.append(']').toString();
    }

    @Test
    void everyRealVersionIsOrderedAsCep33OrdersCondasParse() throws Exception {
        List<Expected> all = expected();
        Map<String, List<List<Object>>> parse = new HashMap<>();
        List<VersionOrder> versions = new ArrayList<>();
        for (Expected e : all) {
            parse.put(e.version(), e.parse());
            versions.add(VersionOrder.parse(e.version()));
        }
        java.util.Collections.shuffle(versions, new java.util.Random(33));
        versions.sort(Comparator.naturalOrder());
        int inOrder = 0;
        List<String> wrong = new ArrayList<>();
        for (int i = 1; i < versions.size(); i++) {
            VersionOrder a = versions.get(i - 1);
            VersionOrder b = versions.get(i);
            int ref = reference(parse.get(a.source()), parse.get(b.source()));
            boolean locals = a.hasLocal() || b.hasLocal();
            boolean ok = ref < 0 || (ref == 0 && (locals ? a.compareTo(b) <= 0 : a.compareTo(b) == 0));
            if (ok) {
                inOrder++;
            } else if (wrong.size() < 20) {
                wrong.add(a + " then " + b + " (reference " + ref + ")");
            }
        }
        // random pairs too: the sign of our comparison equals the reference's
        java.util.Random random = new java.util.Random(7);
        for (int k = 0; k < 200_000; k++) {
            VersionOrder a = versions.get(random.nextInt(versions.size()));
            VersionOrder b = versions.get(random.nextInt(versions.size()));
            if (a.hasLocal() || b.hasLocal()) {
                continue;
            }
            int ref = Integer.signum(reference(parse.get(a.source()), parse.get(b.source())));
            if (Integer.signum(a.compareTo(b)) != ref && wrong.size() < 40) {
                wrong.add("pair " + a + " vs " + b + ": reference " + ref + ", ours " + a.compareTo(b));
            }
            if (ref == 0) {
                assertThat(a.hashCode()).as(a + " equals " + b).isEqualTo(b.hashCode());
                assertThat(a).isEqualTo(b);
            }
        }
        System.out.printf("adjacent pairs of the sorted 28,530 versions in CEP 33 order: %d of %d%n", inOrder,
                versions.size() - 1);
        assertThat(wrong).isEmpty();
    }
}
