package io.flopscope.analyzer.trace;

import io.flopscope.analyzer.trace.Value.*;
import io.flopscope.formula.Poly;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Python built-ins the model code uses, and the PretrainedConfig defaults every config has. */
final class Builtins {
    /** The index of a loop over range(n) with a symbolic n: one symbolic index stands for every iteration. */
    static final Poly RANGE_INDEX = Poly.symbol("layer_idx");

    private static final Set<String> NAMES = Set.of("range", "len", "enumerate", "zip", "isinstance", "getattr", "hasattr", "setattr",
            "super", "tuple", "list", "dict", "int", "float", "bool", "str", "min", "max", "abs", "sum", "any", "all", "print",
            "reversed", "sorted", "type", "callable", "iter", "next", "round", "map", "filter", "set", "id", "hash", "repr", "issubclass", "vars",
            "slice", "frozenset");

    private Builtins() {}

    /** What every torch.nn.Module (and the weighted ones) answers hasattr for. */
    private static final Set<String> MODULE_ATTRIBUTES = Set.of("weight", "training", "forward", "parameters", "named_parameters", "buffers",
            "modules", "children", "state_dict", "to", "eval", "train", "register_buffer", "register_parameter", "apply", "requires_grad_", "__call__");

    static Value lookup(String id) {
        if (NAMES.contains(id)) return new ExternalV("builtins." + id);
        if (id.endsWith("Error") || id.endsWith("Warning") || id.equals("Exception") || id.equals("NotImplemented")) return new ExternalV("builtins." + id);
        return null;
    }

    /** Attributes every Hugging Face PretrainedConfig has, at their defaults. */
    static Optional<Value> configDefault(String attr) {
        return Optional.ofNullable(switch (attr) {
            case "use_cache", "use_return_dict", "return_dict", "tie_word_embeddings" -> new BoolV(true);
            case "output_attentions", "output_hidden_states", "is_encoder_decoder", "add_cross_attention", "torchscript",
                 "is_decoder", "gradient_checkpointing", "_attn_implementation_autoset" -> new BoolV(false);
            case "chunk_size_feed_forward" -> IntV.of(0);
            case "pruned_heads" -> new DictV();
            case "pad_token_id", "bos_token_id", "eos_token_id", "torch_dtype", "problem_type", "rope_scaling", "sliding_window",
                 "head_dim", "layer_types" -> NoneV.NONE;
            default -> null;
        });
    }

    static boolean isModelOutput(Interpreter in, String cls) {
        if (cls.contains(".modeling_outputs.")) return true;
        return cls.endsWith("Output") && !in.isModuleClass(cls) || Interpreter.isSubclass(in.src, cls, "transformers.utils.generic.ModelOutput");
    }

