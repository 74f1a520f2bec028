package io.flopscope.info;

import io.flopscope.report.JsonOutput;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flopscope.evaluate.BuiltInModels;
import io.flopscope.formula.Rational;
import io.flopscope.predict.ModelDims;
import io.flopscope.report.Units;
import io.flopscope.resolve.Unknown;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** {@code flopscope info} as text or JSON. */
public final class InfoReport {
    /** Separates the labels of a module path in parameters_by_module. */
    public static final String PATH_SEPARATOR = " / ";

    private final String model;
    private final String origin;
    private final ModelInfo info;
    private final List<Unknown> unknowns;
    private final int depth;

    /**
     * @param model    the name the user gave
     * @param origin   where the config came from ("built-in", a path, the Hugging Face cache)
     * @param unknowns parts of the analysis that could not be analysed (their weights are missing from the counts)
     * @param depth    modules shown below the root (-1: all)
     */
    public InfoReport(String model, String origin, ModelInfo info, List<Unknown> unknowns, int depth) {
        this.model = model;
        this.origin = origin;
        this.info = info;
        this.unknowns = List.copyOf(unknowns);
        this.depth = depth;
    }

    /** Module path (labels below the root, joined by {@link #PATH_SEPARATOR}) → parameters over all its instances; modules without parameters are left out, tied tables are kept (0). */
    public Map<String, Rational> parametersByModule() {
        Map<String, Rational> out = new LinkedHashMap<>();
        for (ModelInfo.Module c : info.tree().children()) collect(c, "", 1, out);
        return out;
    }

    private void collect(ModelInfo.Module m, String prefix, int level, Map<String, Rational> out) {
        if (depth >= 0 && level > depth) return;
        if (m.parameters().isZero() && !m.tied()) return;
        String path = prefix.isEmpty() ? m.label() : prefix + PATH_SEPARATOR + m.label();
        out.merge(path, m.parameters(), Rational::add);
        for (ModelInfo.Module c : m.children()) collect(c, path, level + 1, out);
    }

    public String text() {
        ModelDims d = info.dims();
        StringBuilder sb = new StringBuilder();
        sb.append(model).append(" · ").append(info.rootClass()).append('\n');
        sb.append(String.format(Locale.ROOT, "%-22s %s%n", "config", origin));
        String kv = d.uniformKv() ? d.kvHeads() + " KV heads · head dim " + d.headDim()
                : "head dim " + d.headDim() + " · a compressed KV latent of " + d.keyDim() + " + " + d.valueDim();
        sb.append(String.format(Locale.ROOT, "%-22s %d layers · hidden %d · %d heads · %s%s%n", "sizes",
                d.layers(), d.hidden(), d.heads(), kv, info.vocabSize().map(v -> " · vocab " + v).orElse("")));
        sb.append(String.format(Locale.ROOT, "%-22s %,d%s%n", "parameters", info.parameters().num(), published()));
        sb.append(String.format(Locale.ROOT, "%-22s %s (%,d bytes at %s)%n", "weights", Units.si(info.weightBytes(), "B"),
                info.weightBytes().ceil(), info.weightDtype().id));
        if (info.keepsKvCache()) {
            String width = d.uniformKv() ? "2 × %d layers × %d KV heads × %d".formatted(d.layers(), d.kvHeads(), d.headDim())
                    : "%d layers × one compressed latent of (%d + %d)".formatted(d.layers(), d.keyDim(), d.valueDim());
            sb.append(String.format(Locale.ROOT, "%-22s %s (%,d bytes at %s: %s × %s B)%n", "KV cache per token",
                    Units.si(info.kvCacheBytesPerToken(), "B"), info.kvCacheBytesPerToken().ceil(), info.kvDtype().id,
                    width, info.kvDtype().bytes.toDecimalString()));
        } else {
            sb.append(String.format(Locale.ROOT, "%-22s 0 B (no cost of the analyses depends on a KV cache)%n", "KV cache per token"));
        }
        sb.append('\n').append(String.format(Locale.ROOT, "%-56s %7s %16s %16s %7s%n", "parameters by module", "repeat", "each", "total", "share"));
        boolean[] tiedShown = {false};
        tree(sb, info.tree(), "", "", 0, tiedShown);
        if (tiedShown[0]) {
            sb.append("\n* tied to the output projection: the table is counted once, in the projection that reads it\n");
        }
        if (!unknowns.isEmpty()) {
            sb.append("\nINCOMPLETE: ").append(unknowns.size()).append(" part").append(unknowns.size() == 1 ? "" : "s")
              .append(" could not be analysed; weights they read are NOT counted:\n");
            for (Unknown u : unknowns) sb.append("  ").append(u).append('\n');
        }
        return sb.toString();
    }

    /** The publisher's count, when the config is a built-in one that records it and the whole model (not a --module) is counted. */
    private Optional<Long> publishedCount() {
        boolean wholeModel = info.config().rootClass().map(info.rootClass()::equals).orElse(false);
        return wholeModel ? BuiltInModels.publishedParameters(info.config()) : Optional.empty();
    }

