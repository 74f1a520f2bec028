package io.flopscope.analyzer.trace;

import io.flopscope.analyzer.ast.Params;
import io.flopscope.analyzer.ast.PyExpr;
import io.flopscope.analyzer.ast.PyStmt;
import io.flopscope.analyzer.ast.Span;
import io.flopscope.analyzer.trace.Value.*;
import io.flopscope.diag.Diagnostic;
import io.flopscope.formula.Poly;
import io.flopscope.formula.Rational;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A symbolic Python interpreter for the inference path of PyTorch modules. It runs __init__ to learn
 * submodules and attributes, then forward() with symbolic shapes, recording each line's costs.
 * Module calls of classes in the source are traced into their own recorders (one analysis per class);
 * functions and methods of the same class are inlined into the calling line.
 */
public final class Interpreter {
    public static final String NN_MODULE = "torch.nn.modules.module.Module";
    /** The torch release version checks see (torch.__version__, get_torch_version()): a recent one. */
    static final String TORCH_VERSION = "2.6.0";
    private static final int MAX_DEPTH = 80;
    private static final long MAX_STEPS = 2_000_000;

    final SourceLookup src;
    final ConfigEnv config;
    final Options options;
    final List<Diagnostic> diagnostics = new ArrayList<>();
    /** class name -> the recorder of its traced forward (the analysis document). */
    final Map<String, Recorder> traced = new LinkedHashMap<>();
    final Map<String, List<String>> docParams = new LinkedHashMap<>();
    final Map<String, ObjectV> twinsInProgress = new HashMap<>();
    private final Map<String, Value> globalsCache = new HashMap<>();
    private final TorchOps ops = new TorchOps(this);
    private int depth;
    private long steps;

    /** Path choices of the default inference path. */
    /** expertsImplementation: what {@code @use_experts_implementation} dispatches to (5.x MoE): eager, grouped_mm, batched_mm. */
    public record Options(boolean decode, String attnImplementation, String expertsImplementation) {
        /** What transformers 5.x picks for an experts class that supports choosing (get_correct_experts_implementation). */
        public static final String DEFAULT_EXPERTS = "grouped_mm";

        public Options(boolean decode, String attnImplementation) { this(decode, attnImplementation, DEFAULT_EXPERTS); }
    }

    public Interpreter(SourceLookup src, ConfigEnv config, Options options) {
        this.src = src;
        this.config = config;
        this.options = options;
    }

    public List<Diagnostic> diagnostics() { return diagnostics; }

    /**
     * Every module class traced, callers first. A parameter whose value is the same global expression at
     * every call site is substituted into the callee's formulas (hidden_states_dim0 → batch_size); the rest
     * stay parameters, bound by each caller.
     */
    public List<TracedForward> traces() {
        List<String> order = new ArrayList<>();
        Map<String, java.util.Set<String>> callees = new LinkedHashMap<>();
        for (var e : traced.entrySet()) {
            java.util.Set<String> cs = new java.util.LinkedHashSet<>();
            for (Recorder.StmtRecord st : e.getValue().stmts.values()) for (Recorder.Event ev : st.events) if (ev.moduleCall()) cs.add(ev.callee());
            callees.put(e.getKey(), cs);
        }
        java.util.Set<String> done = new java.util.HashSet<>();
        for (String c : traced.keySet()) topo(c, callees, done, order);
        java.util.Collections.reverse(order); // callers before callees
        Map<String, List<String>> finalParams = new LinkedHashMap<>();
        Map<String, java.util.Set<String>> substituted = new LinkedHashMap<>();
        for (String c : order) {
            Recorder rec = traced.get(c);
            Map<String, Poly> subst = new LinkedHashMap<>();
            for (String p : sharedClass(sourceClass(c)) ? List.<String>of() : docParams.getOrDefault(c, List.<String>of())) {
                Poly common = null;
                boolean same = true, any = false;
                for (Recorder r : traced.values()) {
                    for (Recorder.StmtRecord st : r.stmts.values()) {
                        for (Recorder.Event ev : st.events) {
                            if (!ev.moduleCall() || !ev.callee().equals(c) || ev.args().get(p) == null) continue;
                            any = true;
                            if (common == null) common = ev.args().get(p);
                            else if (!common.equals(ev.args().get(p))) same = false;
                        }
                    }
                }
                if (any && same && common.symbols().stream().allMatch(Interpreter::isGlobalSymbol)) subst.put(p, common);
            }
            for (Recorder.StmtRecord st : rec.stmts.values()) st.events.replaceAll(ev -> ev.substitute(subst::get));
            rec.inputs.replaceAll((n, t) -> new TensorV(t.shape().stream().map(d -> d.substitute(subst::get)).toList(), t.dtype(), t.contiguous()));
            substituted.put(c, subst.keySet());
        }
        // callees first: a call passes only the parameters its callee keeps
        for (int i = order.size() - 1; i >= 0; i--) {
            String c = order.get(i);
            Recorder rec = traced.get(c);
            java.util.Set<String> used = new java.util.HashSet<>();
            for (Recorder.StmtRecord st : rec.stmts.values()) {
                for (Recorder.Event ev : st.events) {
                    for (Poly x : List.of(ev.flops(), ev.read(), ev.write(), ev.multiplier())) used.addAll(x.symbols());
                    if (ev.args() == null) continue;
                    List<String> keep = ev.moduleCall() ? finalParams.getOrDefault(ev.callee(), List.of()) : null;
                    for (var a : ev.args().entrySet()) if (keep == null || keep.contains(a.getKey())) used.addAll(a.getValue().symbols());
                }
            }
            List<String> ps = new ArrayList<>();
            for (String p : docParams.getOrDefault(c, List.of())) {
                if (!substituted.get(c).contains(p) && used.contains(p) && !ps.contains(p) && !isGlobalSymbol(p)) ps.add(p);
            }
            finalParams.put(c, ps);
        }
        List<TracedForward> out = new ArrayList<>();
        for (var e : traced.entrySet()) {
            // the module whose lines ran: the class's, a base's in another file, or an experts implementation's
            String module = e.getValue().file != null ? e.getValue().file : src.classDecl(sourceClass(e.getKey())).map(SourceLookup.ClassDecl::module).orElse(null);
            out.add(TracedForward.of(e.getValue(), sourceClass(e.getKey()), module, finalParams.getOrDefault(e.getKey(), List.of()), finalParams));
        }
        return mergeIdentical(out);
    }

    /** A module class defined outside the transformers model package the root comes from (activations, shared layers). */
    private boolean sharedClass(String cls) {
        if (root == null || !cls.startsWith("transformers.")) return false;
        String rootModule = src.classDecl(root.className).map(SourceLookup.ClassDecl::module).orElse(null);
        String module = src.classDecl(cls).map(SourceLookup.ClassDecl::module).orElse(null);
        return rootModule != null && module != null && !module.startsWith("transformers.models.") && !module.equals(rootModule);
    }

    /**
     * Variants of a class whose analyses came out the same (48 decoder layers that differ only in a layer index no
     * kernel uses) become one document: callers refer to the first. Repeated until nothing merges, since merging
     * callees can make their callers equal.
     */
    private static List<TracedForward> mergeIdentical(List<TracedForward> docs) {
        while (true) {
            Map<String, String> rename = new LinkedHashMap<>();
            Map<String, String> firstByContent = new LinkedHashMap<>();
            for (TracedForward t : docs) {
                // conditions aside: layers built from different indices (`4 >= config.first_k_dense_replace`) state
                // different but compatible ones; the merged document states them all
                String key = t.sourceClass() + "\n" + t.module() + "\n" + t.params() + "\n" + t.entries() + "\n" + t.skippedReasons()
                        + "\n" + t.skippedLines().stream().map(java.util.Arrays::toString).toList();
                String first = firstByContent.putIfAbsent(key, t.className());
                if (first != null) rename.put(t.className(), first);
            }
            if (rename.isEmpty()) return docs;
            Map<String, java.util.Set<String>> conditions = new LinkedHashMap<>();
            for (TracedForward t : docs) conditions.computeIfAbsent(rename.getOrDefault(t.className(), t.className()), k -> new java.util.LinkedHashSet<>()).addAll(t.conditions());
            List<TracedForward> kept = new ArrayList<>();
            for (TracedForward t : docs) {
                if (rename.containsKey(t.className())) continue;
                List<io.flopscope.analyzer.emit.DocumentBuilder.Entry> es = new ArrayList<>();
                for (io.flopscope.analyzer.emit.DocumentBuilder.Entry e : t.entries()) {
                    String ref = e.reference(), analysis = e.analysis(), title = e.title();
                    for (var r : rename.entrySet()) {
                        if (ref != null) ref = ref.replace("${" + r.getKey() + "}", "${" + r.getValue() + "}");
                        String from = shortName(r.getKey()), to = shortName(r.getValue());
                        analysis = analysis.replaceAll("\\b" + java.util.regex.Pattern.quote(from) + "\\b", java.util.regex.Matcher.quoteReplacement(to));
                        title = title.replaceAll("\\b" + java.util.regex.Pattern.quote(from) + "\\b", java.util.regex.Matcher.quoteReplacement(to));
                    }
                    es.add(new io.flopscope.analyzer.emit.DocumentBuilder.Entry(e.startLine(), e.endLine(), title, e.operation(), analysis, e.flopClass(), e.flops(), e.read(), e.write(),
                            ref, e.multiplier(), e.unanalysed()));
                }
                kept.add(new TracedForward(t.className(), t.sourceClass(), t.module(), t.params(), es, t.skippedLines(), t.skippedReasons(), List.copyOf(conditions.get(t.className())), t.inputs(), t.sizes()));
            }
            docs = kept;
        }
    }

    private static void topo(String c, Map<String, java.util.Set<String>> callees, java.util.Set<String> done, List<String> order) {
        // a call whose callee was never traced (its trace failed first) has no document: the resolver reports it
        if (!callees.containsKey(c) || !done.add(c)) return;
        for (String d : callees.getOrDefault(c, java.util.Set.of())) topo(d, callees, done, order);
        order.add(c);
    }

    /** Names every analysis may use: scenario sizes, dtype sizes, config fields. */
    static boolean isGlobalSymbol(String s) {
        return s.startsWith("config.") || Set.of("batch_size", "seq_len", "cache_len", "kv_len", "a_bytes", "w_bytes", "wcopy_bytes", "kv_bytes").contains(s);
    }

    /**
     * Runs a set-up call on the root before forward ({@code setup_caches(max_batch_size=1, max_seq_length=64)}):
     * its arguments may use the scenario's names (batch_size, seq_len, cache_len).
     */
    public void setup(ObjectV root, String call, java.util.function.Function<String, Poly> scenario) {
        var parsed = new io.flopscope.analyzer.parse.PythonParser().parse("<setup>", "<--setup>", "__setup__ = " + call + "\n", false);
        if (!parsed.problems().isEmpty() || parsed.body().size() != 1 || !(parsed.body().get(0) instanceof PyStmt.Assign a)
                || !(a.value() instanceof PyExpr.Call c) || !(c.func() instanceof PyExpr.Name fn)) {
            throw new Unanalysable("--setup must be one method call such as setup_caches(max_batch_size=1, max_seq_length=64)");
        }
        Optional<FuncV> m = method(root.className, fn.id(), root);
        if (m.isEmpty()) throw new Unanalysable("--setup: " + shortName(root.className) + " has no method " + fn.id());
        Frame f = new Frame(m.get().module(), root, m.get().owner(), Recorder.discarding(), false, Poly.ONE, null);
        for (String n : List.of("batch_size", "seq_len", "cache_len")) f.locals.put(n, new IntV(scenario.apply(n)));
        List<Value> args = new ArrayList<>();
        for (PyExpr x : c.args()) args.add(eval(x, f));
        Map<String, Value> kw = new LinkedHashMap<>();
        for (PyExpr.Keyword k : c.keywords()) kw.put(k.name(), eval(k.value(), f));
        callFunction(m.get(), args, kw, f, c);
    }

    /** While a config class's __init__ runs: a statement that fails is skipped (its targets become unknown). */
    private boolean tolerant;

    /** While the model is built (an __init__ outside any traced forward): the same, except that a raise reached is an error. */
    private boolean building;

    /** Statements that failed while building or running a config class (each made what it sets unknown). */
    private int buildTaints;

    /** Loops over range(n) longer than this are not unrolled. */
    private static final int MAX_UNROLL = 1024;

    /** A key looked up in a dict that does not hold it (KeyError): Mapping.get and `in` answer from it. */
    static final class MissingKey extends Unanalysable {
        MissingKey(String message) { super(message); }
    }

    /**
     * The methods a class inherits from collections.abc.Mapping when it defines __getitem__ (transformers'
     * AttentionInterface): `in` and get() try __getitem__ and read a KeyError as absent; keys/items/values iterate
     * __iter__.
     */
    Value mappingMethod(ObjectV o, String name, List<Value> args, Frame f) {
        FuncV getitem = method(o.className, "__getitem__", o).orElseThrow();
        switch (name) {
            case "get", "__contains__" -> {
                Value v;
                try {
                    v = callFunction(getitem, List.of(args.get(0)), Map.of(), f, null);
                } catch (MissingKey k) {
                    return name.equals("get") ? (args.size() > 1 ? args.get(1) : NoneV.NONE) : new BoolV(false);
                }
                return name.equals("get") ? v : new BoolV(true);
            }
            default -> {
                Optional<FuncV> it = method(o.className, "__iter__", o);
                List<Value> keys = it.isEmpty() ? null : iterate(callFunction(it.get(), List.of(), Map.of(), f, null));
                if (keys == null) throw new Unanalysable(shortName(o.className) + "." + name + "(): its keys are not known");
                List<Value> out = new ArrayList<>();
                for (Value k : keys) {
                    Value v = name.equals("keys") ? k : callFunction(getitem, List.of(k), Map.of(), f, null);
                    out.add(name.equals("items") ? new TupleV(List.of(k, v)) : v);
                }
                return new ListV(out);
            }
        }
    }

    /** A raise statement on the path taken. */
    static final class Raised extends Unanalysable {
        Raised(String message) { super(message); }
    }

    /**
     * Builds the config object from the config values: a Hugging Face config class's __init__ (and the
     * PretrainedConfig __init__ it calls), or a dataclass's generated __init__ and its __post_init__ (every 5.x
     * config; a plain model's ModelArgs), statement by statement, skipping what cannot be run, and keeps the
     * attributes it computes (head_dim = hidden_size // num_attention_heads, num_key_value_heads defaulting to
     * num_attention_heads, rope_parameters in 5.x) as derived config values. An attribute it changed but could not
     * compute is derived as unknown, so that a model reading it is unanalysed rather than given the old value.
     */
    public void runConfigInit(String configClass, ConfigEnv env) {
        Map<String, Value> kw = new LinkedHashMap<>();
        for (String k : env.values().keySet()) env.get(k).ifPresent(v -> kw.put(k, v));
        ObjectV self;
        tolerant = true;
        try {
            Value o = instantiate(configClass, new ArrayList<>(), kw, null);
            if (!(o instanceof ObjectV ov)) return;
            self = ov;
        } catch (RuntimeException e) {
            diagnostics.add(Diagnostic.warning(null, 0, configClass + ".__init__: " + (e.getMessage() == null ? e.toString() : e.getMessage())));
            return;
        } finally {
            tolerant = false;
        }
        for (var e : self.attrs.entrySet()) {
            String k = e.getKey();
            Value v = e.getValue();
            boolean enumMember = v instanceof ObjectV ov && ov.attrs.containsKey("_value_") && isEnum(ov.className);
            if (k.startsWith("_") || v instanceof ObjectV && !enumMember || v instanceof FuncV || v instanceof BoundMethodV) continue;
            Value prev = env.get(k).orElse(null);
            if (v instanceof UnknownV && prev == null) continue; // a field nothing gave and nothing computed
            if (prev == null || !(prev.equals(v) || valueEquals(prev, v))) env.derive(env.canonical(k), v);
        }
    }

    /** A Hugging Face cache object of class cls holding past keys and values of length past in every layer. */
    public static Value newCache(String cls, Poly past) { return TorchOps.newCache(cls, past); }

    /**
     * The cache generate() passes to a decode step: a DynamicCache of past tokens, built from the config when the
     * release's DynamicCache takes one (5.x: sliding-window layers keep only the last window − 1 tokens).
     */
    public Value newDecodeCache(String cls, Poly past) {
        ObjectV c = TorchOps.newCache(cls, past);
        boolean takesConfig = method(cls, "__init__", null).map(fn -> fn.def().params().params().stream().anyMatch(p -> p.name().equals("config"))).orElse(false);
        if (takesConfig) TorchOps.slidingWindow(c, config);
        return c;
    }

