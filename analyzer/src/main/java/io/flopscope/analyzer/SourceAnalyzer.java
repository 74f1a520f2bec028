package io.flopscope.analyzer;

import io.flopscope.analyzer.ast.PyModule;
import io.flopscope.analyzer.emit.DocumentBuilder;
import io.flopscope.analyzer.emit.Summaries;
import io.flopscope.analyzer.trace.ConfigEnv;
import io.flopscope.analyzer.trace.ConfigLoader;
import io.flopscope.analyzer.trace.DType;
import io.flopscope.analyzer.trace.Interpreter;
import io.flopscope.analyzer.trace.SourceLookup;
import io.flopscope.analyzer.trace.TracedForward;
import io.flopscope.analyzer.trace.Value;
import io.flopscope.diag.Diagnostic;
import io.flopscope.document.LineRange;
import io.flopscope.document.ModuleAnalysis;
import io.flopscope.document.SkippedBranch;
import io.flopscope.document.SourceLocation;
import io.flopscope.formula.Poly;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Source → analysis documents: instantiates the root module from its config, traces forward() on the
 * default inference path with symbolic shapes, and writes one document per module class it reaches.
 */
public final class SourceAnalyzer {
    static final String PRETRAINED = "transformers.modeling_utils.PreTrainedModel";
    static final String DYNAMIC_CACHE = "transformers.cache_utils.DynamicCache";

    /**
     * @param config  config.json values (numbers, booleans, strings, null)
     * @param sets    --set overrides
     * @param attn    attention implementation, null for the release's default (sdpa)
     * @param decode  trace with a KV cache of cache_len tokens (one decode step); else prefill without a cache
     * @param setup   a method run on the model before forward (--setup), or null
     * @param inputs  other forward inputs, name to --input VALUE (ForwardInput)
     * @param configClass the config class a plain model is built from (--config-class), null to find it
     */
    public record Request(String rootClass, Map<String, Object> config, Map<String, Object> sets, String attn, boolean decode,
                          String setup, Map<String, String> inputs, String configClass, String experts) {
        public Request(String rootClass, Map<String, Object> config, Map<String, Object> sets, String attn, boolean decode) {
            this(rootClass, config, sets, attn, decode, null, Map.of(), null, null);
        }

        public Request(String rootClass, Map<String, Object> config, Map<String, Object> sets, String attn, boolean decode, String setup, Map<String, String> inputs) {
            this(rootClass, config, sets, attn, decode, setup, inputs, null, null);
        }

        public Request(String rootClass, Map<String, Object> config, Map<String, Object> sets, String attn, boolean decode, String setup, Map<String, String> inputs, String configClass) {
            this(rootClass, config, sets, attn, decode, setup, inputs, configClass, null);
        }

        Request withDecode(boolean d) { return new Request(rootClass, config, sets, attn, d, setup, inputs, configClass, experts); }
    }

    /**
     * config: the values the analysis used (defaults found in the source, then config.json, then --set); configKnown:
     * the config's own fields and every field the model's code asked for (what a --set key may name).
     */
    public record Result(String rootClass, List<ModuleAnalysis> documents, List<DocumentBuilder.Coverage> coverage, List<Diagnostic> diagnostics,
                         Map<String, Object> config, java.util.Set<String> configKnown) {
        public Result(String rootClass, List<ModuleAnalysis> documents, List<DocumentBuilder.Coverage> coverage, List<Diagnostic> diagnostics,
                      Map<String, Object> config) {
            this(rootClass, documents, coverage, diagnostics, config, java.util.Set.of());
        }

        public int tracedLines() { return coverage.stream().mapToInt(DocumentBuilder.Coverage::tracedLines).sum(); }
        public int analysedLines() { return coverage.stream().mapToInt(DocumentBuilder.Coverage::analysedLines).sum(); }
        public boolean complete() { return tracedLines() == analysedLines(); }
    }

    private SourceAnalyzer() {}

    public static Result analyze(SourceLookup src, Request req) { return summarized(trace(src, req)); }

