package io.flopscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flopscope.analyzer.SourceAnalyzer;
import io.flopscope.diag.Diagnostic;
import io.flopscope.document.DocumentPositions;
import io.flopscope.document.ModuleAnalysis;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.evaluate.Phase;
import io.flopscope.library.Library;
import io.flopscope.library.LibraryEntry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** cost --source: analyse the user's source on the fly and compose its documents instead of the built-in ones. */
final class FromSource {
    private FromSource() {}

    static ResolvedModel resolve(String model, Path source, SourceOptions opts, LibraryOptions libOpts, ScenarioOptions scenario, String module, PrintWriter err) {
        boolean decode = scenario.phase() == Phase.DECODE || (scenario.cache != null && scenario.cache > 0);
        return resolve(model, source, opts, libOpts, scenario.causal, decode, module, err);
    }

    /** decode null: one analysis of both phases (prefill and decode kernels weighted by positive(cache_len)). */
    static ResolvedModel resolve(String model, Path source, SourceOptions opts, LibraryOptions libOpts, boolean causal, Boolean decode, String module, PrintWriter err) {
        return resolve(model == null ? null : opts.applyTo(ModelLoader.load(model)), source, opts, libOpts, causal, decode, module, err);
    }

    /** hf: the model's config with --set applied (a measured config, for calibrate), or null for --class alone. */
    static ResolvedModel resolve(ModelConfig hf, Path source, SourceOptions opts, LibraryOptions libOpts, boolean causal, Boolean decode, String module, PrintWriter err) {
        String cls = opts.className;
        if (cls == null && hf != null) {
            String arch = hf.rootClass().orElseThrow(() -> UserError.failed(hf.name() + ": config has no architectures[0]; pass --class NAME"));
            cls = arch;
        }
        if (cls == null) throw UserError.usage("--source needs MODEL (a config.json naming architectures[0]) or --class NAME");
        var opened = SourceOptions.open(source, cls);
        Map<String, Object> config = new LinkedHashMap<>();
        if (hf != null) config.putAll(SourceOptions.fromJson(hf.raw()));
        SourceAnalyzer.Request request = opts.request(opened.root(), config, libOpts.attn, decode != null && decode);
        SourceAnalyzer.Result r = decode == null ? SourceAnalyzer.analyzeBoth(opened.lookup(), request) : SourceAnalyzer.analyze(opened.lookup(), request);
        for (Diagnostic d : r.diagnostics()) if (d.isError()) err.println(d);
        if (r.documents().isEmpty()) throw UserError.failed("nothing was analysed for " + opened.root());
        Library lib = libOpts.buildWithoutImplementation();
        for (ModuleAnalysis a : r.documents()) lib.add(new LibraryEntry(a, a.source().file() == null ? a.className() : a.source().file(), DocumentPositions.NONE, false));
        ModelConfig cfg = hf;
        // the config class's fields and what the analysis read; a --set key neither is changes nothing (refused later)
        java.util.Set<String> unread = new java.util.HashSet<>(opts.parsedSets().keySet());
        unread.removeAll(r.configKnown());
        Map<String, Object> known = new LinkedHashMap<>(r.config());
        known.keySet().removeAll(unread);
        if (cfg != null) { cfg.fillFrom(known); cfg.addKnown(known.keySet()); }
        if (cfg == null) {
            Map<String, Object> values = new LinkedHashMap<>(known);
            values.values().removeIf(v -> !(v == null || v instanceof Number || v instanceof Boolean || v instanceof String));
            try {
                cfg = ModelConfig.parse(source.getFileName() + ":" + opened.root().substring(opened.root().lastIndexOf('.') + 1),
                        new ObjectMapper().writeValueAsString(values));
                cfg.markFromSource();
                opts.applyTo(cfg); // the --set values again, now as the user's: their keys and values are checked
            } catch (Exception e) {
                throw UserError.failed("cannot build the config: " + e.getMessage());
            }
        }
        return ResolvedModel.of(cfg, module != null ? module : opened.root(), lib, causal, err);
    }
}