    /** Creates the root module: a Hugging Face model from its config object, or a plain module from keyword arguments. */
    public Value instantiateRoot(String cls, List<Value> args, Map<String, Value> kwargs) {
        return instantiate(cls, args, kwargs, null);
    }

    // ---------------------------------------------------------------- statements

    void exec(List<PyStmt> body, Frame f) {
        // the first list a frame runs is its function's body: statements after an if there can run as the
        // continuation of a branch that depends on the sizes when the other branch returns
        boolean top = f.topBody == null;
        if (top) f.topBody = body;
        // the continuation of a nested block: its own remaining statements, then the enclosing block's
        // (null inside loops, whose continuation also holds the remaining iterations)
        List<PyStmt> enclosing = top ? List.of() : f.rest;
        for (int i = 0; i < body.size(); i++) {
            if (enclosing == null) f.rest = null;
            else if (enclosing.isEmpty()) f.rest = body.subList(i + 1, body.size());
            else { List<PyStmt> r = new ArrayList<>(body.subList(i + 1, body.size())); r.addAll(enclosing); f.rest = r; }
            execStmt(body.get(i), f);
        }
    }

    /** The module and line of the statement run last (where an error outside a traced forward happened). */
    private String lastModule;
    private int lastLine;

    /** The module of the statement run last, or null; lastLine() is its line. */
    public String lastModule() { return lastModule; }
    public int lastLine() { return lastLine; }

    private void execStmt(PyStmt s, Frame f) {
        if (++steps > MAX_STEPS) throw new Unanalysable("analysis step budget exhausted (a loop that does not terminate?)");
        lastModule = f.module;
        lastLine = s.span().startLine();
        Recorder.StmtRecord rec = null;
        if (f.recordsStatements) rec = f.rec.enter(s, headerEnd(s));
        try {
            try {
                execStmtInner(s, f);
            } catch (Unanalysable | ReturnSignal | BreakSignal | ContinueSignal signal) {
                throw signal;
            } catch (StackOverflowError | RuntimeException e) {
                // a defect of the analyzer on this line: unanalysed with what went wrong, never a silent zero
                throw new Unanalysable(internalError(e));
            }
            if (rec != null && rec.events.isEmpty() && rec.notes.isEmpty() && rec.unanalysed == null) f.rec.note(zeroReason(s));
        } catch (Unanalysable u) {
            if (f.recordsStatements) {
                f.rec.current = rec;
                f.rec.unanalysed(u.getMessage());
                for (PyExpr t : assignedTargets(s)) assignSilently(t, new UnknownV(u.getMessage()), f);
            } else if (tolerant || (building && !(u instanceof Raised))) {
                // building the model: what the statement would have set is unknown, the rest of the model is not
                // (a value later read on the forward path then makes that line unanalysed, with this reason)
                UnknownV unknown = new UnknownV(u.getMessage());
                buildTaints++;
                for (PyExpr t : taintedBy(s)) {
                    assignSilently(t, unknown, f);
                    if (t instanceof PyExpr.Attribute at && at.value() instanceof PyExpr.Name n && n.id().equals("self") && f.self instanceof ObjectV o) o.attrs.put(at.attr(), unknown);
                }
                if (building) {
                    String file = src.module(f.module).map(io.flopscope.analyzer.ast.PyModule::file).orElse(null);
                    Diagnostic d = Diagnostic.warning(file, s.span().startLine(), (tolerant ? "while running the config class: " : "while building the model: ") + u.getMessage()
                            + "; what this statement sets is unknown");
                    if (!diagnostics.contains(d)) diagnostics.add(d);
                }
                if (s instanceof PyStmt.Return) throw new ReturnSignal(unknown);
            } else {
                throw u;
            }
        }
    }

    /** A defect of the analyzer met while running a line, as the reason that line is unanalysed. */
    private static String internalError(Throwable e) {
        return "internal error of the analyzer (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
    }

    private static int headerEnd(PyStmt s) {
        if (s instanceof PyStmt.If i) return firstLine(i.body(), s.span().startLine()) - 1;
        if (s instanceof PyStmt.For fo) return firstLine(fo.body(), s.span().startLine()) - 1;
        if (s instanceof PyStmt.While w) return firstLine(w.body(), s.span().startLine()) - 1;
        if (s instanceof PyStmt.With w) return firstLine(w.body(), s.span().startLine()) - 1;
        if (s instanceof PyStmt.Try t) return firstLine(t.body(), s.span().startLine()) - 1;
        if (s instanceof PyStmt.FunctionDef fd) return fd.defLine();
        return s.span().endLine();
    }

    private static int firstLine(List<PyStmt> body, int fallback) {
        return body.isEmpty() ? fallback + 1 : Math.max(fallback + 1, body.get(0).span().startLine());
    }

    private static String zeroReason(PyStmt s) {
        if (s instanceof PyStmt.Return) return "returns references to tensors already computed: no kernel";
        if (s instanceof PyStmt.Assign || s instanceof PyStmt.AnnAssign || s instanceof PyStmt.AugAssign) return "Python assignment, shape arithmetic or a view: no kernel";
        if (s instanceof PyStmt.If) return "Python control flow: no kernel";
        if (s instanceof PyStmt.For || s instanceof PyStmt.While) return "loop header: no kernel";
        if (s instanceof PyStmt.ExprStmt e && e.value() instanceof PyExpr.Constant) return "docstring";
        if (s instanceof PyStmt.Pass || s instanceof PyStmt.Break || s instanceof PyStmt.Continue) return "Python control flow: no kernel";
        if (s instanceof PyStmt.Assert) return "a Python check: no kernel";
        if (s instanceof PyStmt.With) return "context manager: no kernel";
        if (s instanceof PyStmt.FunctionDef) return "defines a local function: no kernel";
        if (s instanceof PyStmt.Import || s instanceof PyStmt.ImportFrom) return "import: no kernel";
        return "no tensor operation";
    }

    /**
     * What a statement that failed may have changed: its targets, the targets of the statements nested in it, and the
     * object a method was called on (self.layers.append(...) in a loop).
     */
    private static List<PyExpr> taintedBy(PyStmt s) {
        List<PyExpr> out = new ArrayList<>(assignedTargets(s));
        if (s instanceof PyStmt.ExprStmt e && e.value() instanceof PyExpr.Call c && c.func() instanceof PyExpr.Attribute a) out.add(a.value());
        if (s instanceof PyStmt.For fo) out.add(fo.target());
        if (s instanceof PyStmt.With w) for (var it : w.items()) if (it.optionalVars() != null) out.add(it.optionalVars());
        List<List<PyStmt>> nested = new ArrayList<>();
        if (s instanceof PyStmt.If i) { nested.add(i.body()); nested.add(i.orelse()); }
        if (s instanceof PyStmt.For fo) { nested.add(fo.body()); nested.add(fo.orelse()); }
        if (s instanceof PyStmt.While w) { nested.add(w.body()); nested.add(w.orelse()); }
        if (s instanceof PyStmt.With w) nested.add(w.body());
        if (s instanceof PyStmt.Try t) {
            nested.addAll(List.of(t.body(), t.orelse(), t.finalbody()));
            for (var h : t.handlers()) nested.add(h.body());
        }
        for (List<PyStmt> b : nested) for (PyStmt x : b) out.addAll(taintedBy(x));
        return out;
    }

    private static List<PyExpr> assignedTargets(PyStmt s) {
        if (s instanceof PyStmt.Assign a) return a.targets();
        if (s instanceof PyStmt.AnnAssign a) return List.of(a.target());
        if (s instanceof PyStmt.AugAssign a) return List.of(a.target());
        return List.of();
    }

    private void execStmtInner(PyStmt s, Frame f) {
        if (s instanceof PyStmt.ExprStmt e) { eval(e.value(), f); return; }
        if (s instanceof PyStmt.Assign a) {
            Value v = eval(a.value(), f);
            for (PyExpr t : a.targets()) assign(t, v, f);
            return;
        }
        if (s instanceof PyStmt.AnnAssign a) { if (a.value() != null) assign(a.target(), eval(a.value(), f), f); return; }
        if (s instanceof PyStmt.AugAssign a) {
            Value cur = eval(a.target(), f);
            Value rhs = eval(a.value(), f);
            assign(a.target(), binary(cur, a.op(), rhs, f, true), f);
            return;
        }
        if (s instanceof PyStmt.Return r) throw new ReturnSignal(r.value() == null ? NoneV.NONE : eval(r.value(), f));
        if (s instanceof PyStmt.If i) { execIf(i, f); return; }
        if (s instanceof PyStmt.For fo) { execFor(fo, f); return; }
        if (s instanceof PyStmt.While w) {
            Boolean t = truth(eval(w.test(), f));
            if (Boolean.FALSE.equals(t)) { f.rec.skip(bodySpan(w.body()), "`" + text(w.test()) + "` is False"); return; }
            throw new Unanalysable("while loop with a condition that cannot be decided statically");
        }
        if (s instanceof PyStmt.With w) {
            for (PyStmt.With.WithItem it : w.items()) {
                Value ctx = eval(it.context(), f);
                if (it.optionalVars() != null) assign(it.optionalVars(), ctx, f);
            }
            exec(w.body(), f);
            return;
        }
        if (s instanceof PyStmt.Raise r) throw new Raised("the default path raises " + (r.exc() == null ? "" : text(r.exc())));
        if (s instanceof PyStmt.Assert || s instanceof PyStmt.Pass || s instanceof PyStmt.Global) return;
        if (s instanceof PyStmt.Break) throw new BreakSignal();
        if (s instanceof PyStmt.Continue) throw new ContinueSignal();
        if (s instanceof PyStmt.Delete d) { for (PyExpr t : d.targets()) if (t instanceof PyExpr.Name n) f.locals.remove(n.id()); return; }
        if (s instanceof PyStmt.Try t) {
            exec(t.body(), f);
            exec(t.orelse(), f);
            exec(t.finalbody(), f);
            for (PyStmt.Try.Handler h : t.handlers()) f.rec.skip(bodySpan(h.body()), "exception handler: not on the default path");
            return;
        }
        if (s instanceof PyStmt.FunctionDef fd) { f.locals.put(fd.name(), new FuncV(fd, f.module, f.owner, null, f.locals)); return; }
        if (s instanceof PyStmt.ClassDef cd) { f.locals.put(cd.name(), new ClassV(f.module + "." + cd.name())); return; }
        if (s instanceof PyStmt.Import im) {
            for (PyStmt.Alias a : im.names()) {
                String bind = a.asName() != null ? a.asName() : a.name().split("\\.")[0];
                f.locals.put(bind, new ExternalV(a.asName() != null ? a.name() : a.name().split("\\.")[0]));
            }
            return;
        }
        if (s instanceof PyStmt.ImportFrom im) {
            for (PyStmt.Alias a : im.names()) {
                String bind = a.asName() != null ? a.asName() : a.name();
                f.locals.put(bind, lookupQualified((im.module().isEmpty() ? "" : im.module() + ".") + a.name(), f.module));
            }
            return;
        }
        if (s instanceof PyStmt.Unsupported u) throw new Unanalysable("unsupported statement (" + u.kind() + ")");
        throw new Unanalysable("unsupported statement " + s.getClass().getSimpleName());
    }

    private static Span bodySpan(List<PyStmt> body) {
        if (body.isEmpty()) return null;
        Span a = body.get(0).span(), b = body.get(body.size() - 1).span();
        return new Span(a.startLine(), a.startCol(), b.endLine(), b.endCol());
    }

    private void execIf(PyStmt.If i, Frame f) {
        Value test = eval(i.test(), f);
        Boolean t = truth(test);
        // building the model, a condition on the sizes chooses structure (which module a layer gets), which no weight
        // can stand for: undecided (what the if sets becomes unknown), never both branches with the last one kept
        if (t == null && guardOf(test) != null && !(building && !f.recordsStatements)) {
            execGuarded(i, guardOf(test), f);
            return;
        }
        if (t == null) {
            String why = test instanceof UnknownV u ? u.reason() : "its value depends on data or on a size FlopScope cannot compare";
            f.rec.skip(bodySpan(i.body()), "not analysed: the condition `" + text(i.test()) + "` could not be decided");
            if (!i.orelse().isEmpty()) f.rec.skip(bodySpan(i.orelse()), "not analysed: the condition `" + text(i.test()) + "` could not be decided");
            throw new Unanalysable("condition `" + text(i.test()) + "` cannot be decided statically (" + why + "); decide it with --set");
        }
        if (f.recordsStatements) f.rec.note("condition `" + text(i.test()) + "` is " + (t ? "True" : "False") + " on the default inference path");
        if (t) {
            if (!i.orelse().isEmpty()) skipBranch(i.orelse(), "`" + text(i.test()) + "` is True", f);
            exec(i.body(), f);
        } else {
            skipBranch(i.body(), "`" + text(i.test()) + "` is False", f);
            exec(i.orelse(), f);
        }
    }

    /**
     * Both branches of an if whose condition depends on the sizes: each traced with its costs weighted by the
     * condition's indicator (positive(...)), then the variables merged. Values that differ between the branches
     * merge when they are ints (weighted) or tensors of one shape; anything else makes the if unanalysable.
     */
    private void execGuarded(PyStmt.If i, Poly g, Frame f) {
        if (f.recordsStatements) f.rec.note("condition `" + text(i.test()) + "` depends on the sizes: both branches are counted, weighted by " + g.toFormula());
        else f.rec.note("in " + f.inlinedFrom + ", `" + text(i.test()) + "` depends on the sizes: both branches are counted, weighted by " + g.toFormula());
        Map<String, Value> before = new HashMap<>(f.locals);
        Poly saved = f.multiplier;
        List<PyStmt> rest = f.rest;
        Map<String, Value> thenLocals, elseLocals;
        Value thenRet = null, elseRet = null;
        try {
            f.multiplier = saved.multiply(g);
            refine(i.test(), true, f);
            try { exec(i.body(), f); } catch (ReturnSignal r) { thenRet = r.value; }
            thenLocals = new HashMap<>(f.locals);
            f.locals.clear();
            f.locals.putAll(before);
            f.multiplier = saved.multiply(Poly.ONE.subtract(g));
            refine(i.test(), false, f);
            try { exec(i.orelse(), f); } catch (ReturnSignal r) { elseRet = r.value; }
            elseLocals = new HashMap<>(f.locals);
            if (thenRet != null || elseRet != null) {
                // one branch returns: the other continues with the rest of the function body, under its weight
                if (thenRet == null || elseRet == null) {
                    if (rest == null) throw new Unanalysable("a branch that depends on the sizes returns inside a block: `" + text(i.test()) + "`");
                    boolean thenContinues = thenRet == null;
                    f.locals.clear();
                    f.locals.putAll(thenContinues ? thenLocals : elseLocals);
                    f.multiplier = saved.multiply(thenContinues ? g : Poly.ONE.subtract(g));
                    Value r = NoneV.NONE;
                    try { exec(rest, f); } catch (ReturnSignal rs) { r = rs.value; }
                    if (thenContinues) thenRet = r; else elseRet = r;
                }
                throw new ReturnSignal(merge(thenRet, elseRet, g, i));
            }
        } catch (BreakSignal | ContinueSignal r) {
            throw new Unanalysable("a branch that depends on the sizes leaves a loop: `" + text(i.test()) + "`");
        } finally {
            f.multiplier = saved;
        }
        f.locals.clear();
        java.util.Set<String> names = new java.util.HashSet<>(thenLocals.keySet());
        names.addAll(elseLocals.keySet());
        for (String n : names) {
            Value a = thenLocals.get(n), b = elseLocals.get(n);
            if (a == null || b == null) { f.locals.put(n, new UnknownV("'" + n + "' is set on one side only of `" + text(i.test()) + "`")); continue; }
            f.locals.put(n, merge(a, b, g, i));
        }
    }

    /**
     * Narrows optional values inside a branch: where `x is not None` holds (the test, or a conjunct of it, in the
     * then-branch), x is its value; where `x is None` holds, x is None.
     */
    private void refine(PyExpr test, boolean holds, Frame f) {
        if (holds && test instanceof PyExpr.BoolOp b && b.op().equals("and")) { for (PyExpr x : b.values()) refine(x, true, f); return; }
        if (!holds && test instanceof PyExpr.BoolOp b && b.op().equals("or")) { for (PyExpr x : b.values()) refine(x, false, f); return; }
        if (test instanceof PyExpr.UnaryOp u && u.op().equals("not")) { refine(u.operand(), !holds, f); return; }
        if (!(test instanceof PyExpr.Compare c) || c.ops().size() != 1 || !(c.left() instanceof PyExpr.Name n)) return;
        if (!(c.comparators().get(0) instanceof PyExpr.Constant k) || k.value() != PyExpr.Constant.NONE) return;
        if (!(f.locals.get(n.id()) instanceof MaybeV m)) return;
        boolean notNone = c.ops().get(0).equals("is not") == holds;
        if (!c.ops().get(0).equals("is") && !c.ops().get(0).equals("is not")) return;
        // every local naming the same optional value (causal_mask = attention_mask) is narrowed with it
        for (var e : f.locals.entrySet()) if (e.getValue() instanceof MaybeV o && o.equals(m)) e.setValue(notNone ? m.value() : NoneV.NONE);
    }

