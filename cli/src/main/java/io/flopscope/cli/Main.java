package io.flopscope.cli;

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

    /** Subcommands by name. Only the one asked for is built: picocli's reflection over all of them costs start-up time. */
    static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();
    static {
        COMMANDS.put("cost", CostCommand::new);
        COMMANDS.put("formula", FormulaCommand::new);
        COMMANDS.put("validate", ValidateCommand::new);
        COMMANDS.put("analyze", AnalyzeCommand::new);
        COMMANDS.put("models", ModelsCommand::new);
        COMMANDS.put("info", InfoCommand::new);
        COMMANDS.put("hardware", HardwareCommand::new);
        COMMANDS.put("predict", PredictCommand::new);
        COMMANDS.put("generate", GenerateCommand::new);
        COMMANDS.put("memory", MemoryCommand::new);
        COMMANDS.put("calibrate", CalibrateCommand::new);
        COMMANDS.put("evaluate", EvaluateCommand::new);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cmd = new CommandLine(new Main());
        String first = args.length > 0 ? args[0] : "";
        if (COMMANDS.containsKey(first)) cmd.addSubcommand(first, COMMANDS.get(first).get());
        else {
            for (var e : COMMANDS.entrySet()) cmd.addSubcommand(e.getKey(), e.getValue().get());
            cmd.addSubcommand("help", new CommandLine.HelpCommand());
        }
        cmd.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cmd.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        cmd.setExecutionExceptionHandler((ex, c, parseResult) -> {
            if (ex instanceof UserError u) {
                c.getErr().println("flopscope: error: " + u.getMessage());
                return u.exitCode;
            }
            c.getErr().println("flopscope: internal error: " + ex + " (please report it)");
            return ExitCodes.ERRORS;
        });
        int code = cmd.execute(args);
        cmd.getOut().flush();
        cmd.getErr().flush();
        return code;
    }

    @Override public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: cost, formula, validate or models");
    }
}
