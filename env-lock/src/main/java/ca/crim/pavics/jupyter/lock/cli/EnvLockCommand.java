package ca.crim.pavics.jupyter.lock.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code env-lock}: our conda solver on the command line. */
@Command(name = "env-lock", mixinStandardHelpOptions = true, versionProvider = EnvLockCommand.Version.class,
        subcommands = {SolveCommand.class, CommandLine.HelpCommand.class},
        description = "Solves conda requests the way the images are locked: strict channel priority, on top of an "
                + "installed state (a base image's snapshot), with explanations of unsatisfiable requests.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:solved", "1:unsatisfiable (the explanation is printed)",
            "2:bad input: an invalid spec, file or channel, a channel that cannot be read (one line on stderr)"})
public final class EnvLockCommand {
    /** Exit code of a solved request. */
    public static final int SOLVED = 0;
    /** Exit code of an unsatisfiable request. */
    public static final int UNSATISFIABLE = 1;
    /** Exit code of bad input. */
    public static final int BAD_INPUT = 2;

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = EnvLockCommand.class.getPackage().getImplementationVersion();
            return new String[] {"env-lock " + (v == null ? "(development build)" : v) + ", solver "
                    + ca.crim.pavics.jupyter.lock.solve.Solver.VERSION};
        }
    }

    /** Runs the command line; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, boolean terminal, String... args) {
        CommandLine cli = new CommandLine(new EnvLockCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.getSubcommands().get("solve").<SolveCommand>getCommand().terminal = terminal;
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            commandLine.getErr().println("env-lock: " + message.replace('\n', ' '));
            commandLine.getErr().flush();
            return BAD_INPUT;
        });
        return cli.execute(args);
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(out, err, System.console() != null, args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
