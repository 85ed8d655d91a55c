package ca.crim.pavics.jupyter.conda.spec;

/**
 * A build number constraint of a match spec ({@code build_number=">6"}; a bare number means {@code ==}).
 *
 * @param operator one of {@code ==}, {@code !=}, {@code <}, {@code <=}, {@code >}, {@code >=}
 */
public record BuildNumberSpec(String operator, long value) {
    public boolean matches(long buildNumber) {
        return switch (operator) {
            case "==" -> buildNumber == value;
            case "!=" -> buildNumber != value;
            case "<" -> buildNumber < value;
            case "<=" -> buildNumber <= value;
            case ">" -> buildNumber > value;
            default -> buildNumber >= value;
        };
    }

    /**
     * @throws IllegalArgumentException when it is not an optional operator followed by a whole number
     */
    public static BuildNumberSpec parse(String text) {
        String t = text.strip();
        String op = "==";
        for (String candidate : new String[] {"==", "!=", "<=", ">=", "<", ">", "="}) {
            if (t.startsWith(candidate)) {
                op = candidate.equals("=") ? "==" : candidate;
                t = t.substring(candidate.length()).strip();
                break;
            }
        }
        if (!t.matches("\\d{1,18}")) {
            throw new IllegalArgumentException("build_number must be a whole number with an optional operator, found '"
                    + text + "'");
        }
        return new BuildNumberSpec(op, Long.parseLong(t));
    }

    @Override
    public String toString() {
        return operator + value;
    }
}
