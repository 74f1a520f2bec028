package io.flopscope.analyzer.trace;

import io.flopscope.analyzer.ast.Params;
import io.flopscope.analyzer.ast.PyExpr;
import io.flopscope.analyzer.ast.PyStmt;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Config values for a traced model: the config class's defaults found in the source (a Hugging Face
 * PretrainedConfig subclass's __init__ signature and attribute_map, or a @dataclass's fields), then
 * config.json, then --set.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    /** The config class the model names (config_class = ... on it or a base), if any. */
    public static Optional<String> configClassOf(SourceLookup src, String modelClass) {
        for (String c : mroOf(src, modelClass)) {
            if (Interpreter.isFramework(c)) continue;
            var decl = src.classDecl(c);
            if (decl.isEmpty()) continue;
            for (PyStmt s : decl.get().def().body()) {
                if (s instanceof PyStmt.Assign a && a.targets().size() == 1 && a.targets().get(0) instanceof PyExpr.Name n && n.id().equals("config_class")
                        && a.value() instanceof PyExpr.Name v) {
                    return Optional.of(src.resolve(decl.get().module(), v.id()));
                }
                // transformers 5.x: a class-level annotation `config: LlamaConfig`
                if (s instanceof PyStmt.AnnAssign a && a.target() instanceof PyExpr.Name n && n.id().equals("config") && a.value() == null
                        && a.annotation() instanceof PyExpr.Name v) {
                    String q = src.resolve(decl.get().module(), v.id());
                    if (q != null && src.classDecl(q).isPresent()) return Optional.of(q);
                }
            }
        }
        return Optional.empty();
    }

    private static List<String> mroOf(SourceLookup src, String cls) {
        List<String> out = new java.util.ArrayList<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(cls));
        while (!todo.isEmpty() && out.size() < 40) {
            String c = todo.poll();
            if (out.contains(c)) continue;
            out.add(c);
            // the framework's base classes hold no defaults the forward path reads (those are Builtins.configDefault)
            if (c.startsWith("transformers.configuration_utils.") || Interpreter.isFramework(c)) continue;
            src.classDecl(c).ifPresent(d -> todo.addAll(d.bases()));
        }
        return out;
    }

    /** Defaults and attribute_map of a config class (HF style) or dataclass fields. */
    public static void loadDefaults(SourceLookup src, String configClass, ConfigEnv env) {
        for (String c : mroOf(src, configClass)) {
            var decl = src.classDecl(c);
            if (decl.isEmpty()) continue;
            for (PyStmt s : decl.get().def().body()) {
                if (s instanceof PyStmt.Assign a && a.targets().size() == 1 && a.targets().get(0) instanceof PyExpr.Name n
                        && n.id().equals("attribute_map") && a.value() instanceof PyExpr.DictExpr d) {
                    for (int i = 0; i < d.keys().size(); i++) {
                        Object k = constant(d.keys().get(i)), v = constant(d.values().get(i));
                        if (k instanceof String ks && v instanceof String vs) env.alias(ks, vs);
                    }
                }
                if (s instanceof PyStmt.AnnAssign a && a.target() instanceof PyExpr.Name n) {
                    // dataclass field: name: type = default
                    Object v = a.value() == null ? Missing.MISSING : constant(a.value());
                    if (v != Missing.MISSING && !env.has(n.id())) env.put(n.id(), v);
                }
                if (s instanceof PyStmt.FunctionDef fd && fd.name().equals("__init__")) {
                    for (Params.Param p : fd.params().params()) {
                        if (p.defaultValue() == null || p.name().equals("self")) continue;
                        Object v = constant(p.defaultValue());
                        if (v != Missing.MISSING && !env.has(p.name())) env.put(p.name(), v);
                    }
                }
            }
        }
    }

    /** Values from config.json or --set (later calls override). */
    public static void apply(Map<String, Object> values, ConfigEnv env) {
        for (var e : values.entrySet()) {
            Object v = e.getValue();
            if (v == null || v instanceof Long || v instanceof Double || v instanceof Boolean || v instanceof String
                    || v instanceof List<?> || v instanceof Map<?, ?>) env.put(env.canonical(e.getKey()), v);
            else if (v instanceof Integer i) env.put(env.canonical(e.getKey()), (long) i);
            else if (v instanceof Number n) env.put(env.canonical(e.getKey()), n.doubleValue());
        }
    }

    private enum Missing { MISSING }

    private static Object constant(PyExpr e) {
        if (e instanceof PyExpr.Constant c) {
            Object v = c.value();
            if (v == PyExpr.Constant.NONE) return null;
            if (v instanceof Integer i) return (long) i;
            if (v instanceof java.math.BigInteger b) return b.longValue();
            return v;
        }
        if (e instanceof PyExpr.UnaryOp u && u.op().equals("-") && u.operand() instanceof PyExpr.Constant c) {
            if (c.value() instanceof Long l) return -l;
            if (c.value() instanceof Double d) return -d;
        }
        return Missing.MISSING;
    }
}
