package io.flopscope.cli;

import io.flopscope.analyzer.SourceAnalyzer;
import io.flopscope.analyzer.emit.DocumentBuilder;
import io.flopscope.diag.Diagnostic;
import io.flopscope.document.JsonCodec;
import io.flopscope.document.MarkdownWriter;
import io.flopscope.document.ModuleAnalysis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Write the cost analysis of a module (and every module its inference path reaches) from its Python source.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:every traced line analysed", "1:lines left unanalysed (listed), or errors", "2:bad usage"})
final class AnalyzeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "A folder (a transformers src/, site-packages, plain PyTorch files) or one .py file.")
    Path source;

    @Mixin SourceOptions src = new SourceOptions();

    @Option(names = "--attn", paramLabel = "IMPL", description = "Attention implementation: eager or sdpa (default sdpa).")
    String attn;

    @Option(names = "--phase", paramLabel = "PHASE", description = "prefill (no KV cache), decode (one new token on a cache of cache_len tokens) or both (default: one document covering both; an entry says which phase runs it and gives each phase's formulas where they differ).")
    String phase = "both";

    @Option(names = "--out", paramLabel = "DIR", description = "Write one document per module class here (default: print the root's Markdown).")
    Path out;

    @Option(names = "--format", paramLabel = "FMT", description = "md (default), json or both.")
    String format = "md";

    @Option(names = "--allow-unanalysed", description = "Exit 0 even when some lines are unanalysed.")
    boolean allowUnanalysed;

    @Override public Integer call() {
        String ph = phase.toLowerCase(Locale.ROOT);
        if (!ph.matches("prefill|decode|both")) throw UserError.usage("--phase " + phase + ": expected prefill, decode or both");
        boolean decode = ph.equals("decode");
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.matches("md|json|both")) throw UserError.usage("--format " + format + ": expected md, json or both");
        var opened = SourceOptions.open(source, src.className);
        var err = spec.commandLine().getErr();
        var stdout = spec.commandLine().getOut();
        var request = src.request(opened.root(), Map.of(), attn, decode);
        SourceAnalyzer.Result r = ph.equals("both") ? SourceAnalyzer.analyzeBoth(opened.lookup(), request) : SourceAnalyzer.analyze(opened.lookup(), request);
        for (Diagnostic d : opened.index().problems()) err.println(d);
        for (Diagnostic d : r.diagnostics()) err.println(d);
        if (r.documents().isEmpty()) throw UserError.failed("nothing was analysed for " + opened.root());
        if (out == null) {
            ModuleAnalysis root = r.documents().get(0);
            stdout.print(fmt.equals("json") ? JsonCodec.write(root) : MarkdownWriter.write(root));
        } else {
            try {
                Files.createDirectories(out);
                for (ModuleAnalysis a : r.documents()) {
                    if (!fmt.equals("json")) Files.writeString(out.resolve(a.className() + ".md"), MarkdownWriter.write(a));
                    if (!fmt.equals("md")) Files.writeString(out.resolve(a.className() + ".json"), JsonCodec.write(a));
                }
            } catch (IOException e) {
                throw UserError.failed("cannot write to " + out + ": " + IoMessages.reason(e));
            }
        }
        err.println("coverage (analysed / traced lines of forward):");
        for (DocumentBuilder.Coverage c : r.coverage()) {
            err.printf("  %-70s %4d / %-4d %5.1f%%%n", c.className(), c.analysedLines(), c.tracedLines(), 100 * c.fraction());
        }
        err.printf("  %-70s %4d / %-4d %5.1f%%%n", "total", r.analysedLines(), r.tracedLines(),
                r.tracedLines() == 0 ? 100.0 : 100.0 * r.analysedLines() / r.tracedLines());
        if (out != null) err.println("wrote " + r.documents().size() + " document" + (r.documents().size() == 1 ? "" : "s") + " to " + out);
        err.flush();
        stdout.flush();
        boolean errors = r.diagnostics().stream().anyMatch(Diagnostic::isError);
        return errors || (!r.complete() && !allowUnanalysed) ? ExitCodes.ERRORS : ExitCodes.OK;
    }
}
