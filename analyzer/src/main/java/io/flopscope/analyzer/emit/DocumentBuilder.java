package io.flopscope.analyzer.emit;

import io.flopscope.document.FlopClass;
import io.flopscope.document.Kernel;
import io.flopscope.document.KernelType;
import io.flopscope.document.LineRange;
import io.flopscope.document.ModuleAnalysis;
import io.flopscope.document.Parameter;
import io.flopscope.document.SkippedBranch;
import io.flopscope.document.SourceLocation;
import io.flopscope.formula.Poly;
import java.util.ArrayList;
import java.util.List;

/** Turns one traced forward() into an analysis document in the seed's structure. */
public final class DocumentBuilder {
    /** A cost event at a line, in document terms. */
    public record Entry(int startLine, int endLine, String title, String operation, String analysis, FlopClass flopClass,
                        Poly flops, Poly read, Poly write, String reference, Poly multiplier, String unanalysed) {}

    /** Coverage of one module: lines on the traced path and how many of them were analysed. */
    public record Coverage(String className, int tracedLines, int analysedLines, List<String> unanalysed) {
        public double fraction() { return tracedLines == 0 ? 1 : analysedLines / (double) tracedLines; }
    }

    private DocumentBuilder() {}

    /** How the tracer names a size of a forward input: NAME_dimI (TracedForward reads shapes back by it). */
    public static final java.util.regex.Pattern DIM = java.util.regex.Pattern.compile("^(\\w+)_dim(\\d+)$");

    /** What a parameter of a traced module is: the tracer names an input's sizes {@code NAME_dimI}, the rest are constructor arguments. */
    static String describe(String param) {
        java.util.regex.Matcher m = DIM.matcher(param);
        if (m.matches()) return "size of dimension " + m.group(2) + " of the forward input " + m.group(1) + ", bound by each call";
        return "constructor argument, bound by the caller with the value its __init__ gives";
    }

    public static ModuleAnalysis build(String className, SourceLocation location, List<String> conditions, List<SkippedBranch> skipped,
                                       List<String> params, List<Entry> entries, List<String> sourceLines, String summary) {
        List<Parameter> ps = new ArrayList<>();
        for (String p : params) ps.add(new Parameter(p, null, false, describe(p)));
        List<Kernel> kernels = new ArrayList<>();
        for (Entry e : entries) {
            LineRange lines = new LineRange(e.startLine(), Math.max(e.startLine(), e.endLine()));
            String code = io.flopscope.document.SourceCode.lines(sourceLines, lines);
            if (e.unanalysed() != null) {
                kernels.add(Kernel.unanalysed(lines, e.title(), "Forward", code, e.unanalysed()));
                continue;
            }
            String repeat = e.multiplier() == null || e.multiplier().equals(Poly.ONE) ? null : e.multiplier().toFormula();
            if (e.reference() != null) {
                kernels.add(new Kernel(lines, e.title(), "Forward", code, KernelType.COMPOSITE, e.operation(), e.analysis(), FlopClass.VECTOR,
                        e.reference(), e.reference(), e.reference(), repeat, false, ""));
            } else {
                kernels.add(new Kernel(lines, e.title(), "Forward", code, KernelType.BASIC, e.operation(), e.analysis(), e.flopClass(),
                        e.flops().toFormula(), e.read().toFormula(), e.write().toFormula(), repeat, false, ""));
            }
        }
        return new ModuleAnalysis(className, location, conditions, skipped, ps, List.of(), kernels, summary);
    }
}
