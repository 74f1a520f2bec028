package io.flopscope.resolve;

import io.flopscope.document.ModuleAnalysis;
import io.flopscope.document.Parameter;
import io.flopscope.formula.Expr;
import io.flopscope.formula.FormulaPrinter;
import io.flopscope.formula.Poly;
import io.flopscope.formula.SymbolicEvaluator;
import io.flopscope.formula.SymbolicEvaluator.SymbolicException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Binds the arguments of {@code ${Class}(args)} to the callee's declared parameters, as Python would. */
final class ArgumentBinder {
    record Bound(Map<String, Poly> values, List<String> errors, List<String> warnings) {}

    private ArgumentBinder() {}

    static Bound bind(ModuleAnalysis callee, Expr.Ref ref, SymbolicEvaluator caller) {
        Map<String, Poly> values = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<Parameter> params = callee.parameters();
        String who = callee.simpleName();
        int positional = 0;
        List<Parameter> positionalParams = params == null ? List.of() : params.stream().filter(p -> !p.keywordOnly()).toList();
        for (Expr.Arg arg : ref.args()) {
            String name;
            if (arg.name() == null) {
                if (params == null) {
                    errors.add(who + " does not declare its parameters, so the positional argument '" + FormulaPrinter.print(arg.value()) + "' cannot bind");
                    continue;
                }
                if (positional >= positionalParams.size()) {
                    errors.add(who + " takes " + positionalParams.size() + " positional argument" + (positionalParams.size() == 1 ? "" : "s")
                            + " " + signature(params) + " but " + countPositional(ref) + " were given");
                    positional++;
                    continue;
                }
                Parameter p = positionalParams.get(positional++);
                name = p.name();
                if (arg.value() instanceof Expr.Var v && !v.name().equals(name)) {
                    if (Globals.isScenario(v.name())) {
                        errors.add("argument '" + v.name() + "' binds parameter '" + name + "' of " + who + " by position " + signature(params)
                                + ": a scenario dimension passed where the module expects '" + name + "'");
                    } else if (params.stream().anyMatch(q -> q.name().equals(v.name()))) {
                        errors.add("argument '" + v.name() + "' binds parameter '" + name + "' of " + who + " by position, but " + who
                                + " has a parameter named '" + v.name() + "' " + signature(params));
                    }
                }
            } else {
                name = arg.name();
                if (params != null && params.stream().noneMatch(p -> p.name().equals(arg.name()))) {
                    errors.add(who + " has no parameter '" + arg.name() + "' " + signature(params));
                    continue;
                }
            }
            if (values.containsKey(name)) {
                errors.add("parameter '" + name + "' of " + who + " is bound twice");
                continue;
            }
            try {
                values.put(name, caller.eval(arg.value()));
            } catch (SymbolicException e) {
                errors.add("argument '" + name + "' of " + who + ": " + e.getMessage());
            }
        }
        if (params != null) {
            for (Parameter p : params) {
                if (p.required() && !values.containsKey(p.name()) && errors.isEmpty()) {
                    errors.add("missing argument for required parameter '" + p.name() + "' of " + who + " " + signature(params));
                }
            }
        }
        return new Bound(values, errors, warnings);
    }

    private static long countPositional(Expr.Ref ref) { return ref.args().stream().filter(a -> a.name() == null).count(); }

    static String signature(List<Parameter> params) {
        StringBuilder sb = new StringBuilder("(");
        boolean kw = false;
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            if (i > 0) sb.append(", ");
            if (p.keywordOnly() && !kw) { sb.append("*, "); kw = true; }
            sb.append(p.name());
            if (p.defaultFormula() != null) sb.append('=').append(p.defaultFormula());
        }
        return sb.append(')').toString();
    }
}