    private static Value merge(Value a, Value b, Poly g, PyStmt.If i) {
        if (a.equals(b) || a == b) return a;
        // a value on one side, None on the other: optional
        if (a instanceof NoneV && !(b instanceof NoneV || b instanceof UnknownV)) return b instanceof MaybeV m ? new MaybeV(m.value(), Poly.ONE.subtract(g).multiply(m.present())) : new MaybeV(b, Poly.ONE.subtract(g));
        if (b instanceof NoneV && !(a instanceof UnknownV)) return a instanceof MaybeV m ? new MaybeV(m.value(), g.multiply(m.present())) : new MaybeV(a, g);
        // the branch taken exactly where the optional value exists: the other side's value is None there
        if (b instanceof MaybeV m && m.present().equals(g) && !(a instanceof MaybeV) && !(a instanceof UnknownV)) return new MaybeV(a, g);
        if (a instanceof MaybeV m && m.present().equals(Poly.ONE.subtract(g)) && !(b instanceof MaybeV) && !(b instanceof UnknownV)) return new MaybeV(b, m.present());
        if (a instanceof MaybeV x && b instanceof MaybeV y) {
            Value v = merge(x.value(), y.value(), g, i);
            if (!(v instanceof UnknownV)) return new MaybeV(v, g.multiply(x.present()).add(Poly.ONE.subtract(g).multiply(y.present())));
        }
        if (a instanceof BoolV x && b instanceof BoolV y) {
            Poly ind = g.multiply(Poly.constant(x.value() ? 1 : 0)).add(Poly.ONE.subtract(g).multiply(Poly.constant(y.value() ? 1 : 0)));
            return UnknownV.guarded("set on both sides of `" + text(i.test()) + "`, which depends on the sizes", ind);
        }
        if (a instanceof TupleV x && b instanceof TupleV y && x.items().size() == y.items().size()) {
            List<Value> items = new ArrayList<>();
            for (int k = 0; k < x.items().size(); k++) items.add(merge(x.items().get(k), y.items().get(k), g, i));
            return new TupleV(items);
        }
        if (a instanceof IntV x && b instanceof IntV y) return new IntV(g.multiply(x.value()).add(Poly.ONE.subtract(g).multiply(y.value())));
        if (a instanceof TensorV x && b instanceof TensorV y && x.shape().equals(y.shape())) return x.dtype() == y.dtype() ? x : new TensorV(x.shape(), x.dtype(), x.contiguous() && y.contiguous());
        // shapes that differ: each differing size is weighted like an int (g·a + (1 − g)·b); with g an indicator
        // (0 or 1), every product of such sizes evaluates exactly to one branch's value
        if (a instanceof TensorV x && b instanceof TensorV y && x.rank() == y.rank() && x.dtype() == y.dtype()) {
            List<Poly> dims = new ArrayList<>();
            for (int k = 0; k < x.rank(); k++) {
                Poly p = x.shape().get(k), q = y.shape().get(k);
                dims.add(p.equals(q) ? p : g.multiply(p).add(Poly.ONE.subtract(g).multiply(q)));
            }
            return new TensorV(dims, x.dtype(), x.contiguous() && y.contiguous());
        }
        if (a instanceof DictV x && b instanceof DictV y) {
            DictV out = new DictV();
            java.util.Set<Object> keys = new java.util.LinkedHashSet<>(x.items().keySet());
            keys.addAll(y.items().keySet());
            for (Object k : keys) {
                Value p = x.items().get(k), q = y.items().get(k);
                out.items().put(k, p == null ? new MaybeV(q, Poly.ONE.subtract(g)) : q == null ? new MaybeV(p, g) : merge(p, q, g, i));
            }
            return out;
        }
        return new UnknownV("differs between the branches of `" + text(i.test()) + "`");
    }

    private void skipBranch(List<PyStmt> body, String reason, Frame f) {
        if (!f.recordsStatements) return;
        f.rec.skip(bodySpan(body), reason);
    }

    private void execFor(PyStmt.For fo, Frame f) {
        Value it = eval(fo.iter(), f);
        f.rest = null;
        List<Value> items = iterate(it);
        if (items == null && it instanceof RepeatedV r && (building || tolerant) && !f.recordsStatements) {
            // building the model: the body may append a module per iteration (ModuleList.append in a loop)
            Long n = unrollable(r, f);
            if (n == null) {
                Rational v = configValue(r.count());
                String why = !(r.element() instanceof IntV i && i.value().equals(Builtins.RANGE_INDEX)) ? "its elements are one symbolic element, not a range"
                        : v == null ? "the count has no value in this config" : v + " iterations are more than " + MAX_UNROLL + " to unroll";
                throw new Unanalysable("loop over " + r.count().toFormula() + " iterations while building the model: " + why);
            }
            items = unrolled(r, n, f);
        }
        if (items == null && it instanceof RepeatedV r) {
            Poly saved = f.multiplier;
            f.multiplier = f.multiplier.multiply(r.count());
            java.util.Map<ListV, Integer> appends = new java.util.IdentityHashMap<>();
            java.util.Set<ListV> before = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (Value v : f.locals.values()) if (v instanceof ListV l) before.add(l);
            repeatAppends.push(appends);
            try {
                assign(fo.target(), r.element(), f);
                exec(fo.body(), f);
            } catch (BreakSignal | ContinueSignal b) {
                throw new Unanalysable("break/continue in a loop over " + r.count().toFormula() + " repeated elements");
            } finally {
                f.multiplier = saved;
                repeatAppends.pop();
            }
            appends.keySet().retainAll(before); // a list of one iteration's own is not the loop's
            collectAppends(appends, r.count(), f);
            return;
        }
        if (items == null && it instanceof TensorV t && t.rank() > 0) {
            // rows of a tensor with a symbolic first dimension (the experts nonzero() found): one row stands for all
            Poly saved = f.multiplier;
            f.multiplier = f.multiplier.multiply(t.shape().get(0));
            try {
                assign(fo.target(), new TensorV(t.shape().subList(1, t.rank()), t.dtype(), true, null, null, t.fill(), null, t.indexBound()), f);
                exec(fo.body(), f);
            } catch (ContinueSignal c) {
                throw new Unanalysable("continue in a loop over " + t.shape().get(0).toFormula() + " rows whose condition depends on the data");
            } catch (BreakSignal b) {
                throw new Unanalysable("break in a loop over " + t.shape().get(0).toFormula() + " rows");
            } finally {
                f.multiplier = saved;
            }
            return;
        }
        if (items == null) throw new Unanalysable("cannot iterate over " + describe(it));
        if (items.size() > 256) throw new Unanalysable("loop of " + items.size() + " iterations: too long to unroll");
        for (Value v : items) {
            assign(fo.target(), v, f);
            try {
                exec(fo.body(), f);
            } catch (BreakSignal b) {
                return;
            } catch (ContinueSignal c) {
                // next iteration
            }
        }
        exec(fo.orelse(), f);
    }

    /** The number of elements of a range over a config size while building, when this config gives it a value; else null. */
    private Long unrollable(RepeatedV r, Frame f) {
        if (!(building || tolerant) || f.recordsStatements || !(r.element() instanceof IntV i && i.value().equals(Builtins.RANGE_INDEX))) return null;
        Rational v = configValue(r.count());
        if (v == null || !v.isInteger() || v.signum() < 0 || v.num().longValue() > MAX_UNROLL) return null;
        return v.num().longValue();
    }

    /** range(count) as its concrete indices; the analysis then holds for this count only, which its conditions say. */
    private List<Value> unrolled(RepeatedV r, long n, Frame f) {
        if (!r.count().isConstant() && f.rec != null) f.rec.condition("`" + r.count().toFormula() + " == " + n + "` is True with this config's values");
        List<Value> out = new ArrayList<>();
        for (long k = 0; k < n; k++) out.add(IntV.of(k));
        return out;
    }

