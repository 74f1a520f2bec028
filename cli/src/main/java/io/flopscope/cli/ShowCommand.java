package io.flopscope.cli;

import io.flopscope.diag.Diagnostic;
import io.flopscope.document.JsonCodec;
import io.flopscope.document.MarkdownWriter;
import io.flopscope.document.ModuleAnalysis;
import io.flopscope.document.SourceCode;
import io.flopscope.evaluate.ConfigConditions;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.library.Library;
import io.flopscope.resolve.Resolver;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "show", mixinStandardHelpOptions = true,
        description = {"Print the analysis documents of a model (its root module, or every module with --all) or of one class.",
                "Built-in analyses ship without code; --source fills the code lines in from your copy of the release they name."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:no such analysis, or the source is another release", "2:bad usage"})
final class ShowCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL|CLASS", description = "A built-in model, hub id or config.json (its root module), or an analysed class (torch.nn.Linear, LlamaMLP's fully qualified name).")
    String target;

    @Option(names = "--all", description = "Every module the model's analysis reaches, not only the root.")
    boolean all;

    @Option(names = "--source", paramLabel = "DIR", description = "The transformers src/ folder of the release the analyses name: fills in their code lines.")
    Path source;

    @Option(names = "--format", paramLabel = "FMT", description = "md (default) or json.")
    String format = "md";

    @Mixin LibraryOptions library = new LibraryOptions();

    @Override public Integer call() {
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.matches("md|json")) throw UserError.usage("--format " + format + ": expected md or json");
        if (source != null && !Files.isDirectory(source)) throw UserError.usage("--source " + source + ": not a folder");
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        Library lib = library.build();
        List<String> classes = new ArrayList<>();
        if (lib.find(target).isPresent()) {
            classes.add(lib.canonical(target));
        } else {
            ModelConfig cfg;
            try {
                cfg = ModelLoader.load(target);
            } catch (UserError e) {
                throw UserError.failed("no analysis of a class " + target + " and no model of that name"
                        + (lib.similar(target).isEmpty() ? "" : " (did you mean " + String.join(" or ", lib.similar(target)) + "?)"));
            }
            ConfigConditions.selectVariants(lib, cfg);
            String root = cfg.rootClass().orElseThrow(() -> UserError.failed(cfg.noRootReason()));
            if (lib.find(root).isEmpty()) throw UserError.failed(cfg.name() + ": no analysis for " + root + "; analyse your source with `flopscope analyze`");
            if (all) {
                classes.addAll(new Resolver(lib, false).resolve(root).root().classes());
            } else {
                classes.add(root);
            }
        }
        boolean ok = true;
        StringBuilder sb = new StringBuilder();
        for (String c : classes) {
            var entry = lib.find(c).orElseThrow();
            ModuleAnalysis a = entry.analysis();
            if (source != null && a.source().file() != null && !a.source().file().startsWith("torch")) {
                Path f = source.resolve(a.source().file());
                if (!Files.isRegularFile(f)) {
                    err.println(Diagnostic.warning(f.toString(), 0, "not found: " + a.simpleName() + " is shown without code"));
                } else {
                    SourceCode.Filled filled;
                    try {
                        filled = SourceCode.fill(a, Files.readAllLines(f, StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        throw UserError.failed("cannot read " + f + ": " + IoMessages.reason(e));
                    }
                    if (filled.mismatch().isPresent()) {
                        ok = false;
                        err.println(Diagnostic.error(f.toString(), a.source().classLine() == null ? 0 : a.source().classLine(), filled.mismatch().get()
                                + "; " + a.simpleName() + " is shown without code (compare releases with `flopscope diff`)"));
                    } else {
                        a = filled.analysis();
                    }
                }
            }
            if (sb.length() > 0) sb.append(fmt.equals("md") ? "\n" : ",\n");
            sb.append(fmt.equals("md") ? MarkdownWriter.write(a) : JsonCodec.write(a));
        }
        out.print(fmt.equals("json") && classes.size() > 1 ? "[\n" + sb + "\n]\n" : sb.toString());
        out.flush();
        return ok ? ExitCodes.OK : ExitCodes.ERRORS;
    }
}