    /** One phase traced into documents: their code, variables and coverage; the summaries' closed forms come last. */
    private static Result trace(SourceLookup src, Request req) {
        List<Diagnostic> diags = new ArrayList<>();
        String root = req.rootClass();
        if (src.classDecl(root).isEmpty()) {
            diags.add(Diagnostic.error(null, 0, "class " + root + " is not defined under the source folder"));
            return new Result(root, List.of(), List.of(), diags, Map.of());
        }
        boolean hf = Interpreter.isSubclass(src, root, PRETRAINED);
        if (!Interpreter.isSubclass(src, root, Interpreter.NN_MODULE)) {
            var decl = src.classDecl(root).get();
            List<String> outside = decl.bases().stream().filter(b -> src.classDecl(b).isEmpty()).toList();
            String file = src.module(decl.module()).map(PyModule::file).orElse(null);
            diags.add(Diagnostic.warning(file, decl.def().classLine(), root + " is not a torch.nn.Module subclass that FlopScope can see"
                    + (outside.isEmpty() ? "" : " (unknown base " + String.join(", ", outside) + ": not under the source folder)")));
        }
        ConfigEnv env = new ConfigEnv();
        Optional<String> cfgClass = ConfigLoader.configClassOf(src, root);
        cfgClass.ifPresent(c -> ConfigLoader.loadDefaults(src, c, env));
        // a plain module's config: the dataclass its __init__ takes
        Optional<String> dataclassCfg;
        try {
            dataclassCfg = hf ? Optional.empty() : req.configClass() != null ? Optional.of(namedConfigClass(src, root, req.configClass())) : dataclassConfig(src, root);
        } catch (IllegalArgumentException e) {
            diags.add(Diagnostic.error(null, 0, e.getMessage()));
            return new Result(root, List.of(), List.of(), diags, Map.of());
        }
        dataclassCfg.ifPresent(c -> ConfigLoader.loadDefaults(src, c, env));
        // the class whose __init__/__post_init__ runs over the values and whose properties answer config.x
        Optional<String> runCfg = hf ? cfgClass : dataclassCfg;
        runCfg.or(() -> cfgClass).ifPresent(env::configClass);
        // a plain module that takes its sizes as keyword arguments (def __init__(self, dim=64, ...)): their defaults
        if (!hf && cfgClass.isEmpty() && dataclassCfg.isEmpty()) ConfigLoader.loadDefaults(src, root, env);
        ConfigLoader.apply(req.config(), env);
        // the config's own fields (its class's, config.json's): with what the model reads, the valid --set keys
        java.util.Set<String> declared = new java.util.LinkedHashSet<>(env.values().keySet());
        ConfigLoader.apply(req.sets(), env);
        String attn = req.attn() != null ? req.attn() : "sdpa";
        // a Hugging Face model that does not declare `_supports_sdpa = True` runs eager (what from_config picks)
        boolean sdpaFallback = hf && attn.equals("sdpa") && !declaresTrue(src, root, "_supports_sdpa");
        if (sdpaFallback) attn = "eager";
        String experts = req.experts() != null ? req.experts() : Interpreter.Options.DEFAULT_EXPERTS;
        Interpreter in = new Interpreter(src, env, new Interpreter.Options(req.decode(), attn, experts));
        runCfg.ifPresent(c -> in.runConfigInit(c, env));
        env.clearReads(); // loading and the config's own __init__ read every value: from here on, a read is the model asking
        Value.ConfigV cfg = new Value.ConfigV(env);
        Value rootObj;
        Map<String, Value> kwargs = new LinkedHashMap<>();
        List<Value> args = new ArrayList<>();
        try {
            if (hf || cfgClass.isPresent()) rootObj = in.instantiateRoot(root, List.of(cfg), Map.of());
            else {
                // a config object of no class FlopScope knows (minGPT's CfgNode): the --set values stand for its attributes
                boolean configObject = dataclassCfg.isPresent() || requiredFirstParam(src, root).filter(p -> !env.has(p)).isPresent();
                rootObj = in.instantiateRoot(root, configObject ? List.of(cfg) : List.of(), configObject ? Map.of() : configKwargs(env));
            }
            // a decode step feeds one new token per sequence
            Poly seq = req.decode() ? Poly.ONE : Poly.symbol("seq_len");
            java.util.function.Function<String, Poly> scenario = n -> switch (n) {
                case "batch_size" -> Poly.symbol("batch_size");
                case "seq_len" -> seq;
                case "cache_len" -> req.decode() ? Poly.symbol("cache_len") : Poly.ZERO;
                default -> null;
            };
            if (req.setup() != null && !req.setup().isBlank()) in.setup((Value.ObjectV) rootObj, req.setup(), scenario);
            Value.TensorV ids = new Value.TensorV(List.of(Poly.symbol("batch_size"), seq), DType.INT64, true);
            // the token ids go to forward's first parameter, unless --input gives that one (gpt-oss's unbatched x)
            if (!req.inputs().containsKey(forwardParam(src, root, 0))) args.add(ids);
            if (hf) {
                kwargs.put("use_cache", new Value.BoolV(true));
                if (req.decode()) {
                    // releases whose model code uses DynamicCache get one (what generate() passes); older ones legacy tuples
                    String dyn = src.classDecl(root).map(d -> src.resolve(d.module(), "DynamicCache")).orElse(null);
                    kwargs.put("past_key_values", dyn != null && dyn.equals(DYNAMIC_CACHE)
                            ? in.newDecodeCache(DYNAMIC_CACHE, Poly.symbol("cache_len")) : legacyCache(env));
                }
            }
            for (var e : req.inputs().entrySet()) kwargs.put(e.getKey(), ForwardInput.parse(e.getKey(), e.getValue(), scenario, annotatedInt(src, root, e.getKey())));
            in.traceRoot((Value.ObjectV) rootObj, args, kwargs);
        } catch (RuntimeException e) {
            // where it failed: the statement run last (building the model, outside any traced forward)
            String file = in.lastModule() == null ? null : src.module(in.lastModule()).map(PyModule::file).orElse(null);
            int line = file == null ? 0 : in.lastLine();
            if (file == null) {
                // nothing ran yet (no forward() to run): the root class's own line
                var decl = src.classDecl(root).orElse(null);
                if (decl != null) { file = src.module(decl.module()).map(PyModule::file).orElse(null); line = decl.def().span().startLine(); }
            }
            diags.add(Diagnostic.error(file, line, root + ": " + (e.getMessage() == null ? e.toString() : e.getMessage())));
        }
        diags.addAll(in.diagnostics());
        java.util.Set<String> modules = new java.util.LinkedHashSet<>();
        src.classDecl(root).ifPresent(d -> modules.add(d.module()));
        for (TracedForward t : in.traces()) if (t.module() != null) modules.add(t.module());
        for (String m : modules) for (Diagnostic d : src.moduleProblems(m)) if (!diags.contains(d)) diags.add(d);
        List<ModuleAnalysis> docs = new ArrayList<>();
        List<DocumentBuilder.Coverage> cov = new ArrayList<>();
        for (TracedForward t : in.traces()) {
            Optional<PyModule> mod = t.module() == null ? Optional.empty() : src.module(t.module());
            var decl = src.classDecl(t.sourceClass()).orElse(null);
            String file = mod.map(PyModule::file).orElse(null);
            LineRange fwd = null, init = null;
            Integer classLine = null;
            if (decl != null && !decl.module().equals(t.module())) {
                // its forward ran from another file (an inherited forward, an experts implementation): the function there
                int first = t.entries().stream().mapToInt(DocumentBuilder.Entry::startLine).min().orElse(0);
                for (var s : mod.map(PyModule::body).orElse(List.of()))
                    if (s instanceof io.flopscope.analyzer.ast.PyStmt.FunctionDef fd && fd.span().startLine() <= first && first <= fd.span().endLine())
                        fwd = new LineRange(fd.span().startLine(), fd.span().endLine());
                    else if (s instanceof io.flopscope.analyzer.ast.PyStmt.ClassDef cd && cd.span().startLine() <= first && first <= cd.span().endLine())
                        for (var m : cd.body()) if (m instanceof io.flopscope.analyzer.ast.PyStmt.FunctionDef fd && fd.span().startLine() <= first && first <= fd.span().endLine())
                            fwd = new LineRange(fd.span().startLine(), fd.span().endLine());
            } else if (decl != null) {
                classLine = decl.def().classLine();
                for (var s : decl.def().body()) {
                    if (s instanceof io.flopscope.analyzer.ast.PyStmt.FunctionDef fd) {
                        LineRange r = new LineRange(Math.max(1, fd.span().startLine()), Math.max(Math.max(1, fd.span().startLine()), fd.span().endLine()));
                        if (fd.name().equals("forward")) fwd = r;
                        if (fd.name().equals("__init__")) init = r;
                    }
                }
            }
            List<SkippedBranch> skipped = new ArrayList<>();
            for (int i = 0; i < t.skippedLines().size(); i++) {
                int[] l = t.skippedLines().get(i);
                skipped.add(new SkippedBranch(List.of(new LineRange(l[0], Math.max(l[0], l[1]))), t.skippedReasons().get(i)));
            }
            List<String> conditions = new ArrayList<>(List.of("eval mode (`self.training` is False), no gradient checkpointing",
                    req.decode() ? "decode: one new token per sequence (seq_len = 1) on a KV cache of `cache_len` tokens" : "prefill: no KV cache (cache_len = 0)",
                    "attention implementation: " + attn + (sdpaFallback ? " (this model does not support sdpa: `_supports_sdpa` is not True)" : "")));
            if (hf) conditions.addAll(List.of("use_cache=True, output_attentions=False, output_hidden_states=False, return_dict=True",
                    "attention_mask, position_ids, head_mask, token_type_ids: None"));
            conditions.addAll(t.conditions());
            int traced = 0, analysed = 0;
            List<String> unanalysed = new ArrayList<>();
            java.util.Set<Integer> seen = new java.util.HashSet<>();
            for (DocumentBuilder.Entry e : t.entries()) {
                for (int l = e.startLine(); l <= Math.max(e.startLine(), e.endLine()); l++) {
                    if (!seen.add(l)) continue;
                    traced++;
                    if (e.unanalysed() == null) analysed++;
                }
                if (e.unanalysed() != null) {
                    unanalysed.add((file == null ? "" : file) + ":" + e.startLine() + ": " + e.unanalysed());
                    diags.add(new Diagnostic(io.flopscope.diag.Severity.WARNING, file, e.startLine(), 0, "unanalysed: " + e.unanalysed()));
                }
            }
            String summary = "Generated by FlopScope from the source. Traced " + traced + " line" + (traced == 1 ? "" : "s") + " of forward(), "
                    + analysed + " analysed" + (unanalysed.isEmpty() ? "." : "; unanalysed lines are listed with their reason and are not counted.");
            SourceLocation loc = new SourceLocation(src.documentFile(file), Interpreter_shortName(t.sourceClass()), classLine, fwd, init);
            ModuleAnalysis built = DocumentBuilder.build(t.className(), loc, conditions, skipped, t.params(), t.entries(),
                    mod.map(PyModule::lines).orElse(List.of()), summary);
            List<String> srcLines = mod.map(PyModule::lines).orElse(List.of());
            io.flopscope.analyzer.ast.Span span = decl == null ? null : decl.def().span();
            docs.add(withInputs(withVariables(built, srcLines, span), t.inputs(), sizes(t.sizes(), srcLines, span)));
            cov.add(new DocumentBuilder.Coverage(t.className(), traced, analysed, unanalysed));
        }
        declared.addAll(env.read());
        return new Result(root, docs, cov, diags, new LinkedHashMap<>(env.values()), declared);
    }