    /** A formula over config sizes evaluated with this config's values; null when a symbol has none. */
    Rational configValue(Poly p) {
        if (!p.symbols().stream().allMatch(x -> x.startsWith("config."))) return null;
        try {
            return p.evaluate(x -> {
                Object c = config.values().get(config.canonical(x.substring(7)));
                if (c instanceof Long l) return Rational.of(l);
                if (c instanceof Integer l) return Rational.of(l);
                throw new Poly.UnboundSymbolException(x);
            });
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** How many values a built object (and the objects, lists and dicts it holds) could not compute. */
    static int unknowns(Value v) {
        return unknowns(v, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()), 0);
    }

    private static int unknowns(Value v, Set<Object> seen, int depth) {
        if (v instanceof UnknownV) return 1;
        if (depth > 12 || v == null || !seen.add(v)) return 0;
        int n = 0;
        if (v instanceof ObjectV o) for (var e : o.attrs.entrySet()) if (!e.getKey().startsWith("__")) n += unknowns(e.getValue(), seen, depth + 1);
        if (v instanceof ListV l) for (Value x : l.items()) n += unknowns(x, seen, depth + 1);
        if (v instanceof TupleV t) for (Value x : t.items()) n += unknowns(x, seen, depth + 1);
        if (v instanceof DictV d) for (Value x : d.items().values()) n += unknowns(x, seen, depth + 1);
        if (v instanceof RepeatedV r) n += unknowns(r.element(), seen, depth + 1);
        return n;
    }

    /** Lists appended to in the repeated loops being run (innermost first), with their length before the first append. */
    private final java.util.ArrayDeque<java.util.Map<ListV, Integer>> repeatAppends = new java.util.ArrayDeque<>();

    void appended(ListV l) { if (!repeatAppends.isEmpty()) repeatAppends.peek().putIfAbsent(l, l.items().size()); }

    /**
     * A list that was empty before a loop over count elements and got one item per iteration (ys.append(y) in
     * mamba's scan) holds count such items: the names bound to it become that repeated list. Anything else appended
     * in such a loop has no exact length.
     */
    private void collectAppends(java.util.Map<ListV, Integer> appends, Poly count, Frame f) {
        for (var e : appends.entrySet()) {
            ListV l = e.getKey();
            if (e.getValue() != 0 || l.items().size() != 1)
                throw new Unanalysable("a list appended to " + (l.items().size() - e.getValue()) + " times in a loop over " + count.toFormula() + " iterations");
            RepeatedV rep = new RepeatedV(l.items().get(0), count);
            for (var loc : f.locals.entrySet()) if (loc.getValue() == l) loc.setValue(rep);
        }
    }

    /** Concrete elements, or null when the iterable is symbolic. */
    List<Value> iterate(Value v) {
        if (v instanceof TupleV t) return t.items();
        if (v instanceof ListV l) return new ArrayList<>(l.items());
        if (v instanceof DictV d) {
            List<Value> keys = new ArrayList<>();
            for (Object k : d.items().keySet()) keys.add(k instanceof String s ? new StrV(s) : k instanceof Long n ? IntV.of(n) : new UnknownV("dict key"));
            return keys;
        }
        if (v instanceof TensorV t && !t.shape().isEmpty() && t.shape().get(0).isConstant()) {
            long n = t.shape().get(0).constantValue().num().longValueExact();
            List<Value> out = new ArrayList<>();
            for (long i = 0; i < n && i < 257; i++) out.add(t.withShape(t.shape().subList(1, t.rank())));
            return out;
        }
        return null;
    }

    // ---------------------------------------------------------------- assignment

    void assign(PyExpr target, Value v, Frame f) {
        if (target instanceof PyExpr.Name n) { f.locals.put(n.id(), v); return; }
        if (target instanceof PyExpr.TupleExpr || target instanceof PyExpr.ListExpr) {
            List<PyExpr> elts = target instanceof PyExpr.TupleExpr t ? t.elts() : ((PyExpr.ListExpr) target).elts();
            int star = -1;
            for (int i = 0; i < elts.size(); i++) if (elts.get(i) instanceof PyExpr.Starred) star = i;
            if (star >= 0) {
                // a, *rest = seq: the starred name takes what the others leave, as a list
                if (v instanceof UnknownV) { for (PyExpr e : elts) assign(e instanceof PyExpr.Starred st ? st.value() : e, v, f); return; }
                List<Value> all = iterate(v);
                if (all == null && v instanceof ObjectV o && !o.fieldOrder.isEmpty()) all = modelOutputItems(o);
                if (all == null) throw new Unanalysable("cannot unpack " + describe(v) + " into a starred target");
                int after = elts.size() - star - 1;
                if (all.size() < elts.size() - 1) throw new Unanalysable("cannot unpack " + all.size() + " values into " + (elts.size() - 1) + " names and a starred one");
                for (int i = 0; i < star; i++) assign(elts.get(i), all.get(i), f);
                assign(((PyExpr.Starred) elts.get(star)).value(), new ListV(new ArrayList<>(all.subList(star, all.size() - after))), f);
                for (int i = 0; i < after; i++) assign(elts.get(star + 1 + i), all.get(all.size() - after + i), f);
                return;
            }
            List<Value> items = unpack(v, elts.size());
            for (int i = 0; i < elts.size(); i++) assign(elts.get(i), items.get(i), f);
            return;
        }
        if (target instanceof PyExpr.Attribute a) {
            Value obj = eval(a.value(), f);
            if (obj instanceof ObjectV o) { o.attrs.put(a.attr(), v); o.attrLines.putIfAbsent(a.attr(), lastLine); return; }
            // a bias attached after construction (BERT's MLM head: self.decoder.bias = self.bias) makes the layer add one
            if (obj instanceof ExternalModuleV m && a.attr().equals("bias")) { m.ctorArgs().put("bias", new BoolV(!(v instanceof NoneV))); return; }
            // the model writes a config field (Gemma 4.x: config.hidden_activation = "gelu_pytorch_tanh"): later reads see it
            if (obj instanceof ConfigV c) { c.env.derive(c.env.canonical(a.attr()), v); return; }
            return; // attributes of other objects carry no cost
        }
        if (target instanceof PyExpr.Subscript sub) { ops.setItem(eval(sub.value(), f), sub.index(), v, f); return; }
        if (target instanceof PyExpr.Starred st) { assign(st.value(), v, f); return; }
        throw new Unanalysable("cannot assign to " + text(target));
    }

    private void assignSilently(PyExpr target, Value v, Frame f) {
        try {
            if (target instanceof PyExpr.Name n) f.locals.put(n.id(), v);
            else if (target instanceof PyExpr.TupleExpr t) for (PyExpr e : t.elts()) assignSilently(e, v, f);
        } catch (RuntimeException ignored) {
            // best effort: the statement is already reported unanalysed
        }
    }

    List<Value> unpack(Value v, int n) {
        if (v instanceof UnknownV u) { List<Value> out = new ArrayList<>(); for (int i = 0; i < n; i++) out.add(u); return out; }
        List<Value> items = iterate(v);
        if (items == null && v instanceof ObjectV o && !o.fieldOrder.isEmpty()) items = modelOutputItems(o);
        if (items == null) throw new Unanalysable("cannot unpack " + describe(v) + " into " + n + " names");
        if (items.size() != n) throw new Unanalysable("cannot unpack " + items.size() + " values into " + n + " names");
        return items;
    }

    static List<Value> modelOutputItems(ObjectV o) {
        List<Value> out = new ArrayList<>();
        for (String k : o.fieldOrder) { Value x = o.attrs.get(k); if (x != null && !(x instanceof NoneV)) out.add(x); }
        return out;
    }

    // ---------------------------------------------------------------- expressions

    Value eval(PyExpr e, Frame f) {
        if (++steps > MAX_STEPS) throw new Unanalysable("analysis step budget exhausted");
        if (e instanceof PyExpr.Constant c) return constant(c.value());
        if (e instanceof PyExpr.Name n) return name(n.id(), f);
        if (e instanceof PyExpr.Attribute a) return attribute(eval(a.value(), f), a.attr(), f);
        if (e instanceof PyExpr.Call c) return call(c, f);
        if (e instanceof PyExpr.BinOp b) return binary(eval(b.left(), f), b.op(), eval(b.right(), f), f, false);
        if (e instanceof PyExpr.UnaryOp u) return unary(u.op(), eval(u.operand(), f), f);
        if (e instanceof PyExpr.BoolOp b) {
            // Kleene logic: an undecidable operand does not matter when another one decides the result
            boolean and = b.op().equals("and");
            Value last = NoneV.NONE;
            String unknown = null;
            Poly guard = and ? Poly.ONE : Poly.ZERO; // of the undecidable operands so far, while each has one
            for (PyExpr x : b.values()) {
                try {
                    last = eval(x, f);
                } catch (Unanalysable u) {
                    if (unknown == null) throw u;
                    last = new UnknownV(u.getMessage());
                }
                Boolean t = truth(last);
                if (t == null) {
                    if (unknown == null) unknown = "`" + text(x) + "`";
                    Poly g = guardOf(last);
                    guard = guard == null || g == null ? null : and ? guard.multiply(g) : guard.add(g).subtract(guard.multiply(g));
                    continue;
                }
                if (and && !t) return last;
                if (!and && t) return last;
            }
            if (unknown == null) return last;
            return guard == null ? UnknownV.bool(unknown + " cannot be decided statically") : UnknownV.guarded(unknown + " depends on the sizes", guard);
        }
        if (e instanceof PyExpr.Compare c) return compare(c, f);
        if (e instanceof PyExpr.IfExp i) {
            Boolean t = truth(eval(i.test(), f));
            if (t == null) return new UnknownV("`" + text(i.test()) + "` cannot be decided statically");
            return eval(t ? i.body() : i.orelse(), f);
        }
        if (e instanceof PyExpr.Subscript s) return ops.getItem(eval(s.value(), f), s.index(), f);
        if (e instanceof PyExpr.TupleExpr t) return new TupleV(evalElts(t.elts(), f));
        if (e instanceof PyExpr.ListExpr l) return new ListV(new ArrayList<>(evalElts(l.elts(), f)));
        if (e instanceof PyExpr.DictExpr d) {
            DictV out = new DictV();
            for (int i = 0; i < d.keys().size(); i++) {
                Value v = eval(d.values().get(i), f);
                if (d.keys().get(i) == null) { if (v instanceof DictV dv) out.items().putAll(dv.items()); continue; }
                out.items().put(key(eval(d.keys().get(i), f)), v);
            }
            return out;
        }
        if (e instanceof PyExpr.Slice s) {
            return new SliceV(s.lower() == null ? null : eval(s.lower(), f), s.upper() == null ? null : eval(s.upper(), f), s.step() == null ? null : eval(s.step(), f));
        }
        if (e instanceof PyExpr.Ellipsis) return EllipsisV.ELLIPSIS;
        if (e instanceof PyExpr.Comprehension c) return comprehension(c, f);
        if (e instanceof PyExpr.FString fs) {
            // names built from strings (getattr(self, f"{layer_type}_inv_freq")) need the text; anything else is opaque
            if (fs.parts() == null) return new StrV("<f-string>");
            StringBuilder sb = new StringBuilder();
            for (PyExpr part : fs.parts()) {
                Value v = part instanceof PyExpr.Constant c ? constant(c.value()) : eval(part, f);
                if (v instanceof StrV sv && !sv.value().startsWith("<")) sb.append(sv.value());
                else if (v instanceof IntV i && i.isConstant()) sb.append(i.value().toFormula());
                else if (v instanceof BoolV b) sb.append(b.value() ? "True" : "False");
                else if (v instanceof NoneV) sb.append("None");
                else return new StrV("<f-string>");
            }
            return new StrV(sb.toString());
        }
        if (e instanceof PyExpr.NamedExpr ne) { Value v = eval(ne.value(), f); assign(ne.target(), v, f); return v; }
        if (e instanceof PyExpr.Lambda l) {
            PyStmt.FunctionDef fd = new PyStmt.FunctionDef("<lambda>", l.params(), List.of(new PyStmt.Return(l.body(), l.span())), List.of(), null, l.span().startLine(), l.span());
            return new FuncV(fd, f.module, f.owner, null, f.locals);
        }
        if (e instanceof PyExpr.Starred s) return eval(s.value(), f);
        if (e instanceof PyExpr.Unsupported u) throw new Unanalysable("unsupported expression (" + u.kind() + "): " + u.text());
        throw new Unanalysable("unsupported expression " + e.getClass().getSimpleName());
    }

    private List<Value> evalElts(List<PyExpr> elts, Frame f) {
        List<Value> out = new ArrayList<>();
        for (PyExpr x : elts) {
            if (x instanceof PyExpr.Starred s) {
                List<Value> items = iterate(eval(s.value(), f));
                if (items == null) throw new Unanalysable("cannot unpack *" + text(s.value()));
                out.addAll(items);
            } else out.add(eval(x, f));
        }
        return out;
    }

    static Object key(Value v) {
        if (v instanceof StrV s) return s.value();
        if (v instanceof IntV i && i.isConstant()) return i.value().constantValue().num().longValue();
        if (v instanceof BoolV b) return b.value();
        if (v instanceof ClassV c) return c.qualifiedName();
        if (v instanceof ExternalV x) return x.qualifiedName();
        return v;
    }

    static Value constant(Object c) {
        if (c == PyExpr.Constant.NONE || c == null) return NoneV.NONE;
        if (c instanceof Boolean b) return new BoolV(b);
        if (c instanceof Long l) return IntV.of(l);
        if (c instanceof Integer i) return IntV.of(i);
        if (c instanceof BigInteger b) return new IntV(Poly.constant(Rational.of(b)));
        if (c instanceof Double d) return new FloatV(d);
        if (c instanceof String s) return new StrV(s);
        return new UnknownV("constant " + c);
    }

    private Value comprehension(PyExpr.Comprehension c, Frame f) {
        if (c.generators().size() != 1) throw new Unanalysable("nested comprehension");
        PyExpr.Comprehension.For g = c.generators().get(0);
        Value it = eval(g.iter(), f);
        List<Value> items = iterate(it);
        Frame inner = f; // comprehension variables leak harmlessly in this model
        if (items == null && it instanceof RepeatedV r) {
            // while building: one symbolic element stands for all, unless building it with a symbolic index fails where
            // the concrete indices succeed (per-layer structure: layer_types[i], layer_idx < first_k_dense_replace)
            Long n = unrollable(r, f);
            int taints = buildTaints, diags = diagnostics.size();
            Unanalysable failed = null;
            Value element = null;
            if (g.ifs().isEmpty()) {
                try {
                    assign(g.target(), r.element(), inner);
                    element = eval(c.elt(), inner);
                } catch (Unanalysable u) {
                    failed = u;
                }
            } else {
                failed = new Unanalysable("filtered comprehension over " + r.count().toFormula() + " elements");
            }
            int symbolicTaints = buildTaints - taints + unknowns(element);
            boolean dict = c.kind().equals("dict");
            if (n == null || failed == null && symbolicTaints == 0 && !dict) {
                if (failed != null) throw failed;
                return dict ? new UnknownV("dict comprehension over " + r.count().toFormula() + " elements") : new RepeatedV(element, r.count());
            }
            if (failed == null && !dict && n > 0) {
                // unrolled only where a concrete index builds better (an unrelated failure stays one symbolic element)
                int mid = diagnostics.size(), before = buildTaints;
                boolean better;
                try {
                    assign(g.target(), IntV.of(0), inner);
                    Value concrete = eval(c.elt(), inner);
                    better = buildTaints - before + unknowns(concrete) < symbolicTaints;
                } catch (Unanalysable u) {
                    better = false;
                }
                diagnostics.subList(mid, diagnostics.size()).clear();
                buildTaints = before;
                if (!better) return new RepeatedV(element, r.count());
            }
            diagnostics.subList(diags, diagnostics.size()).clear();
            buildTaints = taints;
            items = unrolled(r, n, f);
        }
        if (items == null) throw new Unanalysable("cannot iterate over " + describe(it));
        List<Value> out = new ArrayList<>();
        DictV dict = new DictV();
        for (Value v : items) {
            assign(g.target(), v, inner);
            boolean keep = true;
            for (PyExpr cond : g.ifs()) {
                Boolean t = truth(eval(cond, inner));
                if (t == null) throw new Unanalysable("comprehension filter `" + text(cond) + "` cannot be decided");
                keep &= t;
            }
            if (!keep) continue;
            if (c.kind().equals("dict")) dict.items().put(key(eval(c.elt(), inner)), eval(c.value(), inner));
            else out.add(eval(c.elt(), inner));
        }
        if (c.kind().equals("dict")) return dict;
        return c.kind().equals("list") ? new ListV(out) : new TupleV(out);
    }

    // ---------------------------------------------------------------- names and attributes

    Value name(String id, Frame f) {
        Value v = f.locals.get(id);
        if (v != null) return v;
        if (id.equals("self") && f.self != null) return f.self;
        if (id.equals("__name__")) return new StrV(f.module);
        if (!f.locals.containsKey(id) && probe(id) != null && src.moduleAssignment(f.module, id).isEmpty()) return new ExternalV("probe." + id);
        Value b = Builtins.lookup(id);
        String q = f.module + "." + id;
        boolean definedHere = src.moduleAssignment(f.module, id).isPresent() || src.classDecl(q).isPresent() || src.function(q).isPresent();
        if (b != null && !definedHere && !isImported(f.module, id)) return b;
        Value g = global(f.module, id);
        if (g != null) return g;
        if (b != null) return b;
        throw new Unanalysable("name '" + id + "' is not defined on this path");
    }

    private boolean isImported(String module, String id) {
        String q = src.resolve(module, id);
        return q != null && !q.equals(module + "." + id);
    }

    /** A module-level name: a definition, an import, or an assignment evaluated once. */
    Value global(String module, String id) {
        String key = module + ":" + id;
        if (globalsCache.containsKey(key)) return globalsCache.get(key);
        Value v = null;
        Optional<PyExpr> assigned = src.moduleAssignment(module, id);
        if (assigned.isPresent()) {
            globalsCache.put(key, new UnknownV("'" + id + "' refers to itself"));
            // evaluated once, whoever reads it first: what fails in it is not the reader's (a layer built with a
            // symbolic index must not look worse than one built with index 0 because it read `logger` first)
            int taints = buildTaints;
            try {
                v = eval(assigned.get(), new Frame(module, null, null, Recorder.discarding(), false, Poly.ONE, null));
            } catch (Unanalysable u) {
                v = new UnknownV("module-level '" + id + "': " + u.getMessage());
            } finally {
                buildTaints = taints;
            }
        } else {
            String q = src.resolve(module, id);
            if (q != null) v = lookupQualified(q, module);
        }
        globalsCache.put(key, v);
        return v;
    }

    Value lookupQualified(String q, String fromModule) {
        if (isCacheClass(q)) return new ExternalV(q);
        // output dataclasses: only their keyword arguments matter, no need to parse modeling_outputs
        if (q.startsWith("transformers.modeling_outputs.")) return new ClassV(q);
        if (src.classDecl(q).isPresent()) return new ClassV(q);
        var fn = src.function(q);
        if (fn.isPresent()) return new FuncV(fn.get().def(), fn.get().module(), null, null);
        int dot = q.lastIndexOf('.');
        if (dot > 0 && src.module(q.substring(0, dot)).isPresent() && !q.substring(0, dot).equals(fromModule)) {
            Value g = global(q.substring(0, dot), q.substring(dot + 1));
            if (g != null) return g;
        }
        if (src.module(q).isPresent()) return new ExternalV(q);
        return new ExternalV(q);
    }

    private static final Set<String> DICT_METHODS = Set.of("get", "items", "keys", "values", "pop", "update", "setdefault", "copy", "clear");

    Value attribute(Value obj, String attr, Frame f) {
        // an optional value is read where it exists (the reads sit behind `is not None` tests)
        if (obj instanceof MaybeV m) return attribute(m.value(), attr, f);
        // torch's (values, indices) results (topk, sort, max along a dim) are named tuples
        if (obj instanceof TupleV t && t.items().size() == 2 && t.items().get(0) instanceof TensorV && (attr.equals("values") || attr.equals("indices")))
            return t.items().get(attr.equals("values") ? 0 : 1);
        // nn.ModuleDict (a dict here): its modules are attributes too (self.transformer.wte in nanoGPT)
        if (obj instanceof DictV d && d.items().get(attr) != null && !DICT_METHODS.contains(attr)) return d.items().get(attr);
        if (obj instanceof ObjectV o) {
            Value v = o.attrs.get(attr);
            if (v != null) return v;
            if (o.attrs.containsKey("__cache_past__")) return ops.cacheAttribute(o, attr);
            Optional<FuncV> m = method(o.className, attr, o);
            if (m.isPresent()) return readMethod(m.get(), f);
            Value cls = classAttribute(o.className, attr);
            if (cls != null) return cls;
            // a subclass of a library module (OPTLearnedPositionalEmbedding(nn.Embedding)): its weight and arguments
            if (o.attrs.get("__base_module__") instanceof ExternalModuleV base) {
                // its weight and arguments; methods (register_buffer) are the instance's own nn.Module API
                Value bv = ops.externalModuleAttribute(base, attr);
                if (!(bv instanceof BoundMethodV)) return bv;
            }
            if (attr.equals("training")) return new BoolV(false);
            if (attr.equals("config") || attr.equals("dtype") || attr.equals("device")) return attr.equals("dtype") ? new DTypeV(DType.ACTIVATION) : new StrV(attr);
            if (attr.equals("_attn_implementation")) return new StrV(options.attnImplementation());
            if (attr.equals("gradient_checkpointing")) return new BoolV(false);
            return new BoundMethodV(o, attr);
        }
        if (obj instanceof ConfigV c) {
            if (attr.equals("_attn_implementation")) return new StrV(options.attnImplementation());
            // PretrainedConfig methods: a decoder-only model's text config is the config itself
            if (attr.equals("get_text_config")) return new BoundMethodV(c, attr);
            Optional<Value> given = c.env.get(attr);
            // a @property or method of the config class (5.x: layer_types computed from a pattern)
            if (given.isEmpty() && c.env.configClass() != null) {
                Optional<FuncV> m = method(c.env.configClass(), attr, c);
                if (m.isPresent()) return readMethod(m.get(), f);
            }
            Value v = given.orElseGet(() -> Builtins.configDefault(attr).orElse(
                    new UnknownV("config has no field '" + attr + "' (give it in config.json or with --set " + attr + "=...)")));
            // token ids (pad_token_id as an Embedding's padding_idx) are data, never a path choice: not a condition
            if (f != null && f.rec != null && !attr.endsWith("_token_id")) {
                String folded = ConfigEnv.literal(v);
                // a folded value may choose the path: state it, so a document is checked against the config it is used with
                String name = "`config." + c.env.canonical(attr) + "` is " + folded;
                // a value the config class computed is not in config.json: stated, but not in the form checked against one
                if (folded != null) f.rec.condition(name + (c.env.isDerived(attr) ? ", as the config class sets it from this config" : " with this config's values"));
            }
            return v;
        }
        if (obj instanceof ExternalV x) {
            // a module of the source reached by `import a.b.c as x` or `import a.b.c`: its names are the source's
            if (src.module(x.qualifiedName()).isPresent()) {
                Value g = global(x.qualifiedName(), attr);
                if (g != null) return g;
                if (src.module(x.qualifiedName() + "." + attr).isPresent()) return new ExternalV(x.qualifiedName() + "." + attr);
            }
            return ops.externalAttribute(x.qualifiedName() + "." + attr);
        }
        if (obj instanceof ClassV c) {
            Optional<FuncV> m = method(c.qualifiedName(), attr, null);
            if (m.isPresent()) return m.get();
            Value v = classAttribute(c.qualifiedName(), attr);
            if (v != null) return v;
            return new ExternalV(c.qualifiedName() + "." + attr);
        }
        if (obj instanceof TensorV t) return ops.tensorAttribute(t, attr);
        if (obj instanceof ExternalModuleV m) return ops.externalModuleAttribute(m, attr);
        if (obj instanceof SuperV s) {
            for (String base : bases(s.owner())) {
                Optional<FuncV> m = method(base, attr, s.self());
                if (m.isPresent()) return m.get();
            }
            return new BoundMethodV(s, attr);
        }
        if (obj instanceof UnknownV u) return LOGGING.contains(attr) ? new BoundMethodV(u, attr) : u;
        return new BoundMethodV(obj, attr);
    }

    /** obj.name for a method found on obj's class: a @property (or cached_property) runs its getter, else the bound method. */
    private Value readMethod(FuncV fn, Frame f) {
        boolean property = fn.def().decorators().stream().map(Interpreter::text)
                .anyMatch(t -> t.equals("property") || t.equals("cached_property") || t.endsWith(".cached_property"));
        if (!property) return fn;
        Frame caller = f != null ? f : new Frame(fn.module(), fn.self(), fn.owner(), Recorder.discarding(), false, Poly.ONE, null);
        return callFunction(fn, List.of(), Map.of(), caller, null);
    }

    static final Set<String> LOGGING = Set.of("warning", "warning_once", "warn", "info", "debug", "error", "info_once");

    /**
     * Framework base classes whose methods are not traced: their __init__ sets up weights, hooks and
     * generation machinery, none of it on the forward path. Their few forward-relevant methods are modelled.
     */
    static boolean isFramework(String cls) {
        String simple = cls.substring(cls.lastIndexOf('.') + 1);
        return cls.startsWith("transformers.generation.") || cls.startsWith("transformers.integrations.peft.") || cls.startsWith("torch.")
                || (cls.startsWith("transformers.") && Set.of("PreTrainedModel", "ModuleUtilsMixin", "PushToHubMixin", "PeftAdapterMixin",
                        "EmbeddingAccessMixin", "GenerationMixin", "FromPretrainedKeysMixin", "TorchAoMixin").contains(simple));
    }

    /** Hugging Face cache classes are modelled (see {@link TorchOps#cacheMethod}), not traced: their per-layer lists index by a symbolic layer. */
    static boolean isCacheClass(String q) { return q.startsWith("transformers.cache_utils.") && q.endsWith("Cache"); }

    /** A method found on the class or its bases in the source, bound to self. */
    /**
     * Methods of the framework's base classes that the forward path of some models calls and that are traced from
     * the source (BERT's self.get_extended_attention_mask in 4.x): they build tensors, unlike the rest of the framework.
     */
    static final Map<String, String> TRACED_FRAMEWORK_METHODS = Map.of(
            "get_extended_attention_mask", "transformers.modeling_utils.ModuleUtilsMixin",
            "invert_attention_mask", "transformers.modeling_utils.ModuleUtilsMixin");

    Optional<FuncV> method(String cls, String name, Value self) {
        List<String> order = mro(cls);
        String extra = TRACED_FRAMEWORK_METHODS.get(name);
        if (extra != null && order.stream().anyMatch(c -> c.endsWith(".PreTrainedModel"))) { order = new ArrayList<>(order); order.add(extra); }
        for (String c : order) {
            if (isFramework(c) && !c.equals(extra)) continue;
            var decl = src.classDecl(c);
            if (decl.isEmpty()) continue;
            for (PyStmt s : decl.get().def().body()) {
                if (s instanceof PyStmt.FunctionDef fd && fd.name().equals(name)) {
                    boolean isStatic = fd.decorators().stream().anyMatch(d -> text(d).equals("staticmethod"));
                    boolean isClass = fd.decorators().stream().anyMatch(d -> text(d).equals("classmethod"));
                    Value bound = isStatic ? null : isClass ? new ClassV(cls) : self;
                    return Optional.of(new FuncV(fd, decl.get().module(), c, bound));
                }
            }
        }
        return Optional.empty();
    }

    private Value classAttribute(String cls, String name) {
        if (isEnum(cls)) {
            ObjectV member = enumMember(cls, name);
            if (member != null) return member;
        }
        for (String c : mro(cls)) {
            if (isFramework(c)) continue;
            var decl = src.classDecl(c);
            if (decl.isEmpty()) continue;
            for (PyStmt s : decl.get().def().body()) {
                if (s instanceof PyStmt.Assign a && a.targets().size() == 1 && a.targets().get(0) instanceof PyExpr.Name n && n.id().equals(name)) {
                    return eval(a.value(), new Frame(decl.get().module(), null, c, Recorder.discarding(), false, Poly.ONE, null));
                }
                // a nested class (Outer.Inner): the index knows it as module.Outer.Inner
                if (s instanceof PyStmt.ClassDef cd && cd.name().equals(name)) return new ClassV(c + "." + name);
            }
        }
        return null;
    }

    private static final Set<String> ENUM_BASES = Set.of("enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag");
    /** Bases that make an enum's members equal to their values. */
    private static final Set<String> ENUM_MIXINS = Set.of("str", "int", "builtins.str", "builtins.int", "enum.IntEnum", "enum.StrEnum");

    /** Whether cls derives from enum.Enum (its class attributes are members, Cls(value) looks one up). */
    boolean isEnum(String cls) {
        for (String c : mro(cls)) if (ENUM_BASES.contains(c) || bases(c).stream().anyMatch(ENUM_BASES::contains)) return true;
        return false;
    }

    private final Map<String, ObjectV> enumMembers = new HashMap<>();

    /**
     * The member NAME of an enum class: one object per member (so `is` and `==` compare identity), with its name and
     * value; an enum that mixes in str or int (class Kind(str, Enum)) also equals its value.
     */
    private ObjectV enumMember(String cls, String name) {
        String key = cls + "." + name;
        if (enumMembers.containsKey(key)) return enumMembers.get(key);
        var decl = src.classDecl(cls);
        if (decl.isEmpty() || name.startsWith("_")) return null;
        for (PyStmt st : decl.get().def().body()) {
            if (st instanceof PyStmt.Assign a && a.targets().size() == 1 && a.targets().get(0) instanceof PyExpr.Name n && n.id().equals(name)) {
                Value v = eval(a.value(), new Frame(decl.get().module(), null, cls, Recorder.discarding(), false, Poly.ONE, null));
                if (v instanceof FuncV) return null;
                ObjectV m = new ObjectV(cls);
                m.attrs.put("name", new StrV(name));
                m.attrs.put("value", v);
                m.attrs.put("_value_", v);
                // the class's bases are in its MRO (named as written when they are not classes of the source)
                if (mro(cls).stream().anyMatch(ENUM_MIXINS::contains)) m.attrs.put("__enum_value__", v);
                enumMembers.put(key, m);
                return m;
            }
        }
        return null;
    }

    /**
     * A dataclass field annotated with an enum class, given a string (--set norm=OFF, or Norm.OFF): the member of that
     * name, else of that value; a string that is neither is an error, never a value that compares unequal in silence.
     */
    private Value enumField(PyStmt.AnnAssign field, String module, Value v) {
        if (!(v instanceof StrV sv) || !(field.annotation() instanceof PyExpr.Name n)) return v;
        String cls = src.resolve(module, n.id());
        if (cls == null || src.classDecl(cls).isEmpty() || !isEnum(cls)) return v;
        String name = sv.value().startsWith(n.id() + ".") ? sv.value().substring(n.id().length() + 1) : sv.value();
        ObjectV member = enumMember(cls, name);
        if (member != null) return member;
        try {
            return enumLookup(cls, v);
        } catch (Raised r) {
            // unknown, so that what reads it is unanalysed with this reason
            return new UnknownV("'" + sv.value() + "' is neither the name nor the value of a member of " + shortName(cls));
        }
    }

    /** Cls(value) of an enum: the member with that value (or the member itself). */
    private Value enumLookup(String cls, Value v) {
        if (v instanceof ObjectV o && o.className.equals(cls) && o.attrs.containsKey("_value_")) return o;
        var decl = src.classDecl(cls).orElseThrow();
        for (PyStmt st : decl.def().body()) {
            if (st instanceof PyStmt.Assign a && a.targets().size() == 1 && a.targets().get(0) instanceof PyExpr.Name n) {
                ObjectV m = enumMember(cls, n.id());
                if (m != null && valueEquals(m.attrs.get("value"), v)) return m;
            }
        }
        if (v instanceof UnknownV u) return u;
        throw new Raised(describe(v) + " is not a valid " + shortName(cls));
    }

    /** The class and its bases in the source, depth first (a simple MRO). */
    List<String> mro(String cls) {
        List<String> out = new ArrayList<>();
        mro(cls, out, 0);
        return out;
    }

    private void mro(String cls, List<String> out, int d) {
        if (out.contains(cls) || d > 30) return;
        out.add(cls);
        if (isFramework(cls)) return; // not traced: no need to parse the framework's own bases
        for (String b : bases(cls)) mro(b, out, d + 1);
    }

    List<String> bases(String cls) { return src.classDecl(cls).map(SourceLookup.ClassDecl::bases).orElse(List.of()); }

    boolean isModuleClass(String cls) { return isSubclass(src, cls, NN_MODULE); }

    /**
     * Whether cls derives from target, walking the bases in the source but stopping at framework classes
     * (PreTrainedModel is a torch.nn.Module; its mixins are not looked into), so that the framework's large
     * files are not parsed.
     */
    public static boolean isSubclass(SourceLookup src, String cls, String target) {
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(cls));
        java.util.Set<String> seen = new java.util.HashSet<>();
        String t = normalizeModule(target);
        while (!todo.isEmpty() && seen.size() < 200) {
            String c = todo.poll();
            if (!seen.add(c)) continue;
            String n = normalizeModule(c);
            if (n.equals(t)) return true;
            // a torch.nn library module (nn.Embedding, nn.Linear) is a torch.nn.Module
            if (t.equals(NN_MODULE) && TorchOps.canonicalModule(c) != null) return true;
            if (isFramework(c)) {
                if (t.equals(NN_MODULE) && c.endsWith(".PreTrainedModel")) return true;
                if (!c.startsWith("torch.")) continue;
            }
            src.classDecl(c).ifPresent(d -> todo.addAll(d.bases()));
        }
        return false;
    }

