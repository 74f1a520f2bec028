package io.flopscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Units.fixed formats as String.format's %.Nf does, without java.util.Formatter. */
class UnitsTest {
    @Test void fixedAgreesWithFormatter() {
        Random r = new Random(42);
        double[] edges = {0, 0.5, 1.5, 2.5, 0.0005, 0.00049999, 999.95, 99.995, 9.9995, 1234.5678, 0.125, 0.375, 1e-9, 123456789.987654};
        for (double v : edges) for (int d = 1; d <= 3; d++) check(v, d);
        for (int i = 0; i < 200_000; i++) {
            double v = switch (i % 4) {
                case 0 -> r.nextDouble() * 1000;
                case 1 -> Math.round(r.nextDouble() * 1e6) / 1e3 + 0.0005; // ties at the 4th decimal
                case 2 -> Math.round(r.nextDouble() * 1e5) / 1e2 + 0.005;
                default -> Math.exp(r.nextGaussian() * 10);
            };
            check(v, 1 + i % 3);
        }
    }

    private static void check(double v, int d) {
        assertEquals(String.format(Locale.ROOT, "%." + d + "f", v), Units.fixed(v, d), v + " at " + d);
    }
}
