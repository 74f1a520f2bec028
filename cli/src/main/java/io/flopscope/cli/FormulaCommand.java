package io.flopscope.cli;

import io.flopscope.formula.Poly;
import io.flopscope.resolve.Cost;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "formula", mixinStandardHelpOptions = true,
        description = "Closed-form symbolic totals in batch_size, seq_len, cache_len, the dtype sizes and config fields.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:success", "1:errors in the analyses", "2:bad usage"})
final class FormulaCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Built-in name, a config.json, or a folder holding one.")
    String model;

    @Option(names = "--module", paramLabel = "CLASS", description = "A module of the model instead of its root (fully qualified or alias).")
    String module;

    @Option(names = "--causal", description = "Count only the unmasked query-key pairs of attention.")
    boolean causal;

    @Option(names = "--plain", description = "Print parseable formulas (a * b ** 2) instead of mathematical notation.")
    boolean plain;

    @Mixin LibraryOptions library = new LibraryOptions();

    @Override public Integer call() {
        var out = spec.commandLine().getOut();
        ResolvedModel rm = ResolvedModel.of(model, module, library.build(), causal, spec.commandLine().getErr());
        Cost c = rm.resolution().root().cumulative();
        Map<String, Poly> rows = new LinkedHashMap<>();
        rows.put("flops", c.flops());
        rows.put("matmul_flops", c.matmulFlops());
        rows.put("vector_flops", c.vectorFlops());
        rows.put("bytes_read", c.bytesRead());
        rows.put("bytes_written", c.bytesWritten());
        out.println(rm.rootClass() + (causal ? " (causal attention)" : ""));
        for (var e : rows.entrySet()) out.println(String.format("%-14s = %s", e.getKey(), plain ? e.getValue().toFormula() : e.getValue().toPretty()));
        var unknowns = rm.resolution().root().unknowns();
        if (!unknowns.isEmpty()) {
            out.println("INCOMPLETE: not analysed, not in the formulas:");
            unknowns.forEach(u -> out.println("  " + u));
        }
        out.flush();
        return unknowns.isEmpty() && !rm.resolution().hasErrors() ? ExitCodes.OK : ExitCodes.ERRORS;
    }
}
