package ca.crim.pavics.jupyter.config.envlocal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the variable assignments of a bash file such as birdhouse's {@code env.local}, following bash's rules
 * for quotes, backslash-newline continuations, comments and statement boundaries, and keeps, for each value,
 * the file offset of every character so that a value can be edited without touching any other byte. Here
 * documents are not supported (they do not occur in env.local files).
 */
public final class BashAssignmentScanner {
    private static final Set<String> OPENERS = Set.of("if", "case", "for", "while", "until", "select", "{", "(");
    private static final Set<String> CLOSERS = Set.of("fi", "esac", "done", "}", ")");
    private static final List<String> DECLARATIONS = List.of("declare", "typeset", "readonly");

    private String text;
    private int pos;
    private int depth;
    private final List<Assignment> found = new ArrayList<>();

    public List<Assignment> scan(String content) {
        this.text = content;
        this.pos = 0;
        this.depth = 0;
        found.clear();
        while (pos < text.length()) {
            statement();
        }
        return List.copyOf(found);
    }

    /** One statement: leading blanks, then an assignment or a command, up to an unquoted newline or ';'. */
    private void statement() {
        skipBlanks();
        if (pos >= text.length()) {
            return;
        }
        char c = text.charAt(pos);
        if (c == '\n' || c == ';') {
            pos++;
            return;
        }
        if (c == '#') {
            skipComment();
            return;
        }
        int start = pos;
        boolean exported = false;
        if (text.startsWith("export", pos) && pos + 6 < text.length() && isBlank(text.charAt(pos + 6))) {
            exported = true;
            pos += 6;
            skipBlanks();
        } else {
            // declare/typeset/readonly [-flags] NAME=VALUE: an assignment too (-x exports it)
            for (String builtin : DECLARATIONS) {
                if (text.startsWith(builtin, pos) && pos + builtin.length() < text.length()
                        && isBlank(text.charAt(pos + builtin.length()))) {
                    int after = pos + builtin.length();
                    pos = after;
                    skipBlanks();
                    while (pos < text.length() && text.charAt(pos) == '-') {
                        int flags = pos;
                        while (pos < text.length() && !isBlank(text.charAt(pos)) && text.charAt(pos) != '\n') {
                            pos++;
                        }
                        exported |= text.substring(flags, pos).contains("x");
                        skipBlanks();
                    }
                    break;
                }
            }
        }
        boolean assigned = false;
        while (true) {
            int nameStart = pos;
            while (pos < text.length() && isNameChar(text.charAt(pos), pos == nameStart)) {
                pos++;
            }
            if (pos > nameStart && pos < text.length() && text.charAt(pos) == '=') {
                String name = text.substring(nameStart, pos);
                pos++;
                assignmentValue(name, exported, assigned ? nameStart : start);
                assigned = true;
                skipBlanks();
                continue;
            }
            if (pos > nameStart && text.startsWith("+=", pos)) {
                // NAME+=VALUE appends to the value: recorded without a value (it depends on the one before)
                String name = text.substring(nameStart, pos);
                pos += 2;
                assignmentValue(name, exported, assigned ? nameStart : start);
                Assignment a = found.remove(found.size() - 1);
                found.add(new Assignment(a.name(), a.exported(), a.line(), a.depth(), a.valueStart(), a.valueEnd(),
                        Optional.empty(), List.of(), a.insertAt(), a.quote()));
                assigned = true;
                skipBlanks();
                continue;
            }
            pos = nameStart;
            break;
        }
        if (assigned) {
            // what follows the assignments ("A=1 command") is a command run with them in its environment
            restOfStatement(!exported);
            return;
        }
        pos = start;
        String word = firstWord();
        if (word.equals("then") || word.equals("do") || word.equals("else")) {
            pos += word.length();
            return;
        }
        if (OPENERS.contains(word) || word.endsWith("()")) {
            depth++;
        } else if (CLOSERS.contains(word)) {
            depth = Math.max(0, depth - 1);
        }
        restOfStatement(true);
    }

    private String firstWord() {
        int end = pos;
        while (end < text.length() && !isBlank(text.charAt(end)) && text.charAt(end) != '\n' && text.charAt(end) != ';') {
            end++;
        }
        return text.substring(pos, end);
    }

