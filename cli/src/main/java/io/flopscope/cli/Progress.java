package io.flopscope.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar on standard error for sweeps, redrawn in place with a carriage return. It
 * stays silent for the first second, so quick sweeps print nothing; after that it is redrawn at most ten
 * times a second on a terminal (and erased at the end), or once a second otherwise (ending with a
 * newline). It never touches standard output. {@link #step} may be called from many threads.
 */
final class Progress {
    static final long QUIET_NANOS = 1_000_000_000L;
    static final int WIDTH = 30;

    private final PrintWriter err;
    private final int total;
    private final boolean terminal;
    private final LongSupplier clock;
    private final long start;
    private final long interval;
    private final AtomicInteger done = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private volatile long lastDraw = Long.MIN_VALUE;
    private boolean drawn;

    Progress(PrintWriter err, int total, boolean terminal, LongSupplier nanoClock) {
        this.err = err;
        this.total = total;
        this.terminal = terminal;
        this.clock = nanoClock;
        this.start = nanoClock.getAsLong();
        this.interval = terminal ? 100_000_000L : 1_000_000_000L;
    }

    Progress(PrintWriter err, int total) { this(err, total, stderrIsTerminal(), System::nanoTime); }

    /** One more point done. */
    void step() {
        int n = done.incrementAndGet();
        long now = clock.getAsLong();
        if (now - start < QUIET_NANOS || (lastDraw != Long.MIN_VALUE && now - lastDraw < interval)) return;
        if (!lock.tryLock()) return;
        try {
            if (lastDraw != Long.MIN_VALUE && now - lastDraw < interval) return;
            lastDraw = now;
            draw(Math.max(n, done.get()), now);
        } finally {
            lock.unlock();
        }
    }

    /** The sweep is over: a final state, then the line is erased (terminal) or ended (otherwise). */
    void finish() {
        lock.lock();
        try {
            if (!drawn) return;
            draw(done.get(), clock.getAsLong());
            if (terminal) err.print("\r" + " ".repeat(line(total, 0).length() + 8) + "\r");
            else err.print('\n');
            err.flush();
        } finally {
            lock.unlock();
        }
    }

    boolean drawn() { return drawn; }

    private void draw(int n, long now) {
        drawn = true;
        err.print("\r" + line(n, now - start));
        err.flush();
    }

    String line(int n, long elapsedNanos) {
        int filled = total == 0 ? WIDTH : (int) ((long) n * WIDTH / total);
        return String.format(Locale.ROOT, "sweep [%s%s] %d/%d points %3d%% %.1f s", "#".repeat(filled), "-".repeat(WIDTH - filled), n, total,
                total == 0 ? 100 : (int) (100L * n / total), elapsedNanos / 1e9);
    }

    /** Whether file descriptor 2 is a terminal (Linux: /proc/self/fd/2 points to a tty); false when it cannot tell. */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception | Error e) {
            return false;
        }
    }
}
