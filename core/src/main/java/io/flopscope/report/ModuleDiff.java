package io.flopscope.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flopscope.evaluate.Numbers;
import io.flopscope.evaluate.Scenario;
import io.flopscope.formula.Rational;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Two analyses of one model compared module by module at one scenario (flopscope diff): the built-in library against
 * the user's own transformers release, say. Modules are matched by their place in the tree, the chain of submodule
 * names from the root ({@code model/layers/self_attn}), so a class renamed between releases
 * ({@code LlamaSdpaAttention} → {@code LlamaAttention}) still lines up. Within a module present on both sides, the
 * basic kernels are compared as a multiset of (title, operation, numbers per call): line numbers alone do not count
 * as a change.
 */
public final class ModuleDiff {
    /** One side of the comparison: a label ("built-in", the source folder) and its evaluated tree. */
    public record Side(String label, EvaluatedNode root) {}

    /** A kernel on one side only: numbers for one call of its module. */
    public record KernelChange(boolean inB, int line, String title, String operation, Numbers numbers) {}

    /**
     * One module path. classA or classB is null when the module exists on one side only; a and b are the module's
     * totals in the whole model (all its instances).
     */
    public record Row(String path, int depth, String classA, String classB, Numbers a, Numbers b, List<KernelChange> kernels) {
        public boolean changed() {
            return classA == null || classB == null || !classA.equals(classB) || !a.equals(b) || !kernels.isEmpty();
        }
    }

    private final String model;
    private final Scenario scenario;
    private final boolean causal;
    private final Side a, b;
    private final List<Row> rows;

    public ModuleDiff(String model, Scenario scenario, boolean causal, Side a, Side b) {
        this.model = model;
        this.scenario = scenario;
        this.causal = causal;
        this.a = a;
        this.b = b;
        List<Row> out = new ArrayList<>();
        pair(a.root(), b.root(), "", 0, Rational.ONE, Rational.ONE, out);
        this.rows = List.copyOf(out);
    }

    /**
     * Rows for a module and, recursively, its children. Children are paired by the submodule name that calls them
     * (q_proj), else by class in call order (documents written by hand title their calls differently); what stays
     * unpaired is on one side only.
     */
    private static void pair(EvaluatedNode x, EvaluatedNode y, String path, int depth, Rational nx, Rational ny, List<Row> out) {
        Rational cx = x == null ? null : nx.multiply(x.repeat()), cy = y == null ? null : ny.multiply(y.repeat());
        List<KernelChange> ks = x != null && y != null ? kernelChanges(x, y) : List.of();
        out.add(new Row(path, depth, x == null ? null : x.className(), y == null ? null : y.className(),
                x == null ? Numbers.ZERO : EvaluatedNode.scale(x.cumulative(), cx), y == null ? Numbers.ZERO : EvaluatedNode.scale(y.cumulative(), cy), ks));
        List<EvaluatedNode> xs = x == null ? List.of() : x.children(), ys = new ArrayList<>(y == null ? List.of() : y.children());
        EvaluatedNode[] match = new EvaluatedNode[xs.size()];
        for (int i = 0; i < xs.size(); i++) {
            for (EvaluatedNode c : ys) if (name(c).equals(name(xs.get(i)))) { match[i] = c; break; }
            if (match[i] != null) ys.remove(match[i]);
        }
        for (int i = 0; i < xs.size(); i++) {
            if (match[i] != null) continue;
            for (EvaluatedNode c : ys) if (c.className().equals(xs.get(i).className())) { match[i] = c; break; }
            if (match[i] != null) ys.remove(match[i]);
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < xs.size(); i++) pair(xs.get(i), match[i], child(path, name(xs.get(i)), seen), depth + 1, cx, cy, out);
        for (EvaluatedNode c : ys) pair(null, c, child(path, name(c), seen), depth + 1, cx, cy, out);
    }

    private static String name(EvaluatedNode n) { return n.via() == null || n.via().isBlank() ? n.simpleName() : n.via(); }

    private static String child(String path, String name, Map<String, Integer> seen) {
        int k = seen.merge(name, 1, Integer::sum);
        String seg = k == 1 ? name : name + "#" + k;
        return path.isEmpty() ? seg : path + "/" + seg;
    }

    /** The kernels of one module call that only one side has (a multiset difference). */
    private static List<KernelChange> kernelChanges(EvaluatedNode x, EvaluatedNode y) {
        List<EvaluatedNode.EvaluatedKernel> onlyA = nonZero(x), onlyB = nonZero(y);
        List<EvaluatedNode.EvaluatedKernel> restB = new ArrayList<>(onlyB);
        List<KernelChange> out = new ArrayList<>();
        for (EvaluatedNode.EvaluatedKernel k : onlyA) {
            int i = indexOfSame(restB, k);
            if (i >= 0) restB.remove(i);
            else out.add(new KernelChange(false, k.line(), k.title(), k.operation(), k.numbers()));
        }
        for (EvaluatedNode.EvaluatedKernel k : restB) out.add(new KernelChange(true, k.line(), k.title(), k.operation(), k.numbers()));
        return out;
    }

