package io.flopscope.cli;

import static io.flopscope.cli.PredictCommandsTest.run;
import static io.flopscope.cli.SweepCommandsTest.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.cli.CliTest.Run;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Opens the HTML reports in headless Chromium (Debian's {@code chromium} package, which {@code .ci/run}
 * installs): a screenshot must show the charts, and the DOM after rendering must still hold every SVG
 * element. Skipped, with a message, where /usr/bin/chromium is missing. The pages and screenshots stay
 * in cli/target/html-report/ for a look.
 */
class HtmlReportBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DIR = Path.of("target", "html-report").toAbsolutePath();

    @BeforeEach void needChromium() throws IOException {
        boolean present = Files.isExecutable(CHROMIUM);
        if (!present) {
            System.err.println("HtmlReportBrowserTest SKIPPED: " + CHROMIUM + " not found; install Debian's chromium package (apt-get install -y chromium) to run it");
        }
        Assumptions.assumeTrue(present, "headless Chromium test skipped: " + CHROMIUM + " not found (apt-get install -y chromium; .ci/run does this)");
        Files.createDirectories(DIR);
    }

    /** Runs Chromium headless on the page with extra arguments; returns its standard output. */
    static String chromium(Path page, String... extra) throws Exception {
        Path profile = Files.createTempDirectory("flopscope-chromium");
        Path log = Files.createTempFile("flopscope-chromium", ".log");
        Path out = Files.createTempFile("flopscope-chromium", ".out");
        try {
            List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
                    "--user-data-dir=" + profile, "--window-size=1200,900"));
            cmd.addAll(List.of(extra));
            cmd.add(page.toUri().toString());
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(log.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("chromium did not finish within 120 s: " + Files.readString(log));
            }
            assertEquals(0, p.exitValue(), () -> "chromium failed: " + readQuietly(log));
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            try (Stream<Path> s = Files.walk(profile)) {
                s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
            Files.deleteIfExists(log);
            Files.deleteIfExists(out);
        }
    }

    static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }

    static BufferedImage screenshot(Path page, Path png) throws Exception {
        Files.deleteIfExists(png);
        chromium(page, "--screenshot=" + png);
        assertTrue(Files.isRegularFile(png) && Files.size(png) > 0, "no screenshot at " + png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1200, img.getWidth());
        assertEquals(900, img.getHeight());
        return img;
    }

    /** Pixels within a small distance of this colour. */
    static int pixels(BufferedImage img, int rgb, int tolerance) {
        int n = 0;
        int r0 = rgb >> 16 & 255, g0 = rgb >> 8 & 255, b0 = rgb & 255;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int c = img.getRGB(x, y);
                if (Math.abs((c >> 16 & 255) - r0) <= tolerance && Math.abs((c >> 8 & 255) - g0) <= tolerance && Math.abs((c & 255) - b0) <= tolerance) n++;
            }
        }
        return n;
    }

    static int nonWhite(BufferedImage img) { return img.getWidth() * img.getHeight() - pixels(img, 0xffffff, 8); }

    @Test void sweepReportRendersItsCharts() throws Exception {
        Path page = DIR.resolve("sweep.html");
        Run r = run("predict", "gpt2", "--hardware", "h100", "--dtype", "bf16", "--batch", "1,8,64", "--seq", "128:1024:x2", "--format", "html", "--out", page.toString());
        assertEquals(0, r.code(), r.err());
        String html = Files.readString(page);

        BufferedImage img = screenshot(page, DIR.resolve("sweep.png"));
        int ink = nonWhite(img);
        assertTrue(ink > 1200 * 900 / 50, "the screenshot is not blank: " + ink + " non-white pixels");
        // the first viewport shows the latency and tokens-per-second charts: the lines of the first three series are drawn
        for (int colour : new int[] {0x0072b2, 0xe69f00, 0x009e73}) {
            int n = pixels(img, colour, 24);
            assertTrue(n > 300, String.format("series colour #%06x drawn: %d pixels", colour, n));
        }

        String dom = chromium(page, "--dump-dom");
        assertEquals(count(html, "<svg"), count(dom, "<svg"), "every chart survives rendering");
        assertEquals(7, count(dom, "<svg"));
        assertEquals(count(html, "<circle"), count(dom, "<circle"));
        assertEquals(count(html, "<polyline"), count(dom, "<polyline"));
        assertTrue(dom.contains("latency vs seq_len") && dom.contains("tokens per second vs batch_size") && dom.contains("memory per device vs seq_len"));
    }

    @Test void predictionReportRendersTheRoofline() throws Exception {
        Path page = DIR.resolve("predict.html");
        Run r = run("predict", "gpt2", "--hardware", "h100", "--dtype", "bf16", "--batch", "8", "--seq", "512", "--format", "html", "--out", page.toString());
        assertEquals(0, r.code(), r.err());
        String html = Files.readString(page);
        int kernels = count(html, "<circle class=\"kernel\"");
        assertTrue(kernels > 10, "kernel points: " + kernels);

        BufferedImage img = screenshot(page, DIR.resolve("predict.png"));
        assertTrue(nonWhite(img) > 1200 * 900 / 50, "the screenshot is not blank");
        assertTrue(pixels(img, 0xd55e00, 24) > 200, "the matmul roof is drawn");
        assertTrue(pixels(img, 0x009e73, 40) > 100, "memory-bound kernel points are drawn");

        String dom = chromium(page, "--dump-dom");
        assertEquals(kernels, count(dom, "<circle class=\"kernel\""), "every kernel point survives rendering");
        assertEquals(3, count(dom, "<polyline class=\"roof\""), "matmul and vector roofs, and the datasheet peak (dashed)");
        assertTrue(count(dom, "<details") > 10, "the module tree");
    }

    @Test void costReportRendersItsTree() throws Exception {
        Path page = DIR.resolve("cost.html");
        Run r = run("cost", "gpt2", "--format", "html", "--out", page.toString());
        assertEquals(0, r.code(), r.err());
        BufferedImage img = screenshot(page, DIR.resolve("cost.png"));
        assertTrue(nonWhite(img) > 1200 * 900 / 100, "the screenshot is not blank");
        String dom = chromium(page, "--dump-dom");
        assertEquals(count(Files.readString(page), "<details"), count(dom, "<details"));
        assertTrue(dom.contains("GPT2Block") && dom.contains("32.31 GFLOP"));
    }
}
