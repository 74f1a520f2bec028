package io.flopscope.report;

import static io.flopscope.report.SvgChartTest.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.evaluate.BuiltInModels;
import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.evaluate.Phase;
import io.flopscope.evaluate.Scenario;
import io.flopscope.library.Library;
import io.flopscope.predict.Communication;
import io.flopscope.predict.HardwareProfile;
import io.flopscope.predict.MemoryFootprint;
import io.flopscope.predict.Prediction;
import io.flopscope.predict.PredictionHtml;
import io.flopscope.predict.PredictionSweep;
import io.flopscope.predict.Roofline;
import io.flopscope.predict.Target;
import io.flopscope.resolve.CostNode;
import io.flopscope.resolve.Resolver;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
    static final ModelConfig GPT2 = BuiltInModels.find("gpt2").orElseThrow();
    static final CostNode ROOT = new Resolver(Library.builtIn(), false).resolve(GPT2.rootClass().orElseThrow()).root();

    static Prediction predict(Scenario sc, String hw) {
        Target t = Target.of(HardwareProfile.resolve(hw), sc.activations(), false, 1);
        return Roofline.predict(EvaluatedNode.of(ROOT, new Evaluator(sc, GPT2)), t, Communication.NONE);
    }

    /** Nothing that would load from the network or run code. */
    static void selfContained(String html) {
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.strip().endsWith("</html>"));
        String noXmlns = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        for (String bad : new String[] {"http://", "https://", "<script", "<link", "@import", "<img", "<iframe", "src="}) {
            assertFalse(noXmlns.contains(bad), "the page must be self-contained, found " + bad);
        }
        Matcher urls = Pattern.compile("url\\(([^)]*)\\)").matcher(html);
        while (urls.find()) assertTrue(urls.group(1).startsWith("#"), "only in-document references: " + urls.group());
    }

    static int nodes(EvaluatedNode n) {
        int c = 1;
        for (EvaluatedNode x : n.children()) c += nodes(x);
        return c;
    }

    @Test void escapingCoversTextAndAttributes() {
        assertEquals("a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;", HtmlReport.escape("a <b> & \"c\" 'd'"));
        HtmlReport.Tree leaf = new HtmlReport.Tree("<script>alert(1)</script>", "(via \"x\")", List.of(new HtmlReport.Cell("1 < 2", "exact \"3\"")), List.of(), List.of());
        String html = new HtmlReport("T & <U>", "sub <s>").tree("H", List.of("c"), leaf, List.of(), 1).table("t", List.of("a<"), List.of(List.of("<b>"))).html();
        assertFalse(html.contains("<script>"), html);
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(html.contains("<title>T &amp; &lt;U&gt;</title>"));
        assertTrue(html.contains("title=\"exact &quot;3&quot;\""), "exact values as tooltips, escaped");
        assertTrue(html.contains("<td>&lt;b&gt;</td>"));
        selfContained(html);
    }

    @Test void costPageHasTheWholeTreeAsCollapsibleDetails() {
        Scenario sc = Scenario.of(Phase.PREFILL, 1, 128, 0, Dtype.FP32);
        EvaluatedNode root = EvaluatedNode.of(ROOT, new Evaluator(sc, GPT2));
        String html = new CostReport("gpt2", sc, false, root, List.of(), -1).html();
        selfContained(html);
        int details = count(html, "<details"), leaves = count(html, "<div class=\"row leaf\">");
        assertEquals(nodes(root), details + leaves, "one row per module instance of the tree");
        assertEquals(count(html, "<details"), count(html, "</details>"));
        assertTrue(count(html, "<details open>") >= 2, "the top of the tree starts unfolded");
        assertTrue(html.contains("GPT2LMHeadModel") && html.contains("GPT2Block") && html.contains("(transformer blocks, line 1129)"), "names and calling lines");
        assertTrue(html.contains("title=\"32310362112\">32.31 GFLOP</span>"), "total FLOPs with the exact value");
        assertTrue(html.contains("×12"), "repeat of the blocks");
    }

    @Test void predictionPageHasARooflinePointForEveryKernelThatHasFlopsAndBytes() {
        Scenario sc = Scenario.of(Phase.PREFILL, 8, 512, 0, Dtype.BF16);
        Prediction p = predict(sc, "h100");
        MemoryFootprint.Footprint mem = new MemoryFootprint(ROOT, GPT2, Dtype.BF16, Dtype.BF16, Dtype.BF16).forCall(sc, 1, 80L << 30);
        String html = PredictionHtml.page("gpt2", sc, false, p, mem, List.of());
        selfContained(html);
        long drawable = p.kernels().stream().filter(k -> k.flops().signum() > 0 && k.bytes().signum() > 0).count();
        assertTrue(drawable > 10 && drawable < p.kernels().size(), drawable + " of " + p.kernels().size());
        String roof = html.substring(html.indexOf("<svg"), html.indexOf("</svg>"));
        assertTrue(roof.contains("class=\"chart roofline\""));
        assertEquals(drawable, count(roof, "<circle"), "circles in the roofline = kernels with FLOPs and bytes");
        for (Prediction.KernelPrediction k : PredictionHtml.drawable(p)) {
            assertTrue(roof.contains(HtmlReport.escape(k.module() + ":" + k.line() + " " + k.title())), "tooltip of " + k.module() + ":" + k.line());
        }
        assertTrue(html.contains(drawable + " of " + p.kernels().size() + " kernels drawn"), "says how many are drawn");
        assertTrue(html.contains("memory per device") && html.contains("fits"));
        // the module tree: one row per module instance of the prediction, with times
        assertEquals(modules(p.root()), count(html, "<details") + count(html, "<div class=\"row leaf\">"));
        assertTrue(html.contains(Units.seconds(p.seconds())));
    }

    static int modules(Prediction.ModulePrediction m) {
        int c = 1;
        for (Prediction.ModulePrediction x : m.children()) c += modules(x);
        return c;
    }

    @Test void sweepPageChartsEveryMetricAgainstEveryVaryingAxis() {
        List<PredictionSweep.Point> pts = new ArrayList<>();
        MemoryFootprint mf = new MemoryFootprint(ROOT, GPT2, Dtype.BF16, Dtype.BF16, Dtype.BF16);
        for (long b : new long[] {1, 8, 64}) {
            for (long s : new long[] {128, 256, 512, 1024}) {
                Scenario sc = Scenario.of(Phase.PREFILL, b, s, 0, Dtype.BF16);
                pts.add(new PredictionSweep.Point(sc, predict(sc, "h100"), mf.forCall(sc, 1, 80L << 30)));
            }
        }
        String html = new PredictionSweep("gpt2", false, pts, List.of()).html();
        selfContained(html);
        // latency, tokens/s and memory, each against batch_size and seq_len, plus the roofline of the last point
        assertEquals(7, count(html, "<svg"));
        for (String t : new String[] {"latency vs batch_size", "latency vs seq_len", "tokens per second vs batch_size", "tokens per second vs seq_len",
                "memory per device vs batch_size", "memory per device vs seq_len"}) {
            assertTrue(html.contains(">" + t + "</text>"), t);
        }
        int lineCharts = count(html, "class=\"chart line-chart\"");
        assertEquals(6, lineCharts);
        // vs seq_len: 3 lines (one per batch) of 4 points; vs batch_size: 4 lines of 3 points
        assertEquals(3 * (3 + 4), count(html, "<polyline fill=\"none\""));
        assertEquals(3 * 2 * 12, count(html, "<circle cx=") , "every point in every line chart");
        String table = html.substring(html.indexOf("<h2>Points</h2>"), html.indexOf("</table>", html.indexOf("<h2>Points</h2>")));
        assertEquals(12, count(table, "<tr><td>"), "a table row per point");
    }

    @Test void sweepChartsThinManyLinesAndSkipConstantAxes() {
        List<long[]> coords = new ArrayList<>();
        double[] v = new double[20 * 3];
        int i = 0;
        for (long b = 1; b <= 20; b++) for (long s : new long[] {64, 128, 256}) { coords.add(new long[] {b, s, 0}); v[i] = b * s; i++; }
        List<String> charts = SweepCharts.charts(List.of("batch_size", "seq_len", "cache_len"), coords, List.of(new SweepCharts.Metric("m", "", v, Double::toString)));
        assertEquals(2, charts.size(), "cache_len does not vary");
        String vsSeq = charts.get(1);
        assertTrue(vsSeq.contains("m vs seq_len (8 of 20 lines)"), vsSeq.substring(0, 400));
        assertEquals(SweepCharts.MAX_LINES, count(vsSeq, "<polyline"));
        assertTrue(vsSeq.contains(">batch_size=1</text>") && vsSeq.contains(">batch_size=20</text>"), "first and last line kept");
        assertEquals(3, count(charts.get(0), "<polyline"));
        assertEquals(List.of(), SweepCharts.charts(List.of("a"), List.of(new long[] {1}), List.of(new SweepCharts.Metric("m", "", new double[] {1}, Double::toString))));
    }
}