    private static List<EvaluatedNode.EvaluatedKernel> nonZero(EvaluatedNode n) {
        List<EvaluatedNode.EvaluatedKernel> out = new ArrayList<>();
        for (EvaluatedNode.EvaluatedKernel k : n.kernels()) if (!k.numbers().equals(Numbers.ZERO)) out.add(k);
        return out;
    }

    private static int indexOfSame(List<EvaluatedNode.EvaluatedKernel> ks, EvaluatedNode.EvaluatedKernel k) {
        for (int i = 0; i < ks.size(); i++) {
            EvaluatedNode.EvaluatedKernel o = ks.get(i);
            if (o.title().equals(k.title()) && o.operation().equals(k.operation()) && o.numbers().equals(k.numbers())) return i;
        }
        return -1;
    }

    public List<Row> rows() { return rows; }

    public boolean differs() { return rows.stream().anyMatch(Row::changed); }

    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(model).append(" · ").append(CostReport.scenarioLine(scenario, causal)).append('\n');
        sb.append("A  ").append(a.label()).append('\n');
        sb.append("B  ").append(b.label()).append('\n');
        sb.append(String.format("%n  %-40s %-36s %23s %23s%n", "module", "class (A → B)", "FLOPs A → B", "bytes A → B"));
        for (Row r : rows) {
            String name = r.path().isEmpty() ? "(model)" : r.path().substring(r.path().lastIndexOf('/') + 1);
            String label = "  ".repeat(r.depth()) + name;
            String cls = r.classA() == null ? "— → " + simple(r.classB()) : r.classB() == null ? simple(r.classA()) + " → —"
                    : r.classA().equals(r.classB()) ? simple(r.classA()) : simple(r.classA()) + " → " + simple(r.classB());
            sb.append(String.format("%s %-40s %-36s %23s %23s%n", r.changed() ? "*" : " ", clip(label, 40), clip(cls, 36),
                    change(r.a().flops(), r.b().flops(), "F"), change(r.a().bytes(), r.b().bytes(), "B")));
        }
        List<Row> withKernels = rows.stream().filter(r -> !r.kernels().isEmpty()).toList();
        if (!withKernels.isEmpty()) {
            sb.append("\nKernels on one side only (per call of the module; - A only, + B only):\n");
            for (Row r : withKernels) {
                sb.append(r.path().isEmpty() ? "(model)" : r.path()).append(" · ").append(simple(r.classA()))
                        .append(r.classA().equals(r.classB()) ? "" : " → " + simple(r.classB())).append('\n');
                for (KernelChange k : r.kernels()) {
                    sb.append(String.format("  %s line %-5d %-28s %-26s %11s %11s read %11s written%n", k.inB() ? "+" : "-", k.line(), clip(k.title(), 28),
                            clip(k.operation(), 26), Units.si(k.numbers().flops(), "F"), Units.si(k.numbers().bytesRead(), "B"), Units.si(k.numbers().bytesWritten(), "B")));
                }
            }
        }
        long changed = rows.stream().filter(Row::changed).count();
        Numbers ta = rows.get(0).a(), tb = rows.get(0).b();
        sb.append('\n').append(changed == 0 ? "no difference" : changed + " of " + rows.size() + " modules differ (*)").append('\n');
        sb.append("exact  A flops=").append(CostReport.exact(ta.flops())).append(" bytes_read=").append(CostReport.exact(ta.bytesRead()))
                .append(" bytes_written=").append(CostReport.exact(ta.bytesWritten())).append('\n');
        sb.append("       B flops=").append(CostReport.exact(tb.flops())).append(" bytes_read=").append(CostReport.exact(tb.bytesRead()))
                .append(" bytes_written=").append(CostReport.exact(tb.bytesWritten())).append('\n');
        return sb.toString();
    }

    public String json() {
        ObjectNode o = JsonOutput.object();
        o.put("model", model);
        o.set("scenario", CostReport.scenarioNode(scenario, causal));
        o.put("a", a.label());
        o.put("b", b.label());
        o.put("differs", differs());
        ArrayNode mods = o.putArray("modules");
        for (Row r : rows) {
            ObjectNode m = mods.addObject();
            m.put("path", r.path());
            m.put("class_a", r.classA());
            m.put("class_b", r.classB());
            m.put("changed", r.changed());
            m.set("totals_a", CostReport.numbers(r.a()));
            m.set("totals_b", CostReport.numbers(r.b()));
            ArrayNode ks = m.putArray("kernels");
            for (KernelChange k : r.kernels()) {
                ObjectNode kn = ks.addObject();
                kn.put("side", k.inB() ? "b" : "a");
                kn.put("line", k.line());
                kn.put("title", k.title());
                kn.put("operation", k.operation());
                kn.set("numbers", CostReport.numbers(k.numbers()));
            }
        }
        return JsonOutput.write(o);
    }

    private static String simple(String cls) { return cls == null ? "—" : cls.substring(cls.lastIndexOf('.') + 1); }

    private static String clip(String s, int n) { return s.length() <= n ? s : s.substring(0, n - 1) + "…"; }

    private static String change(Rational x, Rational y, String unit) {
        if (x.equals(y)) return Units.si(x, unit);
        return Units.si(x, unit) + " → " + Units.si(y, unit);
    }
}
