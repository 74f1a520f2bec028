package io.flopscope.cli;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The command line: a thin shell over the core. Streams are injected so tests run it in-process. */
@Command(name = "flopscope", mixinStandardHelpOptions = true, version = "flopscope 0.1.0",
        description = "Exact FLOPs, bytes and latency of PyTorch models, line by line, from their source.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:success", "1:errors found in the input", "2:bad usage"})
public final class Main implements Runnable {
    @Spec CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Subcommands by name, held apart so that a {@code cost} line that {@link FastCost} parses loads none of them.
     * Only the one asked for is built: picocli's reflection over all of them costs start-up time.
     */
    static final class Commands {
        static final Map<String, Supplier<Object>> ALL = new LinkedHashMap<>();
        static {
            ALL.put("cost", CostCommand::new);
            ALL.put("formula", FormulaCommand::new);
            ALL.put("validate", ValidateCommand::new);
            ALL.put("analyze", AnalyzeCommand::new);
            ALL.put("models", ModelsCommand::new);
            ALL.put("info", InfoCommand::new);
            ALL.put("hardware", HardwareCommand::new);
            ALL.put("predict", PredictCommand::new);
            ALL.put("generate", GenerateCommand::new);
            ALL.put("memory", MemoryCommand::new);
            ALL.put("calibrate", CalibrateCommand::new);
            ALL.put("evaluate", EvaluateCommand::new);
            ALL.put("diff", DiffCommand::new);
            ALL.put("show", ShowCommand::new);
        }
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        int code;
        try {
            CostCommand fast = args.length > 0 && args[0].equals("cost") ? FastCost.parse(args) : null;
            code = fast != null ? execute(fast, o, e) : Picocli.execute(args, o, e);
        } catch (StackOverflowError | OutOfMemoryError x) {
            // the last line of defence: parsers and the resolver limit depth themselves; this names what gave way
            e.println("flopscope: error: the input is too deeply nested or too large to process ("
                    + (x instanceof StackOverflowError ? "stack exhausted" : "out of memory") + "); args: " + String.join(" ", args));
            code = ExitCodes.ERRORS;
        }
        o.flush();
        e.flush();
        return code;
    }

    /** Runs a command that {@link FastCost} parsed, ending it as picocli's handler below does. */
    private static int execute(CostCommand c, PrintWriter out, PrintWriter err) {
        c.out = out;
        c.err = err;
        try {
            return c.call();
        } catch (Exception ex) {
            return failure(ex, err);
        }
    }

    static int failure(Exception ex, PrintWriter err) {
        if (ex instanceof UserError u) {
            err.println("flopscope: error: " + u.getMessage());
            return u.exitCode;
        }
        err.println("flopscope: internal error: " + ex + " (please report it)");
        return ExitCodes.ERRORS;
    }

    /** Everything that touches picocli's classes, which load only when a line needs them. */
    private static final class Picocli {
        static int execute(String[] args, PrintWriter out, PrintWriter err) {
            CommandLine cmd = new CommandLine(new Main());
            String first = args.length > 0 ? args[0] : "";
            if (Commands.ALL.containsKey(first)) cmd.addSubcommand(first, Commands.ALL.get(first).get());
            else {
                for (var e : Commands.ALL.entrySet()) cmd.addSubcommand(e.getKey(), e.getValue().get());
                cmd.addSubcommand("help", new CommandLine.HelpCommand());
            }
            cmd.setOut(out);
            cmd.setErr(err);
            cmd.setExecutionExceptionHandler((ex, c, parseResult) -> failure(ex, c.getErr()));
            return cmd.execute(args);
        }

        static RuntimeException missingCommand(CommandSpec spec) {
            return new CommandLine.ParameterException(spec.commandLine(), "missing command: one of " + String.join(", ", Commands.ALL.keySet()));
        }
    }

    @Override public void run() {
        throw Picocli.missingCommand(spec);
    }
}