    /** What the scenario's and the dtypes' names mean, for a document's Variable and Shape Definitions. */
    private static final Map<String, String> GLOBALS = new LinkedHashMap<>();
    static {
        GLOBALS.put("batch_size", "sequences in the call (the scenario's --batch)");
        GLOBALS.put("seq_len", "new tokens per sequence in the call: the prompt in prefill, 1 in a decode step");
        GLOBALS.put("cache_len", "tokens already in the KV cache before the call (0 in prefill)");
        GLOBALS.put("a_bytes", "bytes per activation element (--dtype)");
        GLOBALS.put("w_bytes", "bytes per weight element (--weight-dtype, else --dtype)");
        GLOBALS.put("wcopy_bytes", "bytes per element of a copy of weights (as w_bytes; not counted as parameters)");
        GLOBALS.put("kv_bytes", "bytes per KV-cache element");
    }
    private static final java.util.regex.Pattern REFERENCE_ARGUMENTS = java.util.regex.Pattern.compile("\\$\\{[^}]*\\}\\(([^)]*)\\)");
    private static final java.util.regex.Pattern WORD = java.util.regex.Pattern.compile("\\b(?:config\\.)?[A-Za-z_][A-Za-z0-9_]*\\b");

    /**
     * The document's Variable and Shape Definitions: every scenario size and byte width its formulas use, what it
     * means; every config field, with the line of the class that reads it; every parameter, with what binds it.
     */
    private static ModuleAnalysis withVariables(ModuleAnalysis a, List<String> lines, io.flopscope.analyzer.ast.Span classSpan) {
        java.util.Set<String> used = new java.util.TreeSet<>();
        for (io.flopscope.document.Kernel k : a.kernels()) {
            for (String f : new String[] {k.flops(), k.read(), k.write(), k.repeat()}) {
                if (f == null) continue;
                java.util.regex.Matcher m = WORD.matcher(f.replaceAll("\\$\\{[^}]*\\}", " "));
                while (m.find()) used.add(m.group());
                // the arguments of a reference are the caller's formulas
                java.util.regex.Matcher ref = REFERENCE_ARGUMENTS.matcher(f);
                while (ref.find()) { java.util.regex.Matcher w = WORD.matcher(ref.group(1).replaceAll("\\b\\w+=", " ")); while (w.find()) used.add(w.group()); }
            }
        }
        List<io.flopscope.document.Variable> vars = new ArrayList<>();
        for (var g : GLOBALS.entrySet()) if (used.contains(g.getKey())) vars.add(new io.flopscope.document.Variable(g.getKey(), null, g.getValue()));
        int from = classSpan == null ? 1 : classSpan.startLine(), to = classSpan == null ? lines.size() : Math.min(lines.size(), classSpan.endLine());
        for (String u : used) {
            if (!u.startsWith("config.")) continue;
            String field = u.substring(7);
            java.util.regex.Pattern reads = java.util.regex.Pattern.compile("config\\." + java.util.regex.Pattern.quote(field) + "\\b");
            String where = "config field " + field + " (config.json's value, else the config class's default)";
            for (int l = Math.max(1, from); l <= to; l++) {
                // the code unquoted: a backticked span in a variable's prose reads as its binding (MarkdownReader)
                if (reads.matcher(lines.get(l - 1)).find()) { where = "config field, read at line " + l + ": " + lines.get(l - 1).strip().replace('`', '\''); break; }
            }
            vars.add(new io.flopscope.document.Variable(u, null, where));
        }
        return new ModuleAnalysis(a.className(), a.source(), a.conditions(), a.skipped(), a.parameters(), vars, a.kernels(), a.summary());
    }