    private static String normalizeModule(String q) {
        return switch (q) {
            case "torch.nn.Module", "nn.Module", "torch.nn.modules.module.Module" -> NN_MODULE;
            default -> q;
        };
    }

    // ---------------------------------------------------------------- calls

    private Value call(PyExpr.Call c, Frame f) {
        Value fn = eval(c.func(), f);
        List<Value> args = new ArrayList<>();
        for (PyExpr a : c.args()) {
            if (a instanceof PyExpr.Starred s) {
                List<Value> items = iterate(eval(s.value(), f));
                if (items == null) throw new Unanalysable("cannot expand *" + text(s.value()));
                args.addAll(items);
            } else args.add(eval(a, f));
        }
        Map<String, Value> kwargs = new LinkedHashMap<>();
        for (PyExpr.Keyword k : c.keywords()) {
            Value v = eval(k.value(), f);
            if (k.name() == null) {
                if (v instanceof DictV d) { for (var en : d.items().entrySet()) if (en.getKey() instanceof String s) kwargs.put(s, en.getValue()); }
                else if (!(v instanceof NoneV)) throw new Unanalysable("cannot expand **" + text(k.value()));
            } else kwargs.put(k.name(), v);
        }
        return invoke(fn, args, kwargs, f, c);
    }

    Value invoke(Value fn, List<Value> args, Map<String, Value> kwargs, Frame f, PyExpr.Call site) {
        if (++depth > MAX_DEPTH) { depth--; throw new Unanalysable("call depth over " + MAX_DEPTH + " (recursion?)"); }
        try {
            if (fn instanceof FuncV fv) return callFunction(fv, args, kwargs, f, site);
            if (fn instanceof ClassV cv) return instantiate(cv.qualifiedName(), args, kwargs, f);
            if (fn instanceof ObjectV o) {
                if (isModuleClass(o.className)) return callModule(o, args, kwargs, f, site);
                Optional<FuncV> call = method(o.className, "__call__", o);
                if (call.isPresent()) return callFunction(call.get(), args, kwargs, f, site);
                List<String> outside = bases(o.className).stream().filter(b -> src.classDecl(b).isEmpty()).toList();
                throw new Unanalysable(o.className + " is not callable as a module" + (outside.isEmpty() ? ""
                        : ": its base " + String.join(", ", outside) + " is not under the source folder, so FlopScope cannot tell it is a torch.nn.Module"));
            }
            if (fn instanceof ExternalModuleV m) return ops.callExternalModule(m, args, kwargs, f, callSiteName(site));
            if (fn instanceof BoundMethodV bm) return ops.callMethod(bm.receiver(), bm.name(), args, kwargs, f);
            if (fn instanceof VmapV vm) return callVmapped(vm, args, kwargs, f, site);
            if (fn instanceof PartialV p) {
                List<Value> all = new ArrayList<>(p.args());
                all.addAll(args);
                Map<String, Value> kw = new LinkedHashMap<>(p.kwargs());
                kw.putAll(kwargs);
                return invoke(p.fn(), all, kw, f, site);
            }
            if (fn instanceof ExternalV x) return ops.callExternal(x.qualifiedName(), args, kwargs, f);
            if (fn instanceof UnknownV u) throw new Unanalysable(u.reason());
            throw new Unanalysable("cannot call " + describe(fn));
        } finally {
            depth--;
        }
    }

    /**
     * A vmapped function: called once on one slice of each mapped argument, its costs counted once per slice (the
     * frame's multiplier), its result stacked along a new first dimension (a mask function over [q, kv] indices).
     */
    private Value callVmapped(VmapV vm, List<Value> args, Map<String, Value> kwargs, Frame f, PyExpr.Call site) {
        List<Value> inner = new ArrayList<>(args);
        Poly size = null;
        for (int i = 0; i < args.size(); i++) {
            Value d = vm.inDims().size() == 1 ? vm.inDims().get(0) : i < vm.inDims().size() ? vm.inDims().get(i) : NoneV.NONE;
            if (d instanceof NoneV) continue;
            if (!(d instanceof IntV di && di.isConstant() && di.value().isZero())) throw new Unanalysable("torch.vmap over a dimension other than 0");
            if (!(args.get(i) instanceof TensorV t) || t.rank() == 0) {
                if (args.get(i) instanceof NoneV) continue;
                throw new Unanalysable("torch.vmap over " + describe(args.get(i)));
            }
            if (size != null && !size.equals(t.shape().get(0))) throw new Unanalysable("torch.vmap over arguments of different sizes");
            size = t.shape().get(0);
            inner.set(i, new TensorV(t.shape().subList(1, t.rank()), t.dtype(), true));
        }
        if (size == null) throw new Unanalysable("torch.vmap with no mapped tensor argument");
        Poly saved = f.multiplier;
        f.multiplier = saved.multiply(size);
        Value r;
        try {
            r = invoke(vm.fn(), inner, kwargs, f, site);
        } finally {
            f.multiplier = saved;
        }
        List<Poly> shape = new ArrayList<>(List.of(size));
        if (r instanceof TensorV rt) { shape.addAll(rt.shape()); return new TensorV(shape, rt.dtype(), true); }
        if (r instanceof BoolV) return new TensorV(shape, DType.BOOL, true);
        if (r instanceof IntV) return new TensorV(shape, DType.INT64, true);
        if (r instanceof FloatV) return new TensorV(shape, DType.ACTIVATION, true);
        throw new Unanalysable("torch.vmap of a function returning " + describe(r));
    }

    /** Inlines a function or method: its costs belong to the calling line. */
    static Value probeValue(String name) { return probe(name); }

    /** Environment probes answered for the default inference target (eager PyTorch, no tracing or compiling). */
    private static Value probe(String qualified) {
        String name = qualified.substring(qualified.lastIndexOf('.') + 1);
        // other accelerators and optional packages (xpu, npu, hpu, mlu, kernels, ...) are absent on the default target
        if (qualified.startsWith("transformers.utils.import_utils.") && name.startsWith("is_") && name.endsWith("_available")
                && !Set.of("is_torch_available", "is_torch_sdpa_available", "is_torch_cuda_available").contains(name)) return new BoolV(false);
        return switch (name) {
            case "is_torchdynamo_compiling", "is_torch_fx_proxy", "is_tracing", "is_torch_flex_attn_available", "is_torch_xla_available",
                 "is_torchdynamo_exporting", "is_flash_attn_2_available", "is_flash_attn_greater_or_equal_2_10" -> new BoolV(false);
            case "is_torch_greater_or_equal", "is_torch_sdpa_available" -> new BoolV(true);
            case "get_torch_version" -> new StrV(TORCH_VERSION);
            default -> null;
        };
    }

    Value callFunction(FuncV fv, List<Value> args, Map<String, Value> kwargs, Frame caller, PyExpr.Call site) {
        Value probed = fv.self() == null ? probe(fv.module() + "." + fv.def().name()) : null;
        if (probed != null) return probed;
        // 5.17's fast_all(t) is t.sum() == t.numel(): the same truth as t.all(), which a known fill decides
        if (fv.self() == null && fv.def().name().equals("fast_all") && fv.module().equals("transformers.masking_utils") && args.size() == 1) {
            return ops.callMethod(args.get(0), "all", List.of(), Map.of(), caller);
        }
        kwargs = decoratedKwargs(fv, args, kwargs);
        Frame f = new Frame(fv.module(), fv.self(), fv.owner(), caller.rec, false, caller.multiplier,
                fv.def().name() + " (line " + fv.def().defLine() + ")");
        if (fv.closure() != null) f.locals.putAll(fv.closure());
        bindParams(fv.def().params(), fv.self() == null ? args : args, kwargs, f, fv.self() != null);
        if (caller.rec != null && !fv.def().name().equals("<lambda>")) {
            caller.rec.inlined(fv.def().name() + " (lines " + fv.def().span().startLine() + "-" + fv.def().span().endLine() + ")");
        }
        try {
            exec(fv.def().body(), f);
            return NoneV.NONE;
        } catch (ReturnSignal r) {
            return r.value;
        }
    }

