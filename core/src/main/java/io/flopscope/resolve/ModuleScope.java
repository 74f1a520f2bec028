package io.flopscope.resolve;

import io.flopscope.document.ModuleAnalysis;
import io.flopscope.document.Parameter;
import io.flopscope.document.Variable;
import io.flopscope.formula.FormulaParser;
import io.flopscope.formula.FormulaSyntaxError;
import io.flopscope.formula.Poly;
import io.flopscope.formula.SymbolicEvaluator;
import io.flopscope.formula.SymbolicEvaluator.SymbolicException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The names visible inside one module's analysis: bound parameters, then its variables in order,
 * then {@link Globals}. Names that the document declares only in prose are remembered so that
 * a use of one can say so.
 */
public final class ModuleScope {
    private final Map<String, Poly> locals = new LinkedHashMap<>();
    private final Set<String> proseOnly = new HashSet<>();
    private final SymbolicEvaluator evaluator;

    private ModuleScope(boolean causal) {
        this.evaluator = new SymbolicEvaluator(this::lookup, causal);
    }

    /**
     * @param args    bound arguments; a required parameter with no argument becomes a free symbol when {@code symbolicMissing}
     * @param problem receives (name of the parameter or variable, message)
     */
    public static ModuleScope of(ModuleAnalysis a, Map<String, Poly> args, boolean causal, boolean symbolicMissing,
                                 BiConsumer<String, String> problem) {
        ModuleScope s = new ModuleScope(causal);
        Map<String, Poly> remaining = new HashMap<>(args);
        if (a.parameters() != null) {
            for (Parameter p : a.parameters()) {
                Poly v = remaining.remove(p.name());
                if (v == null && p.defaultFormula() != null) {
                    try {
                        v = s.evaluator.eval(FormulaParser.parse(p.defaultFormula()));
                    } catch (FormulaSyntaxError | SymbolicException e) {
                        problem.accept(p.name(), "default of parameter '" + p.name() + "': " + e.getMessage());
                    }
                }
                if (v == null && p.defaultFormula() == null) {
                    if (symbolicMissing) v = Poly.symbol(p.name());
                    else problem.accept(p.name(), "missing argument for required parameter '" + p.name() + "'");
                }
                if (v != null) s.locals.put(p.name(), v);
            }
        }
        // a document without a parameter section takes named arguments as local values
        s.locals.putAll(remaining);
        for (Variable var : a.variables()) {
            if (s.locals.containsKey(var.name()) && a.parameters() == null) continue;
            if (var.formula() == null) {
                if (Globals.lookup(var.name()) == null && !s.locals.containsKey(var.name())) s.proseOnly.add(var.name());
                continue;
            }
            try {
                s.locals.put(var.name(), s.evaluator.eval(FormulaParser.parse(var.formula())));
            } catch (FormulaSyntaxError | SymbolicException e) {
                problem.accept(var.name(), "variable '" + var.name() + "': " + s.explain(e));
            }
        }
        return s;
    }

    public Poly lookup(String name) {
        Poly p = locals.get(name);
        return p != null ? p : Globals.lookup(name);
    }

    public SymbolicEvaluator evaluator() { return evaluator; }

    public Map<String, Poly> locals() { return locals; }

    /** An error message that says when an unbound name is one the document describes only in prose. */
    public String explain(Exception e) {
        String m = e.getMessage();
        for (String name : proseOnly) {
            if (m.equals("unbound variable '" + name + "'")) {
                return m + ": the document describes it only in prose; give it a formula (`" + name + "` = `...`)";
            }
        }
        return m;
    }
}