    /** The finished documents: every reference's arguments justified, every summary with its closed forms (emit/Summaries). */
    private static Result summarized(Result r) {
        return new Result(r.rootClass(), Summaries.complete(r.documents(), r.rootClass(), r.config()), r.coverage(), r.diagnostics(), r.config(), r.configKnown());
    }

    /**
     * The forward's tensor inputs first in the Variable and Shape Definitions, with their shapes and element types. An
     * input named like a parameter or a global (never seen) is left out: a described name must not shadow a bound one.
     */
    static final String FORWARD_INPUT = "forward input of shape";
    static final String HELD_SIZE = "size the module holds as self.";

    /**
     * The sizes a module holds from the config (self.head_dim), each with its formula and, when the line is in this
     * class, the code that set it: how the code's names map to the config's fields.
     */
    private static Map<String, String> sizes(Map<String, TracedForward.Size> sizes, List<String> lines, io.flopscope.analyzer.ast.Span span) {
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : sizes.entrySet()) {
            int l = e.getValue().line();
            boolean here = span != null && l >= span.startLine() && l <= span.endLine() && l <= lines.size();
            out.put(e.getKey(), HELD_SIZE + e.getKey() + ": " + e.getValue().formula()
                    + (here ? ", set at line " + l + ": " + lines.get(l - 1).strip().replace('`', '\'') : ""));
        }
        return out;
    }

    private static ModuleAnalysis withInputs(ModuleAnalysis a, Map<String, String> inputs, Map<String, String> sizes) {
        if (inputs.isEmpty() && sizes.isEmpty()) return a;
        java.util.Set<String> taken = new java.util.HashSet<>(GLOBALS.keySet());
        if (a.parameters() != null) for (var p : a.parameters()) taken.add(p.name());
        for (var v : a.variables()) taken.add(v.name());
        List<io.flopscope.document.Variable> vars = new ArrayList<>();
        for (var e : inputs.entrySet()) if (taken.add(e.getKey())) vars.add(new io.flopscope.document.Variable(e.getKey(), null, e.getValue()));
        for (var e : sizes.entrySet()) if (taken.add(e.getKey())) vars.add(new io.flopscope.document.Variable(e.getKey(), null, e.getValue()));
        vars.addAll(a.variables());
        return new ModuleAnalysis(a.className(), a.source(), a.conditions(), a.skipped(), a.parameters(), vars, a.kernels(), a.summary());
    }

    /** The merged document's variables: both phases' config fields, and every scenario name its formulas now use. */
    private static ModuleAnalysis withVariablesOf(ModuleAnalysis merged, ModuleAnalysis p, ModuleAnalysis d) {
        Map<String, io.flopscope.document.Variable> byName = new java.util.TreeMap<>();
        for (ModuleAnalysis x : new ModuleAnalysis[] {p, d}) if (x != null) for (var v : x.variables()) byName.putIfAbsent(v.name(), v);
        ModuleAnalysis scanned = withVariables(merged, List.of(), null);
        List<io.flopscope.document.Variable> vars = new ArrayList<>();
        // the forward's inputs as prefill receives them (a decode step has seq_len = 1), then what the formulas use
        ModuleAnalysis first = p != null ? p : d;
        for (var v : first.variables()) if (v.formula() == null && (v.description().startsWith(FORWARD_INPUT) || v.description().startsWith(HELD_SIZE))) vars.add(v);
        for (var v : scanned.variables()) vars.add(byName.getOrDefault(v.name(), v));
        return new ModuleAnalysis(merged.className(), merged.source(), merged.conditions(), merged.skipped(), merged.parameters(), vars, merged.kernels(), merged.summary());
    }

    /**
     * Prefill and decode in one set of documents: kernels the two traces share are kept as they are; the rest
     * are weighted by positive(cache_len) (decode: a cache is present) or 1 - positive(cache_len) (prefill).
     * The decode kernels are written for one new token per sequence.
     */
    public static Result analyzeBoth(SourceLookup src, Request req) {
        Result p = trace(src, req.withDecode(false));
        Result d = trace(src, req.withDecode(true));
        Map<String, ModuleAnalysis> pd = new LinkedHashMap<>(), dd = new LinkedHashMap<>();
        for (ModuleAnalysis a : p.documents()) pd.put(a.className(), a);
        for (ModuleAnalysis a : d.documents()) dd.put(a.className(), a);
        java.util.Set<String> classes = new java.util.LinkedHashSet<>(pd.keySet());
        classes.addAll(dd.keySet());
        List<ModuleAnalysis> docs = new ArrayList<>();
        List<DocumentBuilder.Coverage> cov = new ArrayList<>();
        for (String c : classes) {
            ModuleAnalysis m = withVariablesOf(merge(pd.get(c), dd.get(c)), pd.get(c), dd.get(c));
            docs.add(m);
            java.util.Set<Integer> traced = new java.util.HashSet<>(), bad = new java.util.HashSet<>();
            List<String> unanalysed = new ArrayList<>();
            for (io.flopscope.document.Kernel k : m.kernels()) {
                for (int l = k.lines().start(); l <= k.lines().end(); l++) { traced.add(l); if (k.isUnanalysed()) bad.add(l); }
                if (k.isUnanalysed()) unanalysed.add(m.source().file() + ":" + k.lines().start() + ": " + k.unanalysed());
            }
            cov.add(new DocumentBuilder.Coverage(c, traced.size(), traced.size() - bad.size(), unanalysed));
        }
        List<Diagnostic> diags = new ArrayList<>(p.diagnostics());
        for (Diagnostic x : d.diagnostics()) if (!diags.contains(x)) diags.add(x);
        java.util.Set<String> read = new java.util.LinkedHashSet<>(p.configKnown());
        read.addAll(d.configKnown());
        return summarized(new Result(p.rootClass(), docs, cov, diags, p.config(), read));
    }

    static final String PHASES_TOGETHER = "prefill and decode together: an entry of one phase only says so (Phase); where the phases differ in size,"
            + " an entry gives each phase's formulas (decode: one new token per sequence, cache_len tokens cached)";

    private static ModuleAnalysis merge(ModuleAnalysis p, ModuleAnalysis d) {
        String prefill = "prefill", decode = "decode";
        if (p == null) return weighted(d, decode);
        if (d == null) return weighted(p, prefill);
        List<io.flopscope.document.Kernel> out = new ArrayList<>();
        List<io.flopscope.document.Kernel> rest = new ArrayList<>(d.kernels());
        for (io.flopscope.document.Kernel k : p.kernels()) {
            if (rest.remove(k)) out.add(k);
            else out.add(weight(k, prefill));
        }
        for (io.flopscope.document.Kernel k : rest) out.add(weight(k, decode));
        out.sort(java.util.Comparator.comparingInt(k -> k.lines().start()));
        out = io.flopscope.document.PhaseWeight.twinsAdjacent(out); // the order the Markdown entry reads back
        List<io.flopscope.document.Parameter> params = new ArrayList<>(p.parameters());
        for (io.flopscope.document.Parameter x : d.parameters()) if (params.stream().noneMatch(y -> y.name().equals(x.name()))) params.add(x);
        List<SkippedBranch> skipped = new ArrayList<>(p.skipped());
        for (SkippedBranch x : d.skipped()) if (!skipped.contains(x)) skipped.add(x);
        List<String> conditions = new ArrayList<>(p.conditions());
        conditions.removeIf(c -> c.startsWith("prefill:"));
        conditions.add(1, PHASES_TOGETHER);
        for (String c : d.conditions()) if (!conditions.contains(c) && !c.startsWith("decode:")) conditions.add(c);
        return new ModuleAnalysis(p.className(), p.source(), conditions, skipped, params, p.variables(), out, p.summary());
    }

    private static ModuleAnalysis weighted(ModuleAnalysis a, String factor) {
        List<io.flopscope.document.Kernel> ks = new ArrayList<>();
        for (io.flopscope.document.Kernel k : a.kernels()) ks.add(weight(k, factor));
        return new ModuleAnalysis(a.className(), a.source(), a.conditions(), a.skipped(), a.parameters(), a.variables(), ks, a.summary());
    }

    private static io.flopscope.document.Kernel weight(io.flopscope.document.Kernel k, String phase) {
        if (k.isUnanalysed() || (k.flops().equals("0") && k.read().equals("0") && k.write().equals("0"))) return k;
        String repeat = io.flopscope.document.PhaseWeight.weighted(phase, k.repeat());
        return new io.flopscope.document.Kernel(k.lines(), k.title(), k.phase(), k.code(), k.type(), k.operation(), k.analysis(), k.flopClass(),
                k.flops(), k.read(), k.write(), repeat, k.optional(), k.justification(), k.unanalysed());
    }

    /** Whether cls or a base in the source (not the framework's PreTrainedModel) assigns `name = True` in its body. */
    static boolean declaresTrue(SourceLookup src, String cls, String name) {
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(cls));
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (!todo.isEmpty() && seen.size() < 50) {
            String c = todo.poll();
            if (!seen.add(c) || c.endsWith(".PreTrainedModel")) continue;
            var decl = src.classDecl(c);
            if (decl.isEmpty()) continue;
            for (var s : decl.get().def().body()) {
                if (s instanceof io.flopscope.analyzer.ast.PyStmt.Assign a && a.targets().size() == 1
                        && a.targets().get(0) instanceof io.flopscope.analyzer.ast.PyExpr.Name n && n.id().equals(name)) {
                    return a.value() instanceof io.flopscope.analyzer.ast.PyExpr.Constant k && Boolean.TRUE.equals(k.value());
                }
            }
            todo.addAll(decl.get().bases());
        }
        return false;
    }

    private static String Interpreter_shortName(String q) { return q.substring(q.lastIndexOf('.') + 1); }

    /** A plain module's config dataclass: the annotation of its __init__'s first parameter after self. */
    static Optional<String> dataclassConfig(SourceLookup src, String root) {
        var decl = src.classDecl(root);
        var init = decl.flatMap(d -> ownMethod(d, "__init__"));
        if (init.isEmpty()) return Optional.empty();
        var ps = init.get().params().params();
        if (ps.size() > 1 && ps.get(1).annotation() instanceof io.flopscope.analyzer.ast.PyExpr.Name n) {
            String q = src.resolve(decl.get().module(), n.id());
            if (q != null && src.classDecl(q).isPresent()) return Optional.of(q);
        }
        // no annotation (nanoGPT's GPT(config)): the dataclass of the root's file whose fields the file reads most as param.field
        if (ps.size() > 1 && ps.get(1).annotation() == null && ps.get(1).defaultValue() == null) return inferredConfig(src, decl.get().module(), ps.get(1).name());
        return Optional.empty();
    }

    /** A method the class itself defines (not a base's). */
    private static Optional<io.flopscope.analyzer.ast.PyStmt.FunctionDef> ownMethod(SourceLookup.ClassDecl decl, String name) {
        for (var s : decl.def().body()) if (s instanceof io.flopscope.analyzer.ast.PyStmt.FunctionDef fd && fd.name().equals(name)) return Optional.of(fd);
        return Optional.empty();
    }

    /** --config-class NAME: fully qualified, or a class of the root's module; IllegalArgumentException naming it otherwise. */
    private static String namedConfigClass(SourceLookup src, String root, String name) {
        if (src.classDecl(name).isPresent()) return name;
        String module = src.classDecl(root).map(SourceLookup.ClassDecl::module).orElse("");
        String local = src.resolve(module, name);
        if (local != null && src.classDecl(local).isPresent()) return local;
        if (src.classDecl(module + "." + name).isPresent()) return module + "." + name;
        throw new IllegalArgumentException("--config-class " + name + ": no such class in " + module + " or under the source");
    }

    /** The first parameter of the root's __init__ after self when it has no default (the config it is built from). */
    private static Optional<String> requiredFirstParam(SourceLookup src, String root) {
        return src.classDecl(root).flatMap(d -> ownMethod(d, "__init__")).flatMap(fd -> {
            var ps = fd.params().params();
            return ps.size() > 1 && ps.get(1).defaultValue() == null && ps.get(1).kind() == io.flopscope.analyzer.ast.Params.Kind.POSITIONAL
                    ? Optional.of(ps.get(1).name()) : Optional.empty();
        });
    }

    private static Optional<String> inferredConfig(SourceLookup src, String module, String param) {
        Optional<PyModule> mod = src.module(module);
        if (mod.isEmpty()) return Optional.empty();
        java.util.Set<String> read = new java.util.HashSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b" + java.util.regex.Pattern.quote(param) + "\\.([A-Za-z_]\\w*)").matcher(String.join("\n", mod.get().lines()));
        while (m.find()) read.add(m.group(1));
        String best = null;
        int bestScore = 0;
        boolean tie = false;
        for (var st : mod.get().body()) {
            if (!(st instanceof io.flopscope.analyzer.ast.PyStmt.ClassDef cd) || cd.decorators().stream().noneMatch(d -> {
                String t = io.flopscope.analyzer.trace.ExprText.of(d instanceof io.flopscope.analyzer.ast.PyExpr.Call c ? c.func() : d);
                return t.equals("dataclass") || t.endsWith(".dataclass");
            })) continue;
            int score = 0;
            for (var f : cd.body()) if (f instanceof io.flopscope.analyzer.ast.PyStmt.AnnAssign a && a.target() instanceof io.flopscope.analyzer.ast.PyExpr.Name n && read.contains(n.id())) score++;
            if (score > bestScore) { best = module + "." + cd.name(); bestScore = score; tie = false; }
            else if (score == bestScore && score > 0) tie = true;
        }
        return tie ? Optional.empty() : Optional.ofNullable(best);
    }

    /** The name of forward()'s parameter at this position after self, "" when there is none. */
    private static String forwardParam(SourceLookup src, String root, int index) {
        var fd = rootForward(src, root);
        if (fd == null) return "";
        var ps = fd.params().params();
        return ps.size() > index + 1 ? ps.get(index + 1).name() : "";
    }

    /** Whether the root's forward() annotates this parameter `int` (start_pos: int): a bare --input EXPR is then an int. */
    private static boolean annotatedInt(SourceLookup src, String root, String param) {
        var fd = rootForward(src, root);
        if (fd == null) return false;
        for (var p : fd.params().params()) {
            if (p.name().equals(param)) return p.annotation() instanceof io.flopscope.analyzer.ast.PyExpr.Name n && n.id().equals("int");
        }
        return false;
    }

    /** The forward() the root runs: its own or the first base's in the source. */
    private static io.flopscope.analyzer.ast.PyStmt.FunctionDef rootForward(SourceLookup src, String root) {
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(root));
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (!todo.isEmpty() && seen.size() < 40) {
            String c = todo.poll();
            var decl = src.classDecl(c);
            if (!seen.add(c) || decl.isEmpty()) continue;
            todo.addAll(decl.get().bases());
            var fd = ownMethod(decl.get(), "forward");
            if (fd.isPresent()) return fd.get();
        }
        return null;
    }

    private static Map<String, Value> configKwargs(ConfigEnv env) {
        Map<String, Value> kw = new LinkedHashMap<>();
        for (String k : env.values().keySet()) env.get(k).ifPresent(v -> kw.put(k, v));
        return kw;
    }

    /** Hugging Face's legacy cache: per layer (key, value), each [batch_size, heads, cache_len, head_dim]. */
    private static Value legacyCache(ConfigEnv env) {
        Value heads = env.get("num_attention_heads").orElse(new Value.UnknownV("num_attention_heads"));
        Value kvHeads = env.get("num_key_value_heads").filter(v -> v instanceof Value.IntV).orElse(heads);
        Value headDim = env.get("head_dim").filter(v -> v instanceof Value.IntV).orElse(null);
        Value hidden = env.get("hidden_size").orElse(new Value.UnknownV("hidden_size"));
        Value layers = env.get("num_hidden_layers").orElse(new Value.UnknownV("num_hidden_layers"));
        if (!(heads instanceof Value.IntV h) || !(hidden instanceof Value.IntV d) || !(layers instanceof Value.IntV n)) {
            return new Value.UnknownV("cannot build the KV cache: the config lacks num_attention_heads, hidden_size or num_hidden_layers");
        }
        Poly kvh = kvHeads instanceof Value.IntV k ? k.value() : h.value();
        Poly hd = headDim instanceof Value.IntV x ? x.value() : d.value().divide(h.value());
        List<Poly> shape = List.of(Poly.symbol("batch_size"), kvh, Poly.symbol("cache_len"), hd);
        Value.TensorV kv = new Value.TensorV(shape, DType.KV, true);
        return new Value.RepeatedV(new Value.TupleV(List.of(kv, kv)), n.value());
    }
}