    /** Binds call arguments to parameters as Python does; self is skipped when bound. */
    void bindParams(Params params, List<Value> args, Map<String, Value> kwargs, Frame f, boolean bound) {
        List<Params.Param> ps = params.params();
        int start = bound && !ps.isEmpty() && (ps.get(0).kind() == Params.Kind.POSITIONAL || ps.get(0).kind() == Params.Kind.POSITIONAL_ONLY) ? 1 : 0;
        if (bound && start == 1) f.locals.put(ps.get(0).name(), f.self);
        int ai = 0;
        Map<String, Value> rest = new LinkedHashMap<>(kwargs);
        for (int i = start; i < ps.size(); i++) {
            Params.Param p = ps.get(i);
            switch (p.kind()) {
                case POSITIONAL, POSITIONAL_ONLY -> {
                    if (ai < args.size()) f.locals.put(p.name(), args.get(ai++));
                    else if (rest.containsKey(p.name())) f.locals.put(p.name(), rest.remove(p.name()));
                    else if (p.defaultValue() != null) f.locals.put(p.name(), eval(p.defaultValue(), defaultsFrame(f)));
                    else throw new Unanalysable("missing argument '" + p.name() + "'");
                }
                case VAR_POSITIONAL -> {
                    f.locals.put(p.name(), new TupleV(new ArrayList<>(args.subList(Math.min(ai, args.size()), args.size()))));
                    ai = args.size();
                }
                case KEYWORD_ONLY -> {
                    if (rest.containsKey(p.name())) f.locals.put(p.name(), rest.remove(p.name()));
                    else if (p.defaultValue() != null) f.locals.put(p.name(), eval(p.defaultValue(), defaultsFrame(f)));
                    else throw new Unanalysable("missing keyword argument '" + p.name() + "'");
                }
                case VAR_KEYWORD -> {
                    DictV d = new DictV();
                    for (var en : rest.entrySet()) d.items().put(en.getKey(), en.getValue());
                    f.locals.put(p.name(), d);
                    rest.clear();
                }
            }
        }
        if (ai < args.size()) throw new Unanalysable("too many positional arguments (" + args.size() + ")");
        // unexpected keywords are ignored: HF passes **kwargs through layers
    }

    private Frame defaultsFrame(Frame f) { return new Frame(f.module, null, f.owner, Recorder.discarding(), false, Poly.ONE, null); }

    /** Creates an instance of a class from the source: runs __init__ (and base __init__s it calls). */
    Value instantiate(String cls, List<Value> args, Map<String, Value> kwargs, Frame caller) {
        if (args.size() == 1 && kwargs.isEmpty() && isEnum(cls)) return enumLookup(cls, args.get(0));
        if (Builtins.isModelOutput(this, cls)) {
            ObjectV out = new ObjectV(cls);
            for (var en : kwargs.entrySet()) { out.attrs.put(en.getKey(), en.getValue()); out.fieldOrder.add(en.getKey()); }
            return out;
        }
        boolean wasBuilding = building;
        if (caller == null) building = true;
        try {
            return construct(cls, args, kwargs, caller);
        } finally {
            building = wasBuilding;
        }
    }

    private Value construct(String cls, List<Value> args, Map<String, Value> kwargs, Frame caller) {
        ObjectV o = new ObjectV(cls);
        // a dict subclass built from a dict (transformers' ClassInstantier): keep the data for super().__getitem__
        if (!args.isEmpty() && args.get(0) instanceof DictV d) o.attrs.put("__data__", d);
        Optional<FuncV> init = method(cls, "__init__", o);
        if (init.isPresent()) {
            Recorder initRec = Recorder.conditionsOnly();
            Frame f = new Frame(init.get().module(), o, init.get().owner(), initRec, false, Poly.ONE, null);
            o.initConditions = initRec.conditions;
            bindParams(init.get().def().params(), args, kwargs, f, true);
            // numeric constructor arguments become the parameters of this class's analysis
            for (Params.Param p : init.get().def().params().params()) {
                Value v = f.locals.get(p.name());
                // a constant of 0 or less is an axis or a flag (RMSNorm(dim=-1)), not a size: it stays a constant
                if (v instanceof IntV iv && !p.name().equals("self") && !(iv.isConstant() && iv.value().constantValue().signum() <= 0))
                    o.ctorParams.put(p.name(), iv.value());
            }
            o.attrs.put("__ctor_args__", new DictV(new LinkedHashMap<>(f.locals)));
            int taints = buildTaints;
            try {
                exec(init.get().def().body(), f);
            } catch (ReturnSignal r) {
                // __init__ returns None
            } finally {
                o.buildTaints = buildTaints - taints;
            }
        } else if (isDataclass(cls)) {
            dataclassInit(cls, o, args, kwargs, caller);
        }
        return o;
    }

    /** Whether cls or a base in the source is decorated with @dataclass (5.x configs: PreTrainedConfig; ModelArgs of public models). */
    boolean isDataclass(String cls) {
        for (String c : mro(cls)) {
            var decl = src.classDecl(c);
            if (decl.isEmpty()) continue;
            for (PyExpr d : decl.get().def().decorators()) {
                String t = text(d instanceof PyExpr.Call call ? call.func() : d);
                if (t.equals("dataclass") || t.endsWith(".dataclass")) return true;
            }
        }
        return false;
    }

    /**
     * The __init__ that @dataclass writes: fields in definition order (bases first) from the arguments or their
     * defaults (field(default_factory=...) called), then __post_init__ with the keywords no field took when it accepts
     * **kwargs (transformers 5.x wraps config classes so).
     */
    private void dataclassInit(String cls, ObjectV o, List<Value> args, Map<String, Value> kwargs, Frame caller) {
        List<String> order = new ArrayList<>(mro(cls));
        java.util.Collections.reverse(order);
        Map<String, PyStmt.AnnAssign> fields = new LinkedHashMap<>();
        Map<String, String[]> where = new LinkedHashMap<>();
        for (String c : order) {
            var decl = src.classDecl(c);
            if (decl.isEmpty()) continue;
            for (PyStmt s : decl.get().def().body()) {
                if (s instanceof PyStmt.AnnAssign a && a.target() instanceof PyExpr.Name n && !text(a.annotation()).startsWith("ClassVar")) {
                    fields.remove(n.id());
                    fields.put(n.id(), a);
                    where.put(n.id(), new String[] {decl.get().module(), c});
                }
            }
        }
        Map<String, Value> rest = new LinkedHashMap<>(kwargs);
        int ai = 0;
        for (var e : fields.entrySet()) {
            String name = e.getKey();
            Value v;
            if (ai < args.size()) v = args.get(ai++);
            else if (rest.containsKey(name)) v = rest.remove(name);
            else if (e.getValue().value() == null) v = new UnknownV("dataclass field '" + name + "' was not given");
            else {
                Frame df = new Frame(where.get(name)[0], null, where.get(name)[1], Recorder.discarding(), false, Poly.ONE, null);
                try {
                    v = fieldDefault(e.getValue().value(), df);
                } catch (Unanalysable u) {
                    v = new UnknownV("default of dataclass field '" + name + "': " + u.getMessage());
                }
            }
            o.attrs.put(name, enumField(e.getValue(), where.get(name)[0], v));
        }
        Optional<FuncV> post = method(cls, "__post_init__", o);
        if (post.isEmpty()) return;
        boolean varKw = post.get().def().params().params().stream().anyMatch(p -> p.kind() == Params.Kind.VAR_KEYWORD);
        Frame f = caller != null ? caller : new Frame(post.get().module(), o, post.get().owner(), Recorder.discarding(), false, Poly.ONE, null);
        callFunction(post.get(), List.of(), varKw ? rest : Map.of(), f, null);
    }

    /** A dataclass field's default: field(default=v) is v, field(default_factory=f) is f(); anything else is evaluated. */
    private Value fieldDefault(PyExpr e, Frame f) {
        if (e instanceof PyExpr.Call c && (text(c.func()).equals("field") || text(c.func()).endsWith(".field"))) {
            for (PyExpr.Keyword k : c.keywords()) {
                if ("default".equals(k.name())) return eval(k.value(), f);
                if ("default_factory".equals(k.name())) return invoke(eval(k.value(), f), List.of(), Map.of(), f, null);
            }
            return new UnknownV("dataclass field without a default");
        }
        return eval(e, f);
    }

    /** Calls a module: one composite reference in the caller, the callee traced into its own analysis. */
    /**
     * What the Hugging Face decorators of a function do to its arguments on the default path (the function itself
     * is traced undecorated): @check_model_inputs fills use_cache from the config when the caller leaves it out;
     * @deprecate_kwarg renames an old keyword to its new name. The others (@can_return_tuple, @auto_docstring,
     * @dynamic_rope_update with the default RoPE, @use_kernel_forward_from_hub without the kernels package,
     * @torch.no_grad) leave the inference path as it is.
     */
    Map<String, Value> decoratedKwargs(FuncV fn, List<Value> args, Map<String, Value> kwargs) {
        Map<String, Value> out = kwargs;
        for (PyExpr d : fn.def().decorators()) {
            PyExpr callee = d instanceof PyExpr.Call c ? c.func() : d;
            String name = text(callee);
            name = name.substring(name.lastIndexOf('.') + 1);
            if (name.equals("check_model_inputs")) {
                List<Params.Param> ps = fn.def().params().params();
                int idx = -1;
                for (int k = 0; k < ps.size(); k++) if (ps.get(k).name().equals("use_cache")) idx = k - 1; // self
                boolean given = out.get("use_cache") != null && !(out.get("use_cache") instanceof NoneV) || idx >= 0 && idx < args.size() && !(args.get(idx) instanceof NoneV);
                Value uc = config.get("use_cache").orElse(null);
                if (idx >= 0 && !given && uc != null) { out = new LinkedHashMap<>(out); out.put("use_cache", uc); }
            }
            if (name.equals("deprecate_kwarg") && d instanceof PyExpr.Call c && !c.args().isEmpty() && c.args().get(0) instanceof PyExpr.Constant k0
                    && k0.value() instanceof String old) {
                String renamed = null;
                for (PyExpr.Keyword kw : c.keywords()) if ("new_name".equals(kw.name()) && kw.value() instanceof PyExpr.Constant nv && nv.value() instanceof String ns) renamed = ns;
                if (renamed != null && out.containsKey(old) && !out.containsKey(renamed)) {
                    out = new LinkedHashMap<>(out);
                    out.put(renamed, out.remove(old));
                }
            }
        }
        return out;
    }

    /**
     * The forward a transformers 5.x experts class runs: {@code @use_experts_implementation} replaces it with
     * {@code experts_interface.get_interface(config._experts_implementation, forward)} and gives the instance the
     * decorator's flags (has_gate, is_transposed, ...). Run from the decorator's own source (its keyword defaults, the
     * interface's mapping), so a new implementation or flag needs no change here; eager keeps the class's forward.
     */
    private FuncV expertsForward(ObjectV m, FuncV forward) {
        String impl = options.expertsImplementation();
        Optional<ExpertsDecorator> found = expertsDecorators.computeIfAbsent(m.className, this::findExpertsDecorator);
        if (found.isEmpty() || impl == null || impl.equals("eager")) return forward;
        PyExpr d = found.get().decorator();
        PyExpr callee = d instanceof PyExpr.Call dc ? dc.func() : d;
        Frame classFrame = new Frame(found.get().module(), null, found.get().owner(), Recorder.discarding(), false, Poly.ONE, null);
        if (!(eval(callee, classFrame) instanceof FuncV deco))
            throw new Unanalysable("@" + text(callee) + " is not in the source: give --experts eager, or the source of transformers.integrations");
        Frame decoFrame = new Frame(deco.module(), null, null, Recorder.discarding(), false, Poly.ONE, null);
        Map<String, Value> flags = new LinkedHashMap<>();
        for (Params.Param p : deco.def().params().params())
            if (p.kind() == Params.Kind.KEYWORD_ONLY && p.defaultValue() != null) flags.put(p.name(), eval(p.defaultValue(), decoFrame));
        if (d instanceof PyExpr.Call dc) for (PyExpr.Keyword k : dc.keywords()) if (k.name() != null) flags.put(k.name(), eval(k.value(), classFrame));
        Value iface = flags.remove("experts_interface");
        if (iface == null) throw new Unanalysable("@" + text(callee) + " names no experts_interface");
        for (var e : flags.entrySet()) m.attrs.putIfAbsent(e.getKey(), e.getValue());
        m.attrs.putIfAbsent("_is_expert_parallel", new BoolV(false)); // set by the decorator's __init__: one device
        // methods the decorator gives a class that lacks them (experts_class._apply_gate = _default_apply_gate)
        String clsParam = deco.def().params().params().isEmpty() ? "" : deco.def().params().params().get(0).name();
        for (PyStmt.Assign a : classAttributeAssignments(deco.def().body(), clsParam)) {
            String name = ((PyExpr.Attribute) a.targets().get(0)).attr();
            if (name.equals("__init__") || name.equals("forward") || m.attrs.containsKey(name) || method(m.className, name, m).isPresent()) continue;
            if (eval(a.value(), decoFrame) instanceof FuncV g) m.attrs.put(name, new FuncV(g.def(), g.module(), g.owner(), m, g.closure()));
        }
        Value chosen = invoke(attribute(iface, "get_interface", decoFrame), List.of(new StrV(impl), forward), Map.of(), decoFrame, null);
        if (chosen instanceof FuncV fv && fv.def() == forward.def()) return forward;
        if (!(chosen instanceof FuncV fv)) throw new Unanalysable("experts implementation '" + impl + "': " + describe(chosen));
        return new FuncV(fv.def(), fv.module(), fv.owner(), m, fv.closure());
    }

    /** The class (of cls's MRO) decorated with @use_experts_implementation, its module and the decorator expression. */
    private record ExpertsDecorator(String owner, String module, PyExpr decorator) {}

    /** Looked up once per class: every module call asks. */
    private final Map<String, Optional<ExpertsDecorator>> expertsDecorators = new HashMap<>();

    private Optional<ExpertsDecorator> findExpertsDecorator(String cls) {
        for (String c : mro(cls)) {
            if (isFramework(c)) continue;
            var decl = src.classDecl(c);
            if (decl.isEmpty()) continue;
            for (PyExpr d : decl.get().def().decorators()) {
                PyExpr callee = d instanceof PyExpr.Call dc ? dc.func() : d;
                if (text(callee).endsWith("use_experts_implementation")) return Optional.of(new ExpertsDecorator(c, decl.get().module(), d));
            }
        }
        return Optional.empty();
    }

    /** {@code cls.NAME = value} statements anywhere in a class decorator's body (nested functions included). */
    private static List<PyStmt.Assign> classAttributeAssignments(List<PyStmt> body, String clsParam) {
        List<PyStmt.Assign> out = new ArrayList<>();
        for (PyStmt st : body) {
            if (st instanceof PyStmt.Assign a && a.targets().size() == 1 && a.targets().get(0) instanceof PyExpr.Attribute at
                    && at.value() instanceof PyExpr.Name n && n.id().equals(clsParam)) out.add(a);
            else if (st instanceof PyStmt.If i) { out.addAll(classAttributeAssignments(i.body(), clsParam)); out.addAll(classAttributeAssignments(i.orelse(), clsParam)); }
            else if (st instanceof PyStmt.FunctionDef fd) out.addAll(classAttributeAssignments(fd.body(), clsParam)); // the inner wrapper(experts_class)
        }
        return out;
    }

    /** The submodule a call names ({@code self.q_proj(x)} → q_proj, {@code self.layers[i](x)} → layers), for the kernel's title. */
    static String callSiteName(PyExpr.Call site) {
        if (site == null) return null;
        PyExpr fn = site.func();
        if (fn instanceof PyExpr.Subscript sub) fn = sub.value();
        if (fn instanceof PyExpr.Attribute a) return a.attr();
        if (fn instanceof PyExpr.Name n) return n.id();
        return null;
    }

