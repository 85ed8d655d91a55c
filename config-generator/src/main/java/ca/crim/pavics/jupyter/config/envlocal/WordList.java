package ca.crim.pavics.jupyter.config.envlocal;

import java.util.ArrayList;
import java.util.List;

/**
 * The whitespace-separated words of an assignment's value (how birdhouse reads its image and name lists),
 * each with its span in the file.
 */
public final class WordList {
    /** A word and the file offsets [start, end) of its source text; {@code plain}: the source is the word. */
    public record Word(String text, int start, int end, boolean plain) {
    }

    private final Assignment assignment;
    private final List<Word> words;

    private WordList(Assignment assignment, List<Word> words) {
        this.assignment = assignment;
        this.words = words;
    }

    /** Splits a literal value; the assignment must have a value. */
    public static WordList of(Assignment assignment) {
        String value = assignment.value().orElseThrow();
        List<Integer> offsets = assignment.sourceOffsets();
        List<Word> words = new ArrayList<>();
        int i = 0;
        while (i < value.length()) {
            if (Character.isWhitespace(value.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < value.length() && !Character.isWhitespace(value.charAt(i))) {
                i++;
            }
            int sourceStart = offsets.get(start);
            int sourceEnd = offsets.get(i - 1) + 1;
            words.add(new Word(value.substring(start, i), sourceStart, sourceEnd, sourceEnd - sourceStart == i - start));
        }
        return new WordList(assignment, List.copyOf(words));
    }

    public Assignment assignment() {
        return assignment;
    }

    public List<Word> words() {
        return words;
    }

    public List<String> texts() {
        return words.stream().map(Word::text).toList();
    }

    /** The source text between word i-1 and word i (the separator the file uses there). */
    public String gapBefore(String file, int i) {
        return file.substring(words.get(i - 1).end(), words.get(i).start());
    }
}
