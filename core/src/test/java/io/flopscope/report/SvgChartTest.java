package io.flopscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SvgChartTest {
    static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length())) n++;
        return n;
    }

    /** The text of the tick labels of one axis group ("x-ticks" or "y-ticks"), in order. */
    static List<String> ticks(String svg, String group) {
        int start = svg.indexOf("<g class=\"" + group + "\"");
        String g = svg.substring(start, svg.indexOf("</g>", start));
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<text class=\"tick\"[^>]*>([^<]*)</text>").matcher(g);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    static List<Double> attribute(String svg, String element, String attr) {
        List<Double> out = new ArrayList<>();
        Matcher m = Pattern.compile("<" + element + "[^>]* " + attr + "=\"([-0-9.]+)\"").matcher(svg);
        while (m.find()) out.add(Double.parseDouble(m.group(1)));
        return out;
    }

    @Test void tickLabelsAreCompact() {
        assertEquals("0", SvgChart.tick(0));
        assertEquals("0.08", SvgChart.tick(0.08));
        assertEquals("80ms", SvgChart.tick(0.08, "s"));
        assertEquals("500µs", SvgChart.tick(5e-4, "s"));
        assertEquals("1.5GB", SvgChart.tick(1.5e9, "B"));
        assertEquals("1024", SvgChart.tick(1024));
        assertEquals("1k", SvgChart.tick(1000));
        assertEquals("16.4k", SvgChart.tick(16384));
        assertEquals("2.5T", SvgChart.tick(2.5e12));
        assertEquals("0.5", SvgChart.tick(0.5));
        assertEquals(20.0, SvgChart.niceStep(13.4));
        assertEquals(5.0, SvgChart.niceStep(3.1));
        assertEquals(0.1, SvgChart.niceStep(0.07), 1e-15);
    }

    @Test void axesMapLinearlyAndLogarithmically() {
        SvgChart.Axis lin = SvgChart.Axis.of(0, 67, false, 100, 600);
        assertEquals(List.of(0.0, 20.0, 40.0, 60.0, 80.0), lin.ticks());
        assertEquals(100, lin.map(0), 1e-9);
        assertEquals(600, lin.map(80), 1e-9);
        SvgChart.Axis log = SvgChart.Axis.of(0.3, 2000, true, 0, 400);
        assertEquals(0.1, log.min(), 1e-12);
        assertEquals(10000, log.max(), 1e-9);
        assertEquals(240, log.map(100), 1e-9, "100 is 3 of the 5 decades from 0.1 to 10000");
        assertEquals(200, log.map(Math.pow(10, 1.5)), 1e-9, "the middle is 10^1.5");
        assertEquals(List.of(0.1, 1.0, 10.0, 100.0, 1000.0, 10000.0), log.ticks().stream().map(v -> Double.parseDouble(String.format("%.6g", v))).toList());
        // a tight log axis over less than a decade gets 1-2-5 ticks inside the data range
        SvgChart.Axis tight = SvgChart.Axis.of(0.0013, 0.067, true, true, 0, 100, null);
        assertEquals(List.of("2ms", "5ms", "10ms", "20ms", "50ms"), tight.ticks().stream().map(v -> SvgChart.tick(v, "s")).toList());
    }

    @Test void lineChartDrawsEverySeriesWithDataTicksAndUnits() {
        List<SvgChart.Series> series = new ArrayList<>();
        long[] seqs = {128, 256, 512, 1024};
        for (int b : new int[] {1, 8, 64}) {
            List<double[]> pts = new ArrayList<>();
            for (long s : seqs) pts.add(new double[] {s, 1e-3 * b * s / 128.0});
            series.add(new SvgChart.Series("batch_size=" + b, pts, null));
        }
        String svg = SvgChart.lineChart("latency vs seq_len", "seq_len (log)", true, "", "latency (log)", true, "s", series);
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart line-chart\""), svg);
        assertEquals(3, count(svg, "<polyline"));
        assertEquals(12, count(svg, "<circle"));
        assertEquals(List.of("128", "256", "512", "1024"), ticks(svg, "x-ticks"), "the grid values are the x ticks");
        List<String> y = ticks(svg, "y-ticks");
        assertTrue(y.containsAll(List.of("1ms", "10ms", "100ms")) && y.stream().allMatch(t -> t.endsWith("s")), y.toString());
        assertTrue(svg.contains("batch_size=8: 256, 16ms") || svg.contains("<title>batch_size=8: 256, 16ms</title>"), "default tooltips name the series and the point");
        for (int b : new int[] {1, 8, 64}) assertTrue(svg.contains(">batch_size=" + b + "</text>"), "legend for batch " + b);
        // larger latency is drawn higher (smaller y) and larger seq_len further right
        List<Double> cx = attribute(svg, "circle", "cx"), cy = attribute(svg, "circle", "cy");
        for (int i = 1; i < 4; i++) {
            assertTrue(cx.get(i) > cx.get(i - 1), "x increases along a series");
            assertTrue(cy.get(i) < cy.get(i - 1), "y decreases (upwards) as latency grows");
        }
        // the first point of batch 8 and batch 64 are at the same x as batch 1's
        assertEquals(cx.get(0), cx.get(4));
        assertEquals(cx.get(0), cx.get(8));
        // every point stays inside the plot area
        for (double v : cx) assertTrue(v >= SvgChart.LEFT && v <= SvgChart.WIDTH - SvgChart.RIGHT, "cx " + v);
        for (double v : cy) assertTrue(v >= SvgChart.TOP && v <= SvgChart.HEIGHT - SvgChart.BOTTOM, "cy " + v);
    }

    @Test void nonPositiveValuesAreLeftOffLogAxes() {
        SvgChart.Series s = new SvgChart.Series("", List.of(new double[] {1, 0}, new double[] {2, 5}, new double[] {4, Double.NaN}, new double[] {8, 50}), null);
        String svg = SvgChart.lineChart("t", "x", true, "", "y", true, "", List.of(s));
        assertEquals(2, count(svg, "<circle"));
        assertFalse(svg.contains("NaN") || svg.contains("Infinity"), svg);
        assertFalse(svg.contains("class=\"legend\""), "a single unnamed series needs no legend");
    }

    @Test void rooflineHasOnePointPerKernelAndTheRoofsMeetTheSlopeAtTheRidge() {
        List<SvgChart.RooflinePoint> pts = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            double intensity = Math.pow(10, -1 + i * 0.25);
            pts.add(new SvgChart.RooflinePoint(intensity, Math.min(1e14, 2e12 * intensity) / 2, i, i % 2 == 0 ? "memory" : "compute-matmul",
                    "Root/Block@" + i + ":" + (10 + i) + " kernel <" + i + ">"));
        }
        String svg = SvgChart.roofline("Roofline & co", List.of(new SvgChart.Roof("matmul", 1e14, false), new SvgChart.Roof("peak", 2e14, true)),
                List.of(new SvgChart.Slope("memory", 2e12, false), new SvgChart.Slope("memory peak", 3e12, true)), pts, List.of("compute-matmul", "memory"));
        assertEquals(17, count(svg, "<circle"), "one circle per kernel and no other circles");
        assertEquals(17, count(svg, "<circle class=\"kernel\""));
        assertEquals(2, count(svg, "<polyline class=\"roof\""), "each roof with the slope of its kind");
        assertTrue(svg.contains("Roofline &amp; co"), "escaped title");
        assertTrue(svg.contains("Root/Block@3:13 kernel &lt;3&gt;"), "escaped tooltip with module and line");
        assertFalse(svg.contains("<3>"));
        // log-log: decade ticks on both axes
        List<String> x = ticks(svg, "x-ticks");
        assertTrue(x.containsAll(List.of("0.1", "1", "10", "100", "1k")), x.toString());
        List<String> y = ticks(svg, "y-ticks");
        assertTrue(y.containsAll(List.of("1T", "10T", "100T")), y.toString());
        // the solid roof's middle vertex is the ridge point: intensity 1e14 / 2e12 = 50 FLOP/byte
        Matcher m = Pattern.compile("<polyline class=\"roof\" data-roof=\"matmul\"[^>]* points=\"([^\"]+)\"").matcher(svg);
        assertTrue(m.find(), svg);
        String[] vertices = m.group(1).split(" ");
        assertEquals(3, vertices.length);
        double ridgeX = Double.parseDouble(vertices[1].split(",")[0]);
        // the points lie on the attainable line (half of min(roof, slope·x)); their x is monotone in intensity
        List<Double> cx = attribute(svg, "circle", "cx");
        for (int i = 1; i < cx.size(); i++) assertTrue(cx.get(i) > cx.get(i - 1));
        // the kernel at intensity 10^(-1+0.25·7) ≈ 5.6 lies left of the ridge, the one at 10^(−1+0.25·12) = 100 right of it
        assertTrue(cx.get(7) < ridgeX && cx.get(12) > ridgeX, "ridge at x=" + ridgeX);
        // area grows with the weight: the last point (weight 16) is the largest
        List<Double> r = attribute(svg, "circle", "r");
        assertEquals(r.stream().mapToDouble(Double::doubleValue).max().orElseThrow(), r.get(16));
    }
}