    /** The publisher's rounded figure ("671B") where no exact count is published. */
    private Optional<String> publishedApprox() {
        boolean wholeModel = info.config().rootClass().map(info.rootClass()::equals).orElse(false);
        return wholeModel && publishedCount().isEmpty() ? BuiltInModels.publishedParametersApprox(info.config()) : Optional.empty();
    }

    private String published() {
        Optional<Long> p = publishedCount();
        Optional<String> approx = publishedApprox();
        if (approx.isPresent()) return "  (published: " + approx.get() + ", rounded; " + (BuiltInModels.roundsTo(info.parameters().num(), approx.get()) ? "agrees)" : "DISAGREES)");
        if (p.isEmpty()) return "";
        long diff = info.parameters().num().longValue() - p.get();
        return diff == 0 ? "  (published: " + String.format(Locale.ROOT, "%,d", p.get()) + ", equal)"
                : String.format(Locale.ROOT, "  (published: %,d, differs by %+,d)", p.get(), diff);
    }

    private void tree(StringBuilder sb, ModelInfo.Module m, String lead, String childLead, int level, boolean[] tiedShown) {
        if (m.tied()) tiedShown[0] = true;
        String label = lead + m.label() + (m.tied() ? " *" : "");
        if (label.length() > 56) label = label.substring(0, 55) + "…";
        String each = m.instances().equals(Rational.ONE) || m.tied() ? "" : String.format(Locale.ROOT, "%,d", m.perInstance().floor());
        sb.append(String.format(Locale.ROOT, "%-56s %7s %16s %16s %7s%n", label, "×" + m.repeat().toDecimalString(), each,
                String.format(Locale.ROOT, "%,d", m.parameters().floor()), Units.percent(m.parameters(), info.parameters())));
        if (depth >= 0 && level >= depth) return;
        List<ModelInfo.Module> kids = m.children().stream().filter(c -> !c.parameters().isZero() || c.tied()).toList();
        for (int i = 0; i < kids.size(); i++) {
            boolean last = i == kids.size() - 1;
            tree(sb, kids.get(i), childLead + (last ? "└─ " : "├─ "), childLead + (last ? "   " : "│  "), level + 1, tiedShown);
        }
    }

    public String json() {
        ModelDims d = info.dims();
        ObjectNode o = JsonOutput.object();
        o.put("model", model);
        o.put("class", info.rootClass());
        o.put("config", origin);
        String hub = BuiltInModels.hubId(info.config());
        if (!hub.isEmpty()) o.put("hub_id", hub);
        putNumber(o, "parameters", info.parameters());
        ObjectNode by = o.putObject("parameters_by_module");
        parametersByModule().forEach((k, v) -> putNumber(by, k, v));
        ArrayNode tied = o.putArray("tied_embeddings");
        Map<String, Rational> paths = new LinkedHashMap<>();
        for (ModelInfo.Module c : info.tree().children()) tiedPaths(c, "", paths);
        paths.keySet().forEach(tied::add);
        Optional<Long> published = publishedCount();
        if (published.isPresent()) {
            o.put("published_parameters", published.get());
            o.put("published_parameters_source", BuiltInModels.publishedParametersSource(info.config()));
        } else {
            o.putNull("published_parameters");
            publishedApprox().ifPresent(a -> {
                o.put("published_parameters_approx", a);
                o.put("published_parameters_source", BuiltInModels.publishedParametersSource(info.config()));
            });
        }
        o.put("weight_dtype", info.weightDtype().id);
        putNumber(o, "weight_bytes", info.weightBytes());
        o.put("kv_dtype", info.kvDtype().id);
        putNumber(o, "kv_cache_bytes_per_token", info.kvCacheBytesPerToken());
        o.put("kv_cache", info.keepsKvCache());
        o.put("layers", d.layers());
        o.put("hidden_size", d.hidden());
        o.put("heads", d.heads());
        o.put("kv_heads", d.kvHeads());
        o.put("head_dim", d.headDim());
        info.vocabSize().ifPresent(v -> putNumber(o, "vocab_size", v));
        o.put("complete", unknowns.isEmpty());
        ArrayNode u = o.putArray("unanalysed");
        for (Unknown x : unknowns) u.add(x.toString());
        return JsonOutput.write(o);
    }

    private static void tiedPaths(ModelInfo.Module m, String prefix, Map<String, Rational> out) {
        String path = prefix.isEmpty() ? m.label() : prefix + PATH_SEPARATOR + m.label();
        if (m.tied()) out.put(path, Rational.ZERO);
        for (ModelInfo.Module c : m.children()) tiedPaths(c, path, out);
    }

    private static void putNumber(ObjectNode o, String field, Rational r) {
        if (r.isInteger()) { o.put(field, r.num()); return; }
        String dec = r.toDecimalString();
        if (dec.contains("/")) o.put(field, r.doubleValue());
        else o.put(field, new BigDecimal(dec));
    }
}
