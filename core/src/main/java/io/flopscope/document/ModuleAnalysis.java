package io.flopscope.document;

import java.util.List;

/** The cost analysis of one module class's inference forward(), as in the seed document. */
public record ModuleAnalysis(
        String className,
        SourceLocation source,
        List<String> conditions,
        List<SkippedBranch> skipped,
        List<Parameter> parameters,
        List<Variable> variables,
        List<Kernel> kernels,
        String summary) {

    public ModuleAnalysis {
        conditions = List.copyOf(conditions);
        skipped = List.copyOf(skipped);
        parameters = parameters == null ? null : List.copyOf(parameters);
        variables = List.copyOf(variables);
        kernels = List.copyOf(kernels);
    }

    /** Short class name: the part after the last dot. */
    public String simpleName() {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? className : className.substring(dot + 1);
    }

    /** True when the document declares its parameters (a missing section means "unknown", not "none"). */
    public boolean declaresParameters() { return parameters != null; }
}
