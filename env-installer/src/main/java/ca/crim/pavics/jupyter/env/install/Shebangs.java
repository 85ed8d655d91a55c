package ca.crim.pavics.jupyter.env.install;

import java.nio.charset.StandardCharsets;

/**
 * Shebang lines the kernel cannot run (longer than 127 bytes, or an interpreter path with spaces) rewritten to
 * {@code #!/usr/bin/env NAME ARGS}, as conda does.
 */
public final class Shebangs {
    static final int MAX = 127;

    private Shebangs() {
    }

    public static byte[] fix(byte[] data) {
        if (data.length < 2 || data[0] != '#' || data[1] != '!') {
            return data;
        }
        int eol = 0;
        while (eol < data.length && data[eol] != '\n') {
            eol++;
        }
        if (eol <= MAX) {
            return data;
        }
        String line = new String(data, 2, eol - 2, StandardCharsets.UTF_8).strip();
        int space = line.indexOf(' ');
        String interpreter = space < 0 ? line : line.substring(0, space);
        String args = space < 0 ? "" : line.substring(space);
        String name = interpreter.substring(interpreter.lastIndexOf('/') + 1);
        byte[] head = ("#!/usr/bin/env " + name + args).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + data.length - eol];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(data, eol, out, head.length, data.length - eol);
        return out;
    }
}