    static Value call(Interpreter in, String name, List<Value> args, Map<String, Value> kwargs, Frame f) {
        switch (name) {
            case "range": {
                Poly start = Poly.ZERO, stop;
                if (args.size() == 1) stop = intArg(args.get(0));
                else { start = intArg(args.get(0)); stop = intArg(args.get(1)); }
                if (args.size() > 2) throw new Unanalysable("range with a step");
                Poly n = stop.subtract(start);
                if (n.isConstant()) {
                    List<Value> out = new ArrayList<>();
                    long len = n.constantValue().num().longValue();
                    if (len > 4096) throw new Unanalysable("range of " + len);
                    for (long i = 0; i < len; i++) out.add(new IntV(start.add(Poly.constant(i))));
                    return new ListV(out);
                }
                // a symbolic number of iterations: one symbolic index stands for all of them
                return new RepeatedV(new IntV(RANGE_INDEX), n);
            }
            case "len": {
                Value v = args.get(0);
                if (v instanceof TupleV t) return IntV.of(t.items().size());
                if (v instanceof ListV l) return IntV.of(l.items().size());
                if (v instanceof DictV d) return IntV.of(d.items().size());
                if (v instanceof RepeatedV r) return new IntV(r.count());
                if (v instanceof TensorV t && t.rank() > 0) return new IntV(t.shape().get(0));
                if (v instanceof StrV s) return IntV.of(s.value().length());
                throw new Unanalysable("len() of " + Interpreter.describe(v));
            }
            case "enumerate": {
                Value v = args.get(0);
                if (v instanceof RepeatedV r) return new RepeatedV(new TupleV(List.of(new IntV(RANGE_INDEX), r.element())), r.count());
                List<Value> items = in.iterate(v);
                if (items == null) throw new Unanalysable("enumerate over " + Interpreter.describe(v));
                List<Value> out = new ArrayList<>();
                for (int i = 0; i < items.size(); i++) out.add(new TupleV(List.of(IntV.of(i), items.get(i))));
                return new ListV(out);
            }
            case "zip": {
                Poly count = null;
                boolean repeated = false;
                for (Value v : args) if (v instanceof RepeatedV r) { repeated = true; count = r.count(); }
                if (repeated) {
                    List<Value> parts = new ArrayList<>();
                    for (Value v : args) {
                        if (v instanceof RepeatedV r) {
                            if (!r.count().equals(count)) throw new Unanalysable("zip of sequences of different symbolic lengths");
                            parts.add(r.element());
                        } else {
                            List<Value> items = in.iterate(v);
                            if (items == null || items.isEmpty()) throw new Unanalysable("zip of a repeated sequence with " + Interpreter.describe(v));
                            parts.add(items.get(0)); // per-layer items alike: one stands for all
                        }
                    }
                    return new RepeatedV(new TupleV(parts), count);
                }
                List<List<Value>> lists = new ArrayList<>();
                int n = Integer.MAX_VALUE;
                for (Value v : args) {
                    List<Value> items = in.iterate(v);
                    if (items == null) throw new Unanalysable("zip over " + Interpreter.describe(v));
                    lists.add(items);
                    n = Math.min(n, items.size());
                }
                List<Value> out = new ArrayList<>();
                for (int i = 0; i < n; i++) { List<Value> t = new ArrayList<>(); for (List<Value> l : lists) t.add(l.get(i)); out.add(new TupleV(t)); }
                return new ListV(out);
            }
            case "isinstance": return new BoolV(isInstance(in, args.get(0), args.get(1)));
            case "issubclass": return new BoolV(false);
            case "getattr": {
                Value obj = args.get(0);
                String attr = args.get(1) instanceof StrV s ? s.value() : null;
                if (attr == null) throw new Unanalysable("getattr with a computed name");
                if (obj instanceof ObjectV o && !o.attrs.containsKey(attr) && in.method(o.className, attr, o).isEmpty() && args.size() > 2) return args.get(2);
                if (obj instanceof ConfigV c && !c.env.has(attr) && args.size() > 2 && (configDefaultMissing(attr) || NOT_ON_BASE_CONFIG.contains(attr))) return args.get(2);
                return in.attribute(obj, attr, f);
            }
            case "hasattr": {
                Value obj = args.get(0);
                String attr = ((StrV) args.get(1)).value();
                if (obj instanceof ObjectV o) return new BoolV(o.attrs.containsKey(attr) || in.method(o.className, attr, o).isPresent());
                if (obj instanceof ConfigV c) return new BoolV(c.env.has(attr) || !configDefaultMissing(attr) && !NOT_ON_BASE_CONFIG.contains(attr)
                        || c.env.configClass() != null && in.method(c.env.configClass(), attr, c).isPresent());
                // None, numbers and strings have no attributes but their dunder methods
                if (obj instanceof NoneV || obj instanceof IntV || obj instanceof FloatV || obj instanceof BoolV || obj instanceof StrV) {
                    if (!attr.startsWith("__")) return new BoolV(false);
                }
                if (obj instanceof ExternalV) return new BoolV(true); // library modules have the attributes the code probes for
                // a torch module (nn.Linear): its constructor's arguments, weight and bias, and nn.Module's API; nothing
                // a quantised replacement adds (gpt-fast's hasattr(self.output, "scales"))
                if (obj instanceof ExternalModuleV m) return new BoolV(m.ctorArgs().containsKey(attr) || MODULE_ATTRIBUTES.contains(attr)
                        || attr.equals("bias") && !Boolean.FALSE.equals(in.truth(m.ctorArgs().getOrDefault("bias", new BoolV(true)))));
                if (obj instanceof TensorV) return new BoolV(!attr.startsWith("_"));
                return new UnknownV("hasattr on " + Interpreter.describe(obj));
            }
            case "setattr": {
                if (args.get(0) instanceof ObjectV o && args.get(1) instanceof StrV s) o.attrs.put(s.value(), args.get(2));
                return NoneV.NONE;
            }
            case "super": return in.superOf(f);
            case "tuple": return args.isEmpty() ? new TupleV(List.of()) : toSeq(in, args.get(0), true);
            case "list": return args.isEmpty() ? new ListV() : toSeq(in, args.get(0), false);
            case "dict": { DictV d = new DictV(); kwargs.forEach(d.items()::put); return d; }
            case "int": {
                Value v = args.get(0);
                if (v instanceof FloatV x && !Double.isNaN(x.value())) return IntV.of((long) x.value());
                if (v instanceof IntV i) return i.value().terms().values().stream().allMatch(io.flopscope.formula.Rational::isInteger) ? i : new IntV(Poly.floor(i.value()));
                return new UnknownV("int() of " + Interpreter.describe(v));
            }
            case "float": return args.get(0) instanceof IntV i && i.isConstant() ? new FloatV(i.value().constantValue().doubleValue()) : args.get(0) instanceof FloatV ? args.get(0) : new FloatV(Double.NaN);
            case "bool": { Boolean t = in.truth(args.get(0)); return t == null ? new UnknownV("bool() of an undecidable value") : new BoolV(t); }
            case "str", "repr": return new StrV(args.isEmpty() ? "" : args.get(0) instanceof StrV s ? s.value() : "<str>");
            case "min", "max": {
                List<Value> items = args.size() == 1 ? in.iterate(args.get(0)) : args;
                if (items == null || items.isEmpty()) throw new Unanalysable(name + "() of a symbolic sequence");
                List<Poly> ps = new ArrayList<>();
                for (Value v : items) if (v instanceof IntV i) ps.add(i.value()); else return new FloatV(Double.NaN);
                return new IntV(Poly.minMax(name, ps));
            }
            case "abs": return args.get(0);
            case "sum": {
                List<Value> items = in.iterate(args.get(0));
                if (items == null) throw new Unanalysable("sum() of a symbolic sequence");
                Value acc = args.size() > 1 ? args.get(1) : IntV.of(0);
                for (Value v : items) acc = in.binary(acc, "+", v, f, false);
                return acc;
            }
            case "any", "all": {
                List<Value> items = in.iterate(args.get(0));
                if (items == null) return new UnknownV(name + "() over a symbolic sequence");
                boolean any = false, all = true;
                for (Value v : items) { Boolean t = in.truth(v); if (t == null) return new UnknownV(name + "() of undecidable values"); any |= t; all &= t; }
                return new BoolV(name.equals("any") ? any : all);
            }
            case "print", "id", "hash": return NoneV.NONE;
            case "iter": return args.isEmpty() ? new ListV() : toSeq(in, args.get(0), false);
            case "set", "frozenset": return args.isEmpty() ? new ListV() : distinct(in, args.get(0));
            case "reversed": {
                Value seq = toSeq(in, args.get(0), false);
                if (!(seq instanceof ListV l)) return seq;
                List<Value> out = new ArrayList<>(l.items());
                java.util.Collections.reverse(out);
                return new ListV(out);
            }
            case "sorted": {
                Value seq = toSeq(in, args.get(0), false);
                if (!(seq instanceof ListV l) || l.items().size() < 2) return seq;
                if (!kwargs.isEmpty()) return new UnknownV("sorted() with a key or reverse");
                List<Value> out = new ArrayList<>(l.items());
                if (out.stream().allMatch(x -> x instanceof StrV)) out.sort(java.util.Comparator.comparing(x -> ((StrV) x).value()));
                else if (out.stream().allMatch(x -> x instanceof IntV i && i.isConstant())) out.sort(java.util.Comparator.comparing(x -> ((IntV) x).value().constantValue()));
                else return new UnknownV("sorted() of values FlopScope cannot compare");
                return new ListV(out);
            }
            case "map", "filter": {
                if (args.size() != 2) throw new Unanalysable(name + "() with " + args.size() + " arguments");
                List<Value> items = in.iterate(args.get(1));
                if (items == null) throw new Unanalysable(name + "() over " + Interpreter.describe(args.get(1)));
                List<Value> out = new ArrayList<>();
                for (Value x : items) {
                    if (name.equals("map")) { out.add(in.invoke(args.get(0), List.of(x), Map.of(), f, null)); continue; }
                    Boolean keep = args.get(0) instanceof NoneV ? in.truth(x) : in.truth(in.invoke(args.get(0), List.of(x), Map.of(), f, null));
                    if (keep == null) throw new Unanalysable("filter() condition cannot be decided");
                    if (keep) out.add(x);
                }
                return new ListV(out);
            }
            case "next": { List<Value> items = in.iterate(args.get(0)); if (items == null || items.isEmpty()) throw new Unanalysable("next() of an empty or symbolic iterator"); return items.get(0); }
            case "type": return args.get(0) instanceof ObjectV o ? new ClassV(o.className) : args.get(0) instanceof NoneV ? new ExternalV("builtins.NoneType") : new ExternalV("builtins.type");
            case "slice": {
                if (args.size() == 1) return new SliceV(null, args.get(0), null);
                return new SliceV(args.get(0), args.get(1), args.size() > 2 ? args.get(2) : null);
            }
            case "callable": return new BoolV(true);
            case "round": return args.get(0);
            case "vars": return new DictV();
            default:
                if (name.endsWith("Error") || name.endsWith("Warning") || name.equals("Exception")) return new UnknownV("exception object " + name);
                throw new Unanalysable("built-in " + name + "() is not modelled");
        }
    }

