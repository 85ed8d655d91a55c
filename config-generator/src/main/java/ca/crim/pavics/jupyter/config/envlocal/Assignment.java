package ca.crim.pavics.jupyter.config.envlocal;

import java.util.List;
import java.util.Optional;

/**
 * One assignment statement of a bash file ({@code export NAME=VALUE} or {@code NAME=VALUE}), with where its
 * value lies in the file.
 *
 * @param line 1-based line of the statement
 * @param depth nesting in if/case/for/while/function blocks (0: top level)
 * @param valueStart offset of the first character of the value's source text
 * @param valueEnd offset just after the value's source text
 * @param value the value as bash sees it, or empty when it holds expansions or command substitutions
 * @param sourceOffsets for each character of {@code value}, its offset in the file
 * @param insertAt where text may be inserted after the last character of the value (inside its quotes)
 * @param quote the quoting of the value: '"', '\'' or 0 (unquoted or mixed)
 */
public record Assignment(String name, boolean exported, int line, int depth, int valueStart, int valueEnd,
        Optional<String> value, List<Integer> sourceOffsets, int insertAt, char quote) {
}