    Value callModule(ObjectV m, List<Value> args, Map<String, Value> kwargs, Frame caller, PyExpr.Call site) {
        Optional<FuncV> fwd = method(m.className, "forward", m);
        if (fwd.isEmpty()) throw new Unanalysable(m.className + " has no forward()");
        fwd = Optional.of(expertsForward(m, fwd.get()));
        kwargs = decoratedKwargs(fwd.get(), args, kwargs);
        // every input dimension is a parameter of the callee's analysis, bound here to the caller's sizes
        Map<String, Poly> dimArgs = new LinkedHashMap<>();
        List<Value> symArgs = new ArrayList<>();
        Map<String, Value> symKw = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (Params.Param p : fwd.get().def().params().params()) if (p.kind() == Params.Kind.POSITIONAL || p.kind() == Params.Kind.POSITIONAL_ONLY) names.add(p.name());
        if (!names.isEmpty()) names.remove(0); // self
        // dimensions that are already global expressions stay concrete (branches on them stay decidable);
        // a class called with different global shapes is traced again with every dimension symbolic
        StringBuilder sig = new StringBuilder();
        // a module class from another module than the model's (transformers.activations) serves many models: traced with
        // its input sizes as parameters, so that one analysis of it holds wherever it is called
        boolean shared = sharedClass(m.className);
        for (int i = 0; i < args.size(); i++) symArgs.add(symbolize(args.get(i), i < names.size() ? names.get(i) : "arg" + i, dimArgs, shared, sig));
        for (var e : kwargs.entrySet()) symKw.put(e.getKey(), symbolize(e.getValue(), e.getKey(), dimArgs, shared, sig));
        String doc;
        ObjectV twin = twinsInProgress.containsKey(m.className) ? m : twinOf(m);
        if (twin == null) {
            // this instance's structure depends on its constructor's values (a dense or a MoE layer): traced as it is,
            // and instances whose analyses come out the same share one document
            doc = tracePinned(m, symArgs, symKw, fwd.get());
        } else {
            // one document per set of input ranks (RMSNorm of [b, s, h, d] and of [b, s, d] are two analyses)
            // and per set of constructor arguments given as ints (DeepSeek's MLP built with and without intermediate_size)
            doc = variant(m.className, "dims:" + String.join(",", dimArgs.keySet()) + " ctor:" + intArguments(m));
            if (!twinsInProgress.containsKey(m.className)) {
                String first = signatures.get(doc);
                if (first == null) {
                    signatures.put(doc, sig.toString());
                    traceTwin(doc, m, twin, symArgs, symKw, fwd.get());
                } else if (!genericClasses.contains(doc) && !first.equals(sig.toString())) {
                    genericClasses.add(doc);
                    List<Value> gArgs = new ArrayList<>();
                    Map<String, Value> gKw = new LinkedHashMap<>();
                    Map<String, Poly> ignored = new LinkedHashMap<>();
                    for (int i = 0; i < args.size(); i++) gArgs.add(symbolize(args.get(i), i < names.size() ? names.get(i) : "arg" + i, ignored, true, new StringBuilder()));
                    for (var e : kwargs.entrySet()) gKw.put(e.getKey(), symbolize(e.getValue(), e.getKey(), ignored, true, new StringBuilder()));
                    traceTwin(doc, m, twin, gArgs, gKw, fwd.get());
                }
            }
        }
        Map<String, Poly> callArgs = new LinkedHashMap<>(m.ctorParams);
        callArgs.putAll(dimArgs);
        String named = callSiteName(site);
        caller.rec.event(new Recorder.Event(named != null ? named : shortName(m.className), "module call", io.flopscope.document.FlopClass.VECTOR,
                Poly.ZERO, Poly.ZERO, Poly.ZERO, doc, callArgs, true, caller.multiplier, null));
        // the caller needs the real output: run the real instance without recording; what fails inside
        // is reported in the callee's own analysis, and only taints the output here
        Frame f = new Frame(fwd.get().module(), m, fwd.get().owner(), Recorder.discarding(), false, Poly.ONE, null);
        try {
            bindParams(fwd.get().def().params(), args, kwargs, f, true);
            exec(fwd.get().def().body(), f);
            return NoneV.NONE;
        } catch (ReturnSignal r) {
            return r.value;
        } catch (Unanalysable u) {
            return new UnknownV("output of " + shortName(m.className) + " is unknown: " + u.getMessage());
        }
    }

    /**
     * A copy of v whose tensor dimensions are symbols named after the argument ({@code hidden_states_dim2}),
     * except dimensions that are global expressions when not generic; sig records the shapes seen.
     */
    private static Value symbolize(Value v, String name, Map<String, Poly> bindings, boolean generic, StringBuilder sig) {
        if (v instanceof TensorV t) {
            List<Poly> dims = new ArrayList<>();
            sig.append(name).append('[');
            for (int i = 0; i < t.rank(); i++) {
                String n = name + "_dim" + i;
                Poly d = t.shape().get(i);
                bindings.put(n, d);
                boolean global = d.symbols().stream().allMatch(Interpreter::isGlobalSymbol);
                dims.add(global && !generic ? d : Poly.symbol(n));
                sig.append(global ? d.toFormula() : "?").append(',');
            }
            sig.append(']');
            // an index bound over the config's sizes (topk's expert indices) holds in every call
            Poly bound = t.indexBound() != null && t.indexBound().symbols().stream().allMatch(Interpreter::isGlobalSymbol) ? t.indexBound() : null;
            if (bound != null) sig.append("<").append(bound.toFormula());
            // positions whose values are known (input_pos = arange(cache_len, ...)) keep them: conditions read them
            Poly start = t.arangeStart() != null && !generic && t.arangeStart().symbols().stream().allMatch(Interpreter::isGlobalSymbol) ? t.arangeStart() : null;
            if (start != null) sig.append("@").append(start.toFormula());
            return new TensorV(dims, t.dtype(), t.contiguous(), start, null, t.fill(), null, bound);
        }
        if (v instanceof TupleV tv) {
            List<Value> items = new ArrayList<>();
            for (int i = 0; i < tv.items().size(); i++) items.add(symbolize(tv.items().get(i), name + "_" + i, bindings, generic, sig));
            return new TupleV(items);
        }
        if (v instanceof RepeatedV r) return new RepeatedV(symbolize(r.element(), name, bindings, generic, sig), r.count());
        return v;
    }

    private final Map<String, String> signatures = new HashMap<>();
    private final Set<String> genericClasses = new java.util.HashSet<>();
    /** Document name -> the source class it analyses (a class with variants has one document per variant). */
    final Map<String, String> docClass = new LinkedHashMap<>();
    /** Document name -> what distinguishes the variant (its input dimensions, or its traced analysis). */
    private final Map<String, String> variantKeys = new LinkedHashMap<>();
    /** The generic copy of each instance (null: the instance's structure needs its constructor's values). */
    private final Map<ObjectV, Optional<ObjectV>> twins = new java.util.IdentityHashMap<>();

    /** The document for this variant of cls: the class name for the first, cls_v2, cls_v3, ... for the others. */
    private String variant(String cls, String key) {
        int k = 0;
        for (var e : docClass.entrySet()) {
            if (!e.getValue().equals(cls)) continue;
            k++;
            if (key.equals(variantKeys.get(e.getKey()))) return e.getKey();
        }
        String doc = k == 0 ? cls : cls + "_v" + (k + 1);
        docClass.put(doc, cls);
        variantKeys.put(doc, key);
        return doc;
    }

    /** The constructor arguments of m that are ints (whatever their value), as a key. */
    private static String intArguments(ObjectV m) {
        if (!(m.attrs.get("__ctor_args__") instanceof DictV ctor)) return "";
        StringBuilder sb = new StringBuilder();
        for (var e : ctor.items().entrySet()) if (e.getValue() instanceof IntV && !"self".equals(e.getKey())) sb.append(e.getKey()).append(',');
        return sb.toString();
    }

    /** The source class a document analyses. */
    String sourceClass(String doc) { return docClass.getOrDefault(doc, doc); }

    /**
     * A copy of m built with its numeric constructor arguments as symbols, so that one analysis serves every
     * instance; m itself when it has none; null when building the copy fails where m did not (the structure
     * depends on the values: config.layer_types[layer_idx], layer_idx >= first_k_dense_replace).
     */
    private ObjectV twinOf(ObjectV m) {
        Optional<ObjectV> known = twins.get(m);
        if (known != null) return known.orElse(null);
        ObjectV twin = m;
        if (!m.ctorParams.isEmpty() && m.attrs.get("__ctor_args__") instanceof DictV ctor) {
            Map<String, Value> kw = new LinkedHashMap<>();
            for (var en : ctor.items().entrySet()) {
                String k = (String) en.getKey();
                if (k.equals("self")) continue;
                kw.put(k, m.ctorParams.containsKey(k) ? new IntV(Poly.symbol(k)) : en.getValue());
            }
            int taints = buildTaints, diags = diagnostics.size();
            twinsInProgress.put(m.className, m);
            try {
                Value t = instantiate(m.className, new ArrayList<>(), kw, null);
                // worse than m: more failed statements, or more attributes it could not compute (an if on layer_idx)
                twin = t instanceof ObjectV o && buildTaints - taints <= m.buildTaints && unknowns(o) <= unknowns(m) ? o : null;
            } catch (Unanalysable | ReturnSignal ex) {
                twin = null;
            } finally {
                twinsInProgress.remove(m.className);
            }
            if (twin == null) {
                diagnostics.subList(diags, diagnostics.size()).clear();
                buildTaints = taints;
            }
        }
        twins.put(m, Optional.ofNullable(twin));
        return twin;
    }

    /** Traces forward() of a generic copy of m (twin) whose numeric constructor arguments are symbols. */
    private void traceTwin(String doc, ObjectV m, ObjectV twin, List<Value> args, Map<String, Value> kwargs, FuncV fwd) {
        Recorder rec = trace(doc, m, twin, args, kwargs, fwd);
        traced.put(doc, rec);
        docParams.put(doc, paramCandidates(twin == m ? List.of() : twin.ctorParams.keySet(), args, kwargs));
    }

    /** The parameters a document may keep: the symbolic constructor arguments, then every input dimension. */
    private static List<String> paramCandidates(java.util.Collection<String> ctor, List<Value> args, Map<String, Value> kwargs) {
        List<String> out = new ArrayList<>(ctor);
        for (Value a : args) collectDims(a, out);
        for (Value a : kwargs.values()) collectDims(a, out);
        return out;
    }

    private Recorder trace(String doc, ObjectV m, ObjectV self, List<Value> args, Map<String, Value> kwargs, FuncV fwd) {
        twinsInProgress.put(m.className, self);
        // the lines are those of the forward that runs: an inherited one, or the function an experts decorator chose
        Recorder rec = new Recorder(doc, fwd.module() != null ? fwd.module() : src.classDecl(m.className).map(d -> d.module()).orElse(null), false);
        traced.putIfAbsent(doc, rec); // a recursive call finds its own document
        for (String c : m.initConditions) rec.condition(c);
        Frame f = new Frame(fwd.module(), self, fwd.owner(), rec, true, Poly.ONE, null);
        try {
            bindParams(fwd.def().params(), args, kwargs, f, true);
            if (rec.inputs.isEmpty()) {
                for (var p : fwd.def().params().params()) if (f.locals.get(p.name()) instanceof TensorV t) rec.inputs.put(p.name(), t);
                // sizes the module computed from the config in __init__ (self.head_dim = embed_dim // num_heads)
                for (var a : m.attrs.entrySet()) {
                    if (a.getValue() instanceof IntV iv && !iv.value().isConstant() && iv.value().symbols().stream().allMatch(Interpreter::isGlobalSymbol)) {
                        rec.sizes.put(a.getKey(), new Recorder.Size(iv.value(), m.attrLines.getOrDefault(a.getKey(), 0)));
                    }
                }
            }
            exec(fwd.def().body(), f);
        } catch (ReturnSignal r) {
            // done
        } catch (Unanalysable u) {
            String msg = u.getMessage();
            // the model's own forward: an input nobody supplied is the user's to give, never a silent zero
            if (m == root && msg.startsWith("missing ")) msg += ": the forward input has no value; give it with --input NAME=... (docs/analyzer.md, \"Forward inputs\")";
            diagnostics.add(Diagnostic.error(rec.file, fwd.def().defLine(), m.className + ": " + msg));
            // recorded as an unanalysed line of the document, so that the totals say INCOMPLETE
            rec.enter(fwd.def(), fwd.def().defLine());
            rec.unanalysed(msg);
        } catch (RuntimeException e) {
            // a defect of the analyzer, not of the model: the forward is unanalysed, with what went wrong, never a silent zero
            if (e instanceof BreakSignal || e instanceof ContinueSignal) throw e;
            String msg = internalError(e);
            diagnostics.add(Diagnostic.error(rec.file, lastLine, m.className + ": " + msg));
            rec.enter(fwd.def(), fwd.def().defLine());
            rec.unanalysed(msg + " at line " + lastLine);
        } finally {
            twinsInProgress.remove(m.className);
        }
        return rec;
    }

    /** Traces this instance as it is; returns the document of the variant whose analysis is the same, or a new one. */
    private String tracePinned(ObjectV m, List<Value> args, Map<String, Value> kwargs, FuncV fwd) {
        String probe = m.className + "#probe";
        Recorder rec = trace(probe, m, m, args, kwargs, fwd);
        traced.remove(probe);
        String key = "trace:" + fingerprint(rec);
        boolean known = docClass.entrySet().stream().anyMatch(e -> e.getValue().equals(m.className) && key.equals(variantKeys.get(e.getKey())));
        String doc = variant(m.className, key);
        if (!known) {
            Recorder named = new Recorder(doc, rec.file, false);
            named.stmts.putAll(rec.stmts);
            named.skipped.addAll(rec.skipped);
            named.conditions.addAll(rec.conditions);
            traced.put(doc, named);
            docParams.put(doc, paramCandidates(List.of(), args, kwargs));
        }
        return doc;
    }

    /** What an analysis says, line by line: two traces with the same fingerprint are the same document. */
    private static String fingerprint(Recorder r) {
        StringBuilder sb = new StringBuilder();
        for (var e : r.stmts.entrySet()) {
            Recorder.StmtRecord st = e.getValue();
            sb.append(e.getKey()).append('|').append(st.notes).append('|').append(st.inlined).append('|').append(st.unanalysed).append('\n');
            for (Recorder.Event ev : st.events) sb.append("  ").append(ev).append('\n');
        }
        sb.append(r.skipped).append(r.conditions);
        return sb.toString();
    }

    private static void collectDims(Value v, List<String> out) {
        if (v instanceof TensorV t) for (Poly d : t.shape()) out.addAll(d.symbols());
        if (v instanceof TupleV tv) for (Value x : tv.items()) collectDims(x, out);
    }

    private ObjectV root;

    /** Traces the root module's forward (the model) into its analysis. */
    public void traceRoot(ObjectV root, List<Value> args, Map<String, Value> kwargs) {
        Optional<FuncV> fwd = method(root.className, "forward", root);
        if (fwd.isEmpty()) throw new Unanalysable(root.className + " has no forward()");
        // the root's constructor arguments are the config's values: no caller binds them, so no generic copy
        root.ctorParams.clear();
        this.root = root;
        traceTwin(variant(root.className, "root"), root, root, args, decoratedKwargs(fwd.get(), args, kwargs), fwd.get());
    }

    // ---------------------------------------------------------------- operators

    Value binary(Value a, String op, Value b, Frame f, boolean inPlace) {
        if (a instanceof TensorV || b instanceof TensorV) return ops.tensorBinary(a, op, b, f, inPlace);
        if (a instanceof UnknownV u) return u;
        if (b instanceof UnknownV u) return u;
        if (a instanceof IntV x && b instanceof IntV y) {
            // config sizes that divide with this config's values (head_dim // 2 in RoPE) divide exactly
            if (op.equals("//") && !y.value().isZero()) {
                Poly q = x.value().divide(y.value());
                if (!exactOrFloor(x.value(), y.value()).equals(q) && configIntegral(q)) {
                    if (f != null && f.rec != null) f.rec.condition("`" + q.toFormula() + "` is an integer with this config's values (the sizes divide)");
                    return new IntV(q);
                }
            }
            return intBinary(x.value(), op, y.value());
        }
        if (a instanceof BoolV x && b instanceof BoolV y && (op.equals("^") || op.equals("&") || op.equals("|"))) {
            return new BoolV(op.equals("^") ? x.value() != y.value() : op.equals("&") ? x.value() && y.value() : x.value() || y.value());
        }
        if (a instanceof BoolV x && b instanceof IntV) return binary(IntV.of(x.value() ? 1 : 0), op, b, f, inPlace);
        if (a instanceof IntV && b instanceof BoolV y) return binary(a, op, IntV.of(y.value() ? 1 : 0), f, inPlace);
        // a symbolic size times a float with a short exact value (head_dim * partial_rotary_factor = 1.0):
        // the product stays an exact size, and int() of it floors a non-integer result
        if (op.equals("*") && a instanceof IntV x && !x.isConstant() && b instanceof FloatV y && exactRational(y.value()) != null)
            return new IntV(x.value().multiply(Poly.constant(exactRational(y.value()))));
        if (op.equals("*") && b instanceof IntV x && !x.isConstant() && a instanceof FloatV y && exactRational(y.value()) != null)
            return new IntV(x.value().multiply(Poly.constant(exactRational(y.value()))));
        if (isNumber(a) && isNumber(b)) return floatBinary(a, op, b);
        if (a instanceof TupleV x && b instanceof TupleV y && op.equals("+")) { List<Value> l = new ArrayList<>(x.items()); l.addAll(y.items()); return new TupleV(l); }
        if (a instanceof ListV x && b instanceof ListV y && op.equals("+")) { List<Value> l = new ArrayList<>(x.items()); l.addAll(y.items()); return new ListV(l); }
        if ((a instanceof ListV || a instanceof TupleV) && b instanceof IntV n && op.equals("*")) {
            List<Value> items = a instanceof ListV l ? l.items() : ((TupleV) a).items();
            if (n.isConstant()) {
                List<Value> out = new ArrayList<>();
                for (long i = 0; i < n.value().constantValue().num().longValue(); i++) out.addAll(items);
                return a instanceof ListV ? new ListV(out) : new TupleV(out);
            }
            if (items.size() == 1) return new RepeatedV(items.get(0), n.value());
        }
        if (a instanceof StrV x && b instanceof StrV y && op.equals("+")) return new StrV(x.value() + y.value());
        throw new Unanalysable("operator " + op + " on " + describe(a) + " and " + describe(b));
    }