    /** Fields a model's config may lack (PretrainedConfig does not define them): getattr with a default gives the default. */
    private static final Set<String> NOT_ON_BASE_CONFIG = Set.of("head_dim", "sliding_window", "layer_types", "rope_scaling");

    private static boolean configDefaultMissing(String attr) { return configDefault(attr).isEmpty(); }

    /** set(x): the distinct items, in first-seen order; unknown where equality cannot be decided (symbolic sizes). */
    private static Value distinct(Interpreter in, Value v) {
        if (v instanceof RepeatedV r) {
            return r.element() instanceof StrV || r.element() instanceof BoolV || r.element() instanceof IntV i && i.isConstant()
                    ? new ListV(new ArrayList<>(List.of(r.element()))) : new UnknownV("set() of " + r.count().toFormula() + " symbolic elements");
        }
        List<Value> items = in.iterate(v);
        if (items == null) throw new Unanalysable("set() of " + Interpreter.describe(v));
        List<Value> out = new ArrayList<>();
        for (Value x : items) {
            boolean comparable = x instanceof StrV || x instanceof BoolV || x instanceof NoneV || x instanceof IntV i && i.isConstant() || x instanceof FloatV;
            if (!comparable && items.size() > 1) return new UnknownV("set() of values FlopScope cannot compare");
            if (!out.contains(x)) out.add(x);
        }
        return new ListV(out);
    }

