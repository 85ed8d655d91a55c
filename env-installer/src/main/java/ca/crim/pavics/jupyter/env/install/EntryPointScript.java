package ca.crim.pavics.jupyter.env.install;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code bin/NAME} script conda writes for an entry point {@code NAME = module:function}. */
public record EntryPointScript(String command, String module, String function) {
    private static final Pattern SPEC = Pattern.compile("^\\s*([^=\\s]+)\\s*=\\s*([\\w.]+)\\s*:\\s*([\\w.]+)\\s*(\\[.*])?\\s*$");

    public static EntryPointScript parse(String spec) {
        Matcher m = SPEC.matcher(spec);
        if (!m.matches()) {
            throw new IllegalArgumentException("not an entry point (NAME = module:function): " + spec);
        }
        return new EntryPointScript(m.group(1), m.group(2), m.group(3));
    }

    public String render(String pythonPath) {
        String head = function.contains(".") ? function.substring(0, function.indexOf('.')) : function;
        return "#!" + pythonPath + "\n"
                + "# -*- coding: utf-8 -*-\n"
                + "import re\n"
                + "import sys\n\n"
                + "from " + module + " import " + head + "\n\n"
                + "if __name__ == '__main__':\n"
                + "    sys.argv[0] = re.sub(r'(-script\\.pyw?|\\.exe)?$', '', sys.argv[0])\n"
                + "    sys.exit(" + function + "())\n";
    }
}
