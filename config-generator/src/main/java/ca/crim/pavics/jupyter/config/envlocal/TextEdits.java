package ca.crim.pavics.jupyter.config.envlocal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Replacements of spans of a text, applied together; spans must not overlap. */
public final class TextEdits {
    private record Edit(int start, int end, String replacement, int order) {
    }

    private final List<Edit> edits = new ArrayList<>();

    public void replace(int start, int end, String replacement) {
        edits.add(new Edit(start, end, replacement, edits.size()));
    }

    public void insert(int at, String text) {
        replace(at, at, text);
    }

    public boolean isEmpty() {
        return edits.isEmpty();
    }

    public String applyTo(String text) {
        List<Edit> sorted = new ArrayList<>(edits);
        // from the end backwards, so earlier offsets stay valid; insertions at one place keep their order
        sorted.sort(Comparator.comparingInt(Edit::start).thenComparingInt(Edit::order).reversed());
        StringBuilder out = new StringBuilder(text);
        int limit = Integer.MAX_VALUE;
        for (Edit e : sorted) {
            if (e.end() > limit) {
                throw new IllegalStateException("overlapping edits at " + e.start());
            }
            out.replace(e.start(), e.end(), e.replacement());
            limit = e.start();
        }
        return out.toString();
    }
}