    private static Value toSeq(Interpreter in, Value v, boolean tuple) {
        if (v instanceof RepeatedV) return v;
        List<Value> items = in.iterate(v);
        if (items == null) throw new Unanalysable((tuple ? "tuple" : "list") + "() of " + Interpreter.describe(v));
        return tuple ? new TupleV(items) : new ListV(new ArrayList<>(items));
    }

    static Poly intArg(Value v) {
        if (v instanceof IntV i) return i.value();
        if (v instanceof BoolV b) return Poly.constant(b.value() ? 1 : 0);
        throw new Unanalysable("expected an int, got " + Interpreter.describe(v));
    }

    private static boolean isInstance(Interpreter in, Value obj, Value type) {
        if (type instanceof TupleV t) { for (Value x : t.items()) if (isInstance(in, obj, x)) return true; return false; }
        String tn = type instanceof ClassV c ? c.qualifiedName() : type instanceof ExternalV x ? x.qualifiedName() : "";
        String simple = tn.substring(tn.lastIndexOf('.') + 1);
        if (obj instanceof NoneV) return simple.equals("NoneType");
        if (obj instanceof ObjectV o) return o.className.equals(tn) || in.src.isSubclassOf(o.className, tn) || in.mro(o.className).stream().anyMatch(c -> c.endsWith("." + simple));
        if (obj instanceof TensorV) return simple.equals("Tensor");
        if (obj instanceof TupleV) return simple.equals("tuple");
        if (obj instanceof ListV) return simple.equals("list");
        if (obj instanceof DictV) return simple.equals("dict");
        if (obj instanceof IntV) return simple.equals("int");
        if (obj instanceof FloatV) return simple.equals("float");
        if (obj instanceof StrV) return simple.equals("str");
        if (obj instanceof BoolV) return simple.equals("bool");
        if (obj instanceof ExternalModuleV m) return m.className().endsWith("." + simple);
        return false;
    }
}
