package ca.crim.pavics.jupyter.config.images;

import java.util.Comparator;
import java.util.regex.Pattern;

/** Orders versions such as {@code 0.10.1} after {@code 0.9.3}: numeric parts compared as numbers. */
public final class Versions {
    private static final Pattern SPLIT = Pattern.compile("[.\\-_+]");

    public static final Comparator<String> ORDER = Versions::compare;

    private Versions() {
    }

    public static int compare(String a, String b) {
        String[] x = SPLIT.split(a);
        String[] y = SPLIT.split(b);
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            String p = i < x.length ? x[i] : "";
            String q = i < y.length ? y[i] : "";
            int c;
            if (p.matches("\\d+") && q.matches("\\d+")) {
                c = new java.math.BigInteger(p).compareTo(new java.math.BigInteger(q));
            } else if (p.isEmpty() || q.isEmpty()) {
                // 1.0 < 1.0.1, but 1.0-rc1 < 1.0
                c = p.isEmpty() ? (q.matches("\\d+") ? -1 : 1) : (p.matches("\\d+") ? 1 : -1);
            } else {
                c = p.compareTo(q);
            }
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