    /** Skips words up to the end of the statement; counts nesting words that follow ';' (e.g. "; then"). */
    private void restOfStatement(boolean command) {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                pos++;
                return;
            }
            if (c == ';') {
                pos++;
                if (pos < text.length() && text.charAt(pos) == ';') {
                    pos++;
                }
                return;
            }
            if (isBlank(c)) {
                pos++;
                if (pos < text.length() && text.charAt(pos) == '#') {
                    skipComment();
                    return;
                }
                continue;
            }
            if (c == '#' && command && isWordStart()) {
                skipComment();
                return;
            }
            skipWordPart();
        }
    }

    private boolean isWordStart() {
        return pos == 0 || isBlank(text.charAt(pos - 1)) || text.charAt(pos - 1) == '\n';
    }

    private void skipWordPart() {
        char c = text.charAt(pos);
        if (c == '\\') {
            pos = Math.min(text.length(), pos + 2);
        } else if (c == '\'') {
            int end = text.indexOf('\'', pos + 1);
            pos = end < 0 ? text.length() : end + 1;
        } else if (c == '"') {
            pos++;
            while (pos < text.length() && text.charAt(pos) != '"') {
                pos += text.charAt(pos) == '\\' ? 2 : 1;
            }
            pos = Math.min(text.length(), pos + 1);
        } else {
            pos++;
        }
    }

    private void skipComment() {
        int end = text.indexOf('\n', pos);
        pos = end < 0 ? text.length() : end + 1;
    }

    private void skipBlanks() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (isBlank(c)) {
                pos++;
            } else if (c == '\\' && pos + 1 < text.length() && text.charAt(pos + 1) == '\n') {
                pos += 2;
            } else {
                return;
            }
        }
    }

    /** Reads one shell word as a value, decoding it as bash would when it is free of expansions. */
    private void assignmentValue(String name, boolean exported, int statementStart) {
        int line = lineOf(statementStart);
        int valueStart = pos;
        StringBuilder value = new StringBuilder();
        List<Integer> offsets = new ArrayList<>();
        boolean literal = true;
        char quote = 0;
        int quotedParts = 0;
        int unquotedChars = 0;
        int insertAt = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (isBlank(c) || c == '\n' || c == ';') {
                break;
            }
            if (c == '\'') {
                quotedParts++;
                quote = '\'';
                int end = text.indexOf('\'', pos + 1);
                int stop = end < 0 ? text.length() : end;
                for (int i = pos + 1; i < stop; i++) {
                    value.append(text.charAt(i));
                    offsets.add(i);
                }
                insertAt = stop;
                pos = end < 0 ? text.length() : end + 1;
            } else if (c == '"') {
                quotedParts++;
                quote = '"';
                pos++;
                while (pos < text.length() && text.charAt(pos) != '"') {
                    char d = text.charAt(pos);
                    if (d == '\\' && pos + 1 < text.length()) {
                        char e = text.charAt(pos + 1);
                        if (e == '\n') {
                            pos += 2;
                            continue;
                        }
                        if (e == '"' || e == '\\' || e == '$' || e == '`') {
                            value.append(e);
                            offsets.add(pos + 1);
                            pos += 2;
                            continue;
                        }
                    }
                    if (d == '$' || d == '`') {
                        literal = false;
                    }
                    value.append(d);
                    offsets.add(pos);
                    pos++;
                }
                insertAt = pos;
                pos = Math.min(text.length(), pos + 1);
            } else if (c == '\\') {
                if (pos + 1 < text.length() && text.charAt(pos + 1) != '\n') {
                    value.append(text.charAt(pos + 1));
                    offsets.add(pos + 1);
                    unquotedChars++;
                }
                pos += 2;
                insertAt = pos;
            } else {
                if (c == '$' || c == '`' || c == '(' || c == '<' || c == '>' || c == '|' || c == '&') {
                    literal = false;
                }
                value.append(c);
                offsets.add(pos);
                unquotedChars++;
                pos++;
                insertAt = pos;
            }
        }
        int valueEnd = Math.min(pos, text.length());
        char style = quotedParts == 1 && unquotedChars == 0 ? quote : 0;
        found.add(new Assignment(name, exported, line, depth, valueStart, valueEnd,
                literal ? Optional.of(value.toString()) : Optional.empty(), List.copyOf(offsets),
                style == 0 ? valueEnd : insertAt, style));
    }

    private int lineOf(int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r';
    }

    private static boolean isNameChar(char c, boolean first) {
        return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (!first && c >= '0' && c <= '9');
    }
}
