package io.flopscope.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The launcher's training run for its class-data-sharing archive: the lines it makes fast, through FastCost, with the
 * tree cache first missed (resolve and write) and then hit (read), so that both paths load their classes here.
 */
public final class Train {
    private Train() {}

    public static void main(String[] args) throws IOException {
        PrintStream none = new PrintStream(OutputStream.nullOutputStream());
        Path dir = Files.createTempDirectory("flopscope-train");
        String before = System.getProperty("flopscope.cache");
        System.setProperty("flopscope.cache", dir.toString());
        try {
            for (String[] line : new String[][] {{"cost", "gpt2"}, {"cost", "gpt2"}, {"cost", "gpt2", "--format", "json"}}) Main.run(line, none, none);
        } finally {
            if (before == null) System.clearProperty("flopscope.cache");
            else System.setProperty("flopscope.cache", before);
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }
}
