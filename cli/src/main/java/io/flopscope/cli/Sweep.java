package io.flopscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.IntStream;

/** Evaluates the points of a sweep in parallel (the common fork-join pool), in order, with a progress bar. */
final class Sweep {
    private Sweep() {}

    static <P, T> List<T> map(List<P> points, Function<P, T> f, PrintWriter err) {
        return map(points, f, new Progress(err, points.size()));
    }

    static <P, T> List<T> map(List<P> points, Function<P, T> f, Progress progress) {
        Object[] out = new Object[points.size()];
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        try {
            IntStream.range(0, points.size()).parallel().forEach(i -> {
                if (failure.get() != null) return;
                try {
                    out[i] = f.apply(points.get(i));
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
                progress.step();
            });
        } finally {
            progress.finish();
        }
        if (failure.get() != null) throw failure.get();
        @SuppressWarnings("unchecked") List<T> list = (List<T>) new ArrayList<>(Arrays.asList(out));
        return list;
    }

    /** Prints the report to standard output, or writes it to {@code file} (and says so on standard error). */
    static void emit(PrintWriter out, PrintWriter err, Path file, String report) {
        if (file == null) {
            out.print(report);
            out.flush();
            return;
        }
        try {
            Files.writeString(file, report, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw UserError.failed("cannot write " + file + ": " + IoMessages.reason(e));
        }
        err.println("flopscope: wrote " + file);
    }
}
