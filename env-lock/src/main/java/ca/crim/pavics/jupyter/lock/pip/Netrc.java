package ca.crim.pavics.jupyter.lock.pip;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials of a {@code ~/.netrc} file ({@code machine HOST login USER password PASS}, and {@code default}), as
 * pip and curl read them for index hosts.
 */
public final class Netrc {
    /** A login and password. */
    public record Login(String user, String password) {
        @Override
        public String toString() {
            return user + ":****";
        }
    }

    private final Map<String, Login> machines;

    private Netrc(Map<String, Login> machines) {
        this.machines = machines;
    }

    /** None. */
    public static Netrc none() {
        return new Netrc(Map.of());
    }

    /** Reads {@code file}; a missing file gives none. */
    public static Netrc read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return none();
        }
        String[] tokens = Files.readString(file).trim().split("\\s+");
        Map<String, Login> out = new HashMap<>();
        String machine = null;
        String user = "";
        String password = "";
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            if (t.equals("machine") || t.equals("default")) {
                if (machine != null) {
                    out.putIfAbsent(machine, new Login(user, password));
                }
                machine = t.equals("default") ? "" : i + 1 < tokens.length ? tokens[++i] : "";
                user = "";
                password = "";
            } else if (t.equals("login") && i + 1 < tokens.length) {
                user = tokens[++i];
            } else if (t.equals("password") && i + 1 < tokens.length) {
                password = tokens[++i];
            }
        }
        if (machine != null) {
            out.putIfAbsent(machine, new Login(user, password));
        }
        return new Netrc(out);
    }

    /** The login for {@code host}, else the {@code default} one. */
    public Optional<Login> forHost(String host) {
        Login l = machines.get(host);
        return Optional.ofNullable(l != null ? l : machines.get(""));
    }
}
