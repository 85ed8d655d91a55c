package ca.crim.pavics.jupyter.conda.spec;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How a match spec matches a string field (name, build string): exactly, as a glob with {@code *}, or as a regex
 * written {@code ^...$} (conda's {@code ExactStrMatch}/{@code GlobStrMatch}).
 */
public sealed interface StringMatcher {
    boolean matches(String value);

    /** The exact value, for an exact matcher. */
    default java.util.Optional<String> exact() {
        return this instanceof Exact e ? java.util.Optional.of(e.value()) : java.util.Optional.empty();
    }

    /** An exact string. */
    record Exact(String value) implements StringMatcher {
        @Override
        public boolean matches(String v) {
            return value.equals(v);
        }

        @Override
        public String toString() {
            return value;
        }
    }

    /** A glob ({@code *} stands for any run of characters) or a regex written {@code ^...$}, as written. */
    record Glob(String text, Pattern pattern) implements StringMatcher {
        @Override
        public boolean matches(String v) {
            return pattern.matcher(v).matches();
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * @throws IllegalArgumentException for an invalid regex
     */
    static StringMatcher of(String text) {
        if (text.startsWith("^") && text.endsWith("$")) {
            try {
                return new Glob(text, Pattern.compile(text));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("invalid regex '" + text + "'");
            }
        }
        if (text.contains("*")) {
            StringBuilder rx = new StringBuilder();
            int from = 0;
            for (int star = text.indexOf('*'); star >= 0; star = text.indexOf('*', from)) {
                if (star > from) {
                    rx.append(Pattern.quote(text.substring(from, star)));
                }
                rx.append(".*");
                from = star + 1;
            }
            if (from < text.length()) {
                rx.append(Pattern.quote(text.substring(from)));
            }
            return new Glob(text, Pattern.compile(rx.toString(), Pattern.DOTALL));
        }
        return new Exact(text);
    }
}