    static boolean isNumber(Value v) { return v instanceof IntV || v instanceof FloatV || v instanceof BoolV; }

    static Value intBinary(Poly x, String op, Poly y) {
        switch (op) {
            case "+": return new IntV(x.add(y));
            case "-": return new IntV(x.subtract(y));
            case "*": return new IntV(x.multiply(y));
            case "//":
                if (y.isZero()) throw new Unanalysable("integer division by zero");
                return new IntV(exactOrFloor(x, y));
            case "%":
                if (y.isZero()) throw new Unanalysable("modulo by zero");
                // never a ratio of sizes taken as exact: (i + 1) % pattern is 0 only when the values say so
                return new IntV(x.subtract(y.multiply(floorQuotient(x, y))));
            case "/":
                if (y.isZero()) throw new Unanalysable("division by zero");
                if (x.isConstant() && y.isConstant()) return new FloatV(x.constantValue().divide(y.constantValue()).doubleValue());
                return new IntV(x.divide(y)); // a size ratio (head_dim ** -0.5 style uses stay symbolic)
            case "**":
                if (y.isConstant() && y.constantValue().isInteger() && y.constantValue().signum() >= 0) return new IntV(x.pow(y.constantValue().num().intValueExact()));
                return new FloatV(Double.NaN);
            default: throw new Unanalysable("operator " + op + " on ints");
        }
    }

    /**
     * x // y: the quotient itself when it is a polynomial with integer coefficients, or a ratio of two sizes
     * (hidden_size // num_heads: models require such sizes to divide, and check it); else floor(x / y).
     */
    /** floor(x / y), exact only where the quotient is a polynomial with integer coefficients. */
    private static Poly floorQuotient(Poly x, Poly y) {
        Poly q = x.divide(y);
        if (q.isConstant()) return Poly.constant(Rational.of(q.constantValue().floor()));
        boolean integerPolynomial = q.terms().values().stream().allMatch(Rational::isInteger)
                && q.terms().keySet().stream().allMatch(m -> m.factors().values().stream().allMatch(e -> e > 0)
                && m.factors().keySet().stream().allMatch(a -> a instanceof io.flopscope.formula.Atom.Sym));
        return integerPolynomial ? q : Poly.floor(q);
    }

    /** floor(x / y), where a ratio of sizes (hidden_size // num_heads) also divides exactly. */
    private static Poly exactOrFloor(Poly x, Poly y) {
        Poly q = x.divide(y);
        boolean ratioOfSizes = !q.isConstant() && x.terms().size() == 1 && y.terms().size() == 1 && !y.isConstant()
                && q.terms().values().stream().allMatch(Rational::isInteger);
        return ratioOfSizes ? q : floorQuotient(x, y);
    }

    /** A finite double with a denominator of at most 2^20 as an exact rational (1.0, 0.5, 0.25), else null. */
    static Rational exactRational(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) return null;
        java.math.BigDecimal b = new java.math.BigDecimal(d);
        for (int k = 0; k <= 20; k++) {
            java.math.BigDecimal scaled = b.multiply(java.math.BigDecimal.valueOf(1L << k));
            if (scaled.stripTrailingZeros().scale() <= 0) return Rational.of(scaled.toBigIntegerExact()).divide(Rational.of(1L << k));
        }
        return null;
    }

    static Value floatBinary(Value a, String op, Value b) {
        double x = num(a), y = num(b);
        return switch (op) {
            case "+" -> new FloatV(x + y);
            case "-" -> new FloatV(x - y);
            case "*" -> new FloatV(x * y);
            case "/" -> new FloatV(x / y);
            case "**" -> new FloatV(Math.pow(x, y));
            case "//" -> new FloatV(Math.floor(x / y));
            default -> new FloatV(Double.NaN);
        };
    }

    static double num(Value v) {
        if (v instanceof FloatV f) return f.value();
        if (v instanceof BoolV b) return b.value() ? 1 : 0;
        if (v instanceof IntV i && i.isConstant()) return i.value().constantValue().doubleValue();
        return Double.NaN;
    }

    private Value unary(String op, Value v, Frame f) {
        if (op.equals("not")) {
            Boolean t = truth(v);
            if (t != null) return new BoolV(!t);
            Poly g = guardOf(v);
            return g == null ? UnknownV.bool("`not` of an undecidable value") : UnknownV.guarded("not (" + ((UnknownV) v).reason() + ")", Poly.ONE.subtract(g));
        }
        if (v instanceof TensorV t) return ops.tensorUnary(op, t, f);
        if (v instanceof IntV i) return op.equals("-") ? new IntV(i.value().negate()) : i;
        if (v instanceof FloatV x) return op.equals("-") ? new FloatV(-x.value()) : x;
        if (v instanceof UnknownV) return v;
        throw new Unanalysable("unary " + op + " on " + describe(v));
    }

    private Value compare(PyExpr.Compare c, Frame f) {
        Value left = eval(c.left(), f);
        for (int i = 0; i < c.ops().size(); i++) {
            Value right = eval(c.comparators().get(i), f);
            Value r = compareOne(left, c.ops().get(i), right, f);
            Boolean t = truth(r);
            if (t == null) return r;
            if (!t) return new BoolV(false);
            left = right;
        }
        return new BoolV(true);
    }

    private Value compareOne(Value a, String op, Value b, Frame f) {
        if (op.equals("is") || op.equals("is not")) {
            MaybeV opt = a instanceof MaybeV m && b instanceof NoneV ? m : b instanceof MaybeV m && a instanceof NoneV ? m : null;
            if (opt != null) {
                Poly present = opt.present();
                return UnknownV.guarded("whether an optional value is None depends on the sizes", op.equals("is not") ? present : Poly.ONE.subtract(present));
            }
            boolean same = a == b || (a instanceof NoneV && b instanceof NoneV) || (a instanceof BoolV x && b instanceof BoolV y && x.value() == y.value());
            boolean againstNone = a instanceof NoneV || b instanceof NoneV;
            boolean knownNotNone = (a instanceof UnknownV ua && !ua.maybeNone()) || (b instanceof UnknownV ub && !ub.maybeNone());
            if (!same && againstNone && knownNotNone) return new BoolV(op.equals("is not"));
            if (!same && (a instanceof UnknownV || b instanceof UnknownV)) return new UnknownV("identity of an unanalysed value");
            return new BoolV(op.equals("is") == same);
        }
        if (op.equals("in") || op.equals("not in")) {
            if (b instanceof ObjectV o && method(o.className, "__getitem__", o).isPresent()) {
                Optional<FuncV> c = method(o.className, "__contains__", o);
                Value r = c.isPresent() ? callFunction(c.get(), List.of(a), Map.of(), f, null) : mappingMethod(o, "__contains__", List.of(a), f);
                Boolean t = truth(r);
                if (t == null) return new UnknownV("membership test on " + describe(b));
                return new BoolV(op.equals("in") == t);
            }
            Boolean in = contains(b, a);
            return in == null ? new UnknownV("membership test on " + describe(b)) : new BoolV(op.equals("in") == in);
        }
        if (a instanceof TensorV || b instanceof TensorV) return ops.tensorBinary(a, op, b, f, false);
        if (a instanceof UnknownV) return a;
        if (b instanceof UnknownV) return b;
        if (a instanceof IntV x && b instanceof IntV y) {
            Boolean r = Truth.compare(x.value(), op, y.value());
            if (r != null) return new BoolV(r);
            r = decideByConfig(x.value(), op, y.value(), f);
            if (r != null) return new BoolV(r);
            return UnknownV.guarded("`" + x.value().toFormula() + " " + op + " " + y.value().toFormula() + "` depends on the sizes", indicator(x.value(), op, y.value()));
        }
        if (isNumber(a) && isNumber(b)) {
            double x = num(a), y = num(b);
            if (Double.isNaN(x) || Double.isNaN(y)) return new UnknownV("comparison of symbolic floats");
            return new BoolV(switch (op) { case "==" -> x == y; case "!=" -> x != y; case "<" -> x < y; case "<=" -> x <= y; case ">" -> x > y; default -> x >= y; });
        }
        if (a instanceof StrV x && b instanceof StrV y && VERSION.matcher(x.value()).matches() && VERSION.matcher(y.value()).matches()
                && List.of("<", "<=", ">", ">=").contains(op)) {
            int cmp = compareVersions(x.value(), y.value());
            return new BoolV(switch (op) { case "<" -> cmp < 0; case "<=" -> cmp <= 0; case ">" -> cmp > 0; default -> cmp >= 0; });
        }
        // sequences order lexicographically: the first unequal pair decides, else the shorter is less
        if ((a instanceof TupleV || a instanceof ListV) && a.getClass() == b.getClass() && List.of("<", "<=", ">", ">=").contains(op)) {
            List<Value> xs = a instanceof TupleV t ? t.items() : ((ListV) a).items(), ys = b instanceof TupleV t ? t.items() : ((ListV) b).items();
            for (int i = 0; i < Math.min(xs.size(), ys.size()); i++) {
                if (valueEquals(xs.get(i), ys.get(i))) continue;
                return compareOne(xs.get(i), op.substring(0, 1), ys.get(i), f);
            }
            int dl = Integer.compare(xs.size(), ys.size());
            return new BoolV(switch (op) { case "<" -> dl < 0; case "<=" -> dl <= 0; case ">" -> dl > 0; default -> dl >= 0; });
        }
        boolean eq = valueEquals(a, b);
        if (op.equals("==")) return new BoolV(eq);
        if (op.equals("!=")) return new BoolV(!eq);
        return new UnknownV("comparison " + op + " of " + describe(a) + " and " + describe(b));
    }

    /**
     * A comparison of config integers only (config.pretraining_tp > 1, num_heads // num_key_value_heads == 1) that
     * the symbols alone cannot decide is decided with the config's values, like booleans and strings that choose the
     * path: the document states it as a condition. Conditions that involve scenario sizes stay guarded.
     */
    Boolean decideByConfig(Poly a, String op, Poly b, Frame f) {
        Poly d = a.subtract(b);
        if (d.symbols().isEmpty()) return null;
        Rational v = configValue(d);
        if (v == null) return null;
        int sg = v.signum();
        boolean r = switch (op) {
            case "==" -> sg == 0; case "!=" -> sg != 0; case ">" -> sg > 0; case ">=" -> sg >= 0; case "<" -> sg < 0; case "<=" -> sg <= 0;
            default -> throw new Unanalysable("comparison " + op);
        };
        String cond = "`" + a.toFormula() + " " + op + " " + b.toFormula() + "` is " + (r ? "True" : "False") + " with this config's values";
        if (f != null && f.rec != null) f.rec.condition(cond);
        return r;
    }

    /** Whether q, a formula over config integers only, is an integer with this config's values. */
    private boolean configIntegral(Poly q) {
        if (q.symbols().isEmpty()) return false;
        Rational v = configValue(q);
        return v != null && v.isInteger();
    }


    private static final java.util.regex.Pattern VERSION = java.util.regex.Pattern.compile("\\d+(\\.\\d+)*([.+a-z].*)?");

    /** Release versions compared component by component (version.parse(torch.__version__) < version.parse("2.2.0")). */
    static int compareVersions(String a, String b) {
        String[] x = a.split("[^0-9]+"), y = b.split("[^0-9]+");
        for (int i = 0; i < Math.max(x.length, y.length) && i < 3; i++) {
            long p = i < x.length && !x[i].isEmpty() ? Long.parseLong(x[i]) : 0, q = i < y.length && !y[i].isEmpty() ? Long.parseLong(y[i]) : 0;
            if (p != q) return Long.compare(p, q);
        }
        return 0;
    }

    /** [a op b] as a polynomial in positive(): exact for integers. */
    static Poly indicator(Poly a, String op, Poly b) {
        Poly d = a.subtract(b);
        Poly gt = Poly.positive(d), lt = Poly.positive(d.negate());
        return switch (op) {
            case ">" -> gt;
            case "<" -> lt;
            case ">=" -> Poly.ONE.subtract(lt);
            case "<=" -> Poly.ONE.subtract(gt);
            case "==" -> Poly.ONE.subtract(gt).subtract(lt);
            default -> gt.add(lt);
        };
    }

    private static Poly guardOf(Value v) {
        if (v instanceof BoolV b) return b.value() ? Poly.ONE : Poly.ZERO;
        if (v instanceof UnknownV u) return u.guard();
        return null;
    }

    private static boolean valueEquals(Value a, Value b) {
        // a str or int enum member equals its value
        if (a instanceof ObjectV o && o.attrs.get("__enum_value__") != null && !(b instanceof ObjectV)) return valueEquals(o.attrs.get("__enum_value__"), b);
        if (b instanceof ObjectV o && o.attrs.get("__enum_value__") != null && !(a instanceof ObjectV)) return valueEquals(a, o.attrs.get("__enum_value__"));
        if (a instanceof StrV x && b instanceof StrV y) return x.value().equals(y.value());
        if (a instanceof NoneV || b instanceof NoneV) return a == b;
        if (a instanceof DTypeV x && b instanceof DTypeV y) return x.dtype() == y.dtype();
        return a.equals(b);
    }

    Boolean containsValue(Value container, Value item) { return contains(container, item); }

    private Boolean contains(Value container, Value item) {
        Object k = key(item);
        if (container instanceof StrV s && item instanceof StrV x) return s.value().contains(x.value());
        if (container instanceof RepeatedV r && (r.element() instanceof BoolV || r.element() instanceof StrV || r.element() instanceof IntV i && i.isConstant())) {
            return valueEquals(r.element(), item);
        }
        if (container instanceof DictV d) return d.items().containsKey(k);
        List<Value> items = iterate(container);
        if (items == null) return null;
        for (Value v : items) if (Interpreter.valueEquals(v, item) || key(v).equals(k)) return true;
        return false;
    }

    /** Python truthiness, or null when it cannot be decided statically. */
    Boolean truth(Value v) {
        if (v instanceof BoolV b) return b.value();
        if (v instanceof NoneV) return false;
        if (v instanceof IntV i) {
            if (i.isConstant()) return !i.value().isZero();
            Truth.Sign s = Truth.sign(i.value());
            if (s == Truth.Sign.POSITIVE || s == Truth.Sign.NEGATIVE) return Boolean.TRUE;
            if (s == Truth.Sign.ZERO) return Boolean.FALSE;
            return decideByConfig(i.value(), "!=", Poly.ZERO, null);
        }
        if (v instanceof FloatV x) return Double.isNaN(x.value()) ? null : x.value() != 0;
        if (v instanceof StrV s) return !s.value().isEmpty();
        if (v instanceof TupleV t) return !t.items().isEmpty();
        if (v instanceof ListV l) return !l.items().isEmpty();
        if (v instanceof DictV d) return !d.items().isEmpty();
        if (v instanceof RepeatedV r) return true;
        if (v instanceof ObjectV || v instanceof ExternalModuleV || v instanceof ClassV || v instanceof FuncV || v instanceof ConfigV
                || v instanceof DTypeV || v instanceof ExternalV) return true;
        return null;
    }

    // ---------------------------------------------------------------- helpers

    static String text(PyExpr e) { return ExprText.of(e); }

    static String describe(Value v) {
        if (v instanceof TensorV t) return "a tensor of shape " + ExprText.shape(t.shape());
        if (v instanceof UnknownV u) return "an unanalysed value (" + u.reason() + ")";
        if (v instanceof ObjectV o) return "an instance of " + o.className;
        return v.getClass().getSimpleName().replace("V", "").toLowerCase();
    }

    static String shortName(String q) { return q.substring(q.lastIndexOf('.') + 1); }

    Value superOf(Frame f) {
        if (f.owner == null) throw new Unanalysable("super() outside a method");
        return new SuperV(f.owner, f.self);
    }

    static final class ReturnSignal extends RuntimeException {
        final transient Value value;
        ReturnSignal(Value v) { super(null, null, false, false); value = v; }
    }
    static final class BreakSignal extends RuntimeException { BreakSignal() { super(null, null, false, false); } }
    static final class ContinueSignal extends RuntimeException { ContinueSignal() { super(null, null, false, false); } }

}
