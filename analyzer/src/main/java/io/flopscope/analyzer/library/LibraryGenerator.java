package io.flopscope.analyzer.library;

import com.fasterxml.jackson.databind.JsonNode;
import io.flopscope.analyzer.SourceAnalyzer;
import io.flopscope.analyzer.trace.SourceLookup;
import io.flopscope.diag.Diagnostic;
import io.flopscope.document.Kernel;
import io.flopscope.document.MarkdownWriter;
import io.flopscope.document.ModuleAnalysis;
import io.flopscope.document.SourceLocation;
import io.flopscope.evaluate.ModelConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds the built-in library of a transformers release: analyses every family's root model from the release's
 * source with each built-in config of that family, for the sdpa and the eager attention implementation, and
 * returns the documents without their code lines (line numbers, formulas and justifications are facts about the
 * code; the code itself stays in the user's copy and is read at run time).
 *
 * <p>A class whose analysis differs between configs (grouped-query attention's {@code repeat_kv} copy exists only
 * when {@code num_attention_heads / num_key_value_heads != 1}) is stored once per distinct analysis; the library
 * picks the variant whose stated conditions the model's config meets. Pure: no I/O.
 */
public final class LibraryGenerator {
    /** One family: the folder its documents go to, its root class, the configs to analyse it with, and whether it is an encoder (no KV cache: prefill only). */
    public record Family(String folder, String rootClass, List<ModelConfig> models, boolean prefillOnly) {}

    /**
     * @param files            path (relative to the library root) → text, sorted: the documents, the release's
     *                         {@code index.txt} and {@code implementations.txt}
     * @param problems         what kept a document out or made it incomplete
     */
    public record Output(Map<String, String> files, List<Diagnostic> problems) {}

    private LibraryGenerator() {}

    /**
     * @param release  stated in every document's conditions, e.g. "transformers 4.44 (commit 50c3ba889a)"
     * @param base     the release's folder under the library root, e.g. "transformers/4.44"
     */
    public static Output generate(SourceLookup src, String release, String base, List<Family> families) {
        // class → distinct document texts in the order first met, and the folder each class goes to
        Map<String, List<String>> texts = new LinkedHashMap<>();
        Map<String, String> folders = new LinkedHashMap<>();
        List<String> implementations = new ArrayList<>();
        List<Diagnostic> problems = new ArrayList<>();
        for (Family fam : families) {
            for (ModelConfig model : fam.models()) {
                Map<String, Object> config = values(model.raw());
                SourceAnalyzer.Result sdpa = analyze(src, fam, config, "sdpa"), eager = analyze(src, fam, config, "eager");
                for (SourceAnalyzer.Result r : List.of(sdpa, eager)) {
                    for (Diagnostic d : r.diagnostics()) if (d.isError()) problems.add(d);
                    if (!r.complete()) problems.add(Diagnostic.error(null, 0, model.name() + ": " + (r.tracedLines() - r.analysedLines()) + " traced lines of "
                            + fam.rootClass() + " are unanalysed"));
                }
                Map<String, ModuleAnalysis> s = byClass(sdpa), e = byClass(eager);
                Set<String> sdpaOnly = new LinkedHashSet<>(s.keySet()), eagerOnly = new LinkedHashSet<>(e.keySet());
                sdpaOnly.removeAll(e.keySet());
                eagerOnly.removeAll(s.keySet());
                String from = null, to = null;
                if (sdpaOnly.size() == 1 && eagerOnly.size() == 1) {
                    from = sdpaOnly.iterator().next();
                    to = eagerOnly.iterator().next();
                    add(implementations, "eager: " + from + " -> " + to);
                    add(implementations, "sdpa: " + from + " -> " + from);
                } else if (!sdpaOnly.isEmpty() || !eagerOnly.isEmpty()) {
                    problems.add(Diagnostic.error(null, 0, model.name() + ": cannot pair the sdpa classes " + sdpaOnly + " with the eager ones " + eagerOnly));
                }
                // a class both implementations share is stored once when it differs at most in the attention class it
                // calls (the library redirects that call); otherwise (the model's mask building) once per implementation,
                // each stating its implementation, and the library picks by --attn
                for (ModuleAnalysis a : s.values()) {
                    ModuleAnalysis b = e.get(a.className());
                    boolean same = b == null || comparable(a, null, null).equals(comparable(b, to, from));
                    keep(a, release, fam.folder(), !same, texts, folders);
                    if (!same) keep(b, release, fam.folder(), true, texts, folders);
                }
                for (String c : eagerOnly) keep(e.get(c), release, fam.folder(), false, texts, folders);
            }
        }
        Map<String, String> files = new TreeMap<>();
        List<String> index = new ArrayList<>();
        Map<String, String> classOf = new LinkedHashMap<>();
        for (var en : texts.entrySet()) {
            String simple = en.getKey().substring(en.getKey().lastIndexOf('.') + 1);
            List<String> variants = en.getValue();
            for (int i = 0; i < variants.size(); i++) {
                String path = base + "/" + folders.get(en.getKey()) + "/" + simple + (i == 0 ? "" : "." + (i + 1)) + ".md";
                files.put(path, variants.get(i));
                index.add(path);
                classOf.put(path, en.getKey());
            }
        }
        StringBuilder idx = new StringBuilder("# Generated by FlopScope from " + release + "; do not edit (see docs/analyzer.md, \"The built-in library\").\n");
        // "path = class": the library maps classes to documents without opening them (start-up time)
        for (String p : index) idx.append(p).append(" = ").append(classOf.get(p)).append('\n');
        files.put(base + "/index.txt", idx.toString());
        StringBuilder impl = new StringBuilder("# Attention implementations of " + release + ": class the analyses call -> class whose analysis is used.\n");
        for (String l : implementations) impl.append(l).append('\n');
        files.put(base + "/implementations.txt", impl.toString());
        return new Output(files, problems);
    }

    private static SourceAnalyzer.Result analyze(SourceLookup src, Family fam, Map<String, Object> config, String attn) {
        SourceAnalyzer.Request r = new SourceAnalyzer.Request(fam.rootClass(), config, Map.of(), attn, false);
        return fam.prefillOnly() ? SourceAnalyzer.analyze(src, r) : SourceAnalyzer.analyzeBoth(src, r);
    }

    private static Map<String, ModuleAnalysis> byClass(SourceAnalyzer.Result r) {
        Map<String, ModuleAnalysis> out = new LinkedHashMap<>();
        for (ModuleAnalysis a : r.documents()) out.put(a.className(), a);
        return out;
    }

    private static void add(List<String> lines, String line) { if (!lines.contains(line)) lines.add(line); }

    private static void keep(ModuleAnalysis a, String release, String familyFolder, boolean perImplementation, Map<String, List<String>> texts,
                             Map<String, String> folders) {
        String text = MarkdownWriter.write(stored(a, release, perImplementation));
        List<String> v = texts.computeIfAbsent(a.className(), k -> new ArrayList<>());
        if (!v.contains(text)) v.add(text);
        // classes of the family's own modeling package go to its folder; shared ones (activations) to "common"
        folders.putIfAbsent(a.className(), a.className().startsWith("transformers.models.") ? familyFolder : "common");
    }

    /**
     * The document as stored: no code, the file relative to the release's src/, the release named, and a summary of
     * what the document says by itself (the cumulative forms depend on the callees a lookup picks: --attn, the config).
     */
    static ModuleAnalysis stored(ModuleAnalysis a, String release, boolean perImplementation) {
        List<Kernel> kernels = new ArrayList<>();
        for (Kernel k : a.kernels()) kernels.add(k.withCode(null));
        List<String> conditions = new ArrayList<>();
        conditions.add(release);
        for (String c : a.conditions()) if (perImplementation || !c.startsWith(IMPLEMENTATION)) conditions.add(c);
        SourceLocation s = a.source();
        String file = s.file();
        if (file != null) {
            file = file.replace('\\', '/');
            int at = file.lastIndexOf("/transformers/");
            if (at >= 0) file = file.substring(at + 1);
        }
        return new ModuleAnalysis(a.className(), new SourceLocation(file, s.className(), s.classLine(), s.forward(), s.init()), conditions, a.skipped(),
                a.parameters(), a.variables(), kernels, io.flopscope.analyzer.emit.Summaries.intrinsic(a.summary()));
    }

    /** The document with the eager attention class renamed to the sdpa one, for comparing the shared classes. */
    private static String comparable(ModuleAnalysis a, String eagerClass, String sdpaClass) {
        String t = MarkdownWriter.write(stored(a, "", false));
        if (eagerClass == null) return t;
        return t.replace(eagerClass, sdpaClass).replace(simple(eagerClass), simple(sdpaClass));
    }

    private static String simple(String cls) { return cls.substring(cls.lastIndexOf('.') + 1); }

    /** How the analyzer states the attention implementation among a document's conditions. */
    static final String IMPLEMENTATION = "attention implementation:";

    /** config.json values as the analyzer takes them: numbers, booleans, strings and None. */
    static Map<String, Object> values(JsonNode raw) {
        Map<String, Object> out = new LinkedHashMap<>();
        raw.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            Object x;
            if (v.isNull()) x = null;
            else if (v.isBoolean()) x = v.asBoolean();
            else if (v.isIntegralNumber()) x = v.asLong();
            else if (v.isNumber()) x = v.asDouble();
            else if (v.isTextual()) x = v.asText();
            else x = new Object(); // lists and objects do not steer the path
            out.put(e.getKey(), x);
        });
        return out;
    }
}
