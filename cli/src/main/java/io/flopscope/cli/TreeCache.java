package io.flopscope.cli;

import io.flopscope.diag.Diagnostic;
import io.flopscope.diag.Severity;
import io.flopscope.document.FlopClass;
import io.flopscope.document.Kernel;
import io.flopscope.document.KernelType;
import io.flopscope.document.LineRange;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.formula.Atom;
import io.flopscope.formula.Poly;
import io.flopscope.formula.Rational;
import io.flopscope.library.Library;
import io.flopscope.resolve.Cost;
import io.flopscope.resolve.CostNode;
import io.flopscope.resolve.Resolver;
import io.flopscope.resolve.Unknown;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The resolved cost tree of a model, kept in a file: resolving reads and parses a dozen documents, which costs more
 * at start-up than the rest of {@code cost}. It is an optional shortcut that only the launcher turns on
 * ({@code -Dflopscope.cache=DIR}). An entry holds its whole key: the jars that made it (code, built-in library and
 * built-in configs; their size and time), the built-in model's name or else the config's content, --set values, the root,
 * --attn and --causal; and the config itself (the config.json and the family defaults it was read with). Any
 * difference, --library or --source, or a file that cannot be read means resolving as usual.
 */
final class TreeCache {
    private static final String FORMAT = "flopscope-tree-cache 2";

    /** The identity of the code and built-in data, or null when it has none (classes in folders: tests, an IDE). */
    static volatile Supplier<String> code; // set by tests; null: the jars (no method reference: nothing to link at start-up)

    private TreeCache() {}

    /**
     * MODEL resolved as {@link ResolvedModel#of(ModelConfig, String, Library, boolean, PrintWriter)} resolves it, with
     * --set applied to its config, through the cache when it is on. An entry is keyed by the name when MODEL names a
     * built-in config (the jars in the key hold those configs; a hit then reads no config and no resource at all, the
     * config coming back from the entry), else by the config's content.
     */
    static ResolvedModel resolve(String model, SourceOptions options, String moduleClass, LibraryOptions library, boolean causal, PrintWriter err) {
        options.refuseSourceOnly(model);
        String dir = System.getProperty("flopscope.cache");
        Supplier<String> c = code;
        String codeId = dir == null || !library.libraries.isEmpty() ? null : c != null ? c.get() : jars();
        if (codeId == null) return ResolvedModel.of(options.applyTo(ModelLoader.load(model)), moduleClass, library.build(), causal, err);
        StringBuilder common = new StringBuilder(FORMAT).append('\n').append(codeId).append('\n');
        common.append("module ").append(moduleClass).append("\nattn ").append(library.attn).append("\ncausal ").append(causal).append('\n');
        for (String s : options.sets) common.append("set ").append(s).append('\n');
        // --config's values change the config as --set does (variants, checks): part of the key
        if (options.config != null) {
            try {
                common.append("config-file ").append(java.nio.file.Files.readString(options.config)).append('\n');
            } catch (java.io.IOException | RuntimeException e) {
                return ResolvedModel.of(options.applyTo(ModelLoader.load(model)), moduleClass, library.build(), causal, err); // reports the file
            }
        }
        Path folder = Path.of(dir, Integer.toHexString(codeId.hashCode()));
        String byName = ModelLoader.mayBeBuiltInName(model) ? common + "built-in " + model + '\n' : null;
        if (byName != null) {
            ResolvedModel hit = read(file(folder, byName), byName, null, options, err);
            if (hit != null) return hit;
        }
        ModelLoader.Loaded loaded = ModelLoader.resolve(model);
        ModelConfig config = options.applyTo(loaded.config());
        String key;
        if (byName != null && loaded.builtIn()) key = byName; // missed above
        else {
            key = common.append("config ").append(config.name()).append('\n').append(config.rawJson()).toString();
            ResolvedModel hit = read(file(folder, key), key, config, options, err);
            if (hit != null) return hit;
        }
        StringWriter said = new StringWriter();
        ResolvedModel rm;
        try (PrintWriter capture = new PrintWriter(said)) {
            try {
                rm = ResolvedModel.of(config, moduleClass, library.build(), causal, capture);
            } finally {
                capture.flush();
                err.print(said);
                err.flush();
            }
        }
        write(folder, file(folder, key), key, rm, said.toString());
        return rm;
    }

    private static Path file(Path folder, String key) { return folder.resolve(Integer.toHexString(key.hashCode()) + "-" + key.length() + ".tree"); }

    /**
     * The cached model, or null on a miss or any problem with the file. {@code config} is the model's config, or null
     * to restore it from the entry (and apply --set to it).
     */
    private static ResolvedModel read(Path file, String key, ModelConfig config, SourceOptions options, PrintWriter err) {
        try (java.io.FileInputStream f = new java.io.FileInputStream(file.toFile())) {
            // java.io, not Files: NIO's channels would start up just for this
            In in = new In(f.readAllBytes());
            if (!key.equals(in.string())) return null;
            String said = in.string();
            String name = in.string(), raw = in.string(), family = in.string();
            if (config == null) config = options.applyTo(ModelConfig.restore(name, raw, family));
            ResolvedModel rm = decode(in, config);
            err.print(said);
            err.flush();
            return rm;
        } catch (java.io.FileNotFoundException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            return null; // unreadable or from another format: resolve again and replace it
        }
    }

    /** Reads what DataOutputStream wrote, from memory (much faster than a DataInputStream before the JIT has run). */
    static final class In {
        private final byte[] b;
        private int p;

        In(byte[] b) { this.b = b; }

        int readInt() {
            int v = (b[p] & 0xff) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff);
            p += 4;
            return v;
        }

        long readLong() { return (long) readInt() << 32 | (readInt() & 0xffffffffL); }

        byte readByte() { return b[p++]; }

        boolean readBoolean() { return b[p++] != 0; }

        byte[] bytes(int n) {
            byte[] out = java.util.Arrays.copyOfRange(b, p, p + n);
            p += n;
            return out;
        }

        String string() {
            int n = readInt();
            if (n < 0) return null;
            String s = new String(b, p, n, StandardCharsets.UTF_8);
            p += n;
            return s;
        }
    }

    private static void write(Path folder, Path file, String key, ResolvedModel rm, String said) {
        Path tmp = null;
        try {
            if (!Files.isDirectory(folder)) {
                removeOtherBuilds(folder.getParent());
                Files.createDirectories(folder);
            }
            tmp = Files.createTempFile(folder, "entry", ".tmp");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
                string(out, key);
                string(out, said);
                string(out, rm.config().name());
                string(out, rm.config().rawJson());
                string(out, rm.config().familyJson());
                encode(out, rm);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // the cache is only a shortcut
            try {
                if (tmp != null) Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }

    /** Entries made by other builds can never match again; only this cache's own folders and files are removed. */
    private static void removeOtherBuilds(Path root) throws IOException {
        if (!Files.isDirectory(root)) return;
        try (var builds = Files.newDirectoryStream(root, p -> p.getFileName().toString().matches("[0-9a-f]{1,8}") && Files.isDirectory(p))) {
            for (Path b : builds) {
                try (var entries = Files.newDirectoryStream(b, p -> p.toString().endsWith(".tree") || p.toString().endsWith(".tmp"))) {
                    for (Path e : entries) Files.deleteIfExists(e);
                }
                try {
                    Files.deleteIfExists(b);
                } catch (java.nio.file.DirectoryNotEmptyException e) {
                    // something else is in there: leave it
                }
            }
        }
    }

    /** The jars holding the CLI and the core (with its built-in library and configs): path, size and time. */
    private static String jars() {
        StringBuilder sb = new StringBuilder();
        for (Class<?> c : new Class<?>[] {TreeCache.class, Library.class}) {
            try {
                Path p = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
                if (!p.toString().endsWith(".jar") || !Files.isRegularFile(p)) return null;
                sb.append("jar ").append(p).append(' ').append(Files.size(p)).append(' ').append(Files.getLastModifiedTime(p).to(java.util.concurrent.TimeUnit.NANOSECONDS)).append('\n');
            } catch (Exception e) {
                return null;
            }
        }
        return sb.toString();
    }

    // ---- the tree, written children first; a node reached twice (resolved once, memoised) is written once

    static void encode(DataOutputStream out, ResolvedModel rm) throws IOException {
        string(out, rm.rootClass());
        out.writeBoolean(rm.prefillOnly());
        Map<CostNode, Integer> ids = new IdentityHashMap<>();
        List<CostNode> order = new ArrayList<>();
        collect(rm.resolution().root(), ids, order);
        out.writeInt(order.size());
        Written w = new Written();
        for (CostNode n : order) node(out, n, ids, w);
        List<Diagnostic> ds = rm.resolution().diagnostics();
        out.writeInt(ds.size());
        for (Diagnostic d : ds) {
            string(out, d.severity().name());
            string(out, d.file());
            out.writeInt(d.line());
            out.writeInt(d.column());
            string(out, d.message());
        }
    }

    static ResolvedModel decode(In in, ModelConfig config) {
        String root = in.string();
        boolean prefillOnly = in.readBoolean();
        int count = in.readInt();
        List<CostNode> nodes = new ArrayList<>(count);
        Read r = new Read();
        for (int i = 0; i < count; i++) nodes.add(node(in, nodes, r));
        int nd = in.readInt();
        List<Diagnostic> ds = new ArrayList<>(nd);
        for (int i = 0; i < nd; i++) ds.add(new Diagnostic(Severity.valueOf(in.string()), in.string(), in.readInt(), in.readInt(), in.string()));
        return new ResolvedModel(config, root, new Resolver.Resolution(nodes.get(count - 1), List.copyOf(ds)), prefillOnly);
    }

    private static void collect(CostNode n, Map<CostNode, Integer> ids, List<CostNode> order) {
        if (ids.containsKey(n)) return;
        for (CostNode.KernelCost k : n.kernels()) for (CostNode.Call c : k.calls()) collect(c.node(), ids, order);
        ids.put(n, order.size());
        order.add(n);
    }

    private static void node(DataOutputStream out, CostNode n, Map<CostNode, Integer> ids, Written w) throws IOException {
        string(out, n.className());
        string(out, n.file());
        out.writeInt(n.arguments().size());
        for (var e : n.arguments().entrySet()) {
            string(out, e.getKey());
            poly(out, e.getValue(), w);
        }
        out.writeInt(n.kernels().size());
        for (CostNode.KernelCost k : n.kernels()) {
            kernel(out, k.kernel());
            cost(out, k.own(), w);
            out.writeInt(k.calls().size());
            for (CostNode.Call c : k.calls()) {
                poly(out, c.multiplier(), w);
                out.writeInt(ids.get(c.node()));
                out.writeInt(c.line());
            }
        }
        cost(out, n.self(), w);
        cost(out, n.cumulative(), w);
        out.writeInt(n.unknowns().size());
        for (Unknown u : n.unknowns()) {
            string(out, u.className());
            string(out, u.file());
            out.writeInt(u.line());
            string(out, u.reason());
        }
    }

    private static CostNode node(In in, List<CostNode> earlier, Read r) {
        String className = in.string();
        String file = in.string();
        int na = in.readInt();
        Map<String, Poly> args = new LinkedHashMap<>();
        for (int i = 0; i < na; i++) args.put(in.string(), poly(in, r));
        int nk = in.readInt();
        List<CostNode.KernelCost> kernels = new ArrayList<>(nk);
        for (int i = 0; i < nk; i++) {
            Kernel k = kernel(in);
            Cost own = cost(in, r);
            int nc = in.readInt();
            List<CostNode.Call> calls = new ArrayList<>(nc);
            for (int j = 0; j < nc; j++) calls.add(new CostNode.Call(poly(in, r), earlier.get(in.readInt()), in.readInt()));
            kernels.add(new CostNode.KernelCost(k, own, List.copyOf(calls)));
        }
        Cost self = cost(in, r);
        Cost cumulative = cost(in, r);
        int nu = in.readInt();
        List<Unknown> unknowns = new ArrayList<>(nu);
        for (int i = 0; i < nu; i++) unknowns.add(new Unknown(in.string(), in.string(), in.readInt(), in.string()));
        return new CostNode(className, file, Map.copyOf(args), List.copyOf(kernels), self, cumulative, List.copyOf(unknowns));
    }

    private static void kernel(DataOutputStream out, Kernel k) throws IOException {
        out.writeBoolean(k.lines() != null);
        if (k.lines() != null) {
            out.writeInt(k.lines().start());
            out.writeInt(k.lines().end());
        }
        string(out, k.title());
        string(out, k.phase());
        string(out, k.code());
        string(out, k.type() == null ? null : k.type().name());
        string(out, k.operation());
        string(out, k.analysis());
        string(out, k.flopClass() == null ? null : k.flopClass().name());
        string(out, k.flops());
        string(out, k.read());
        string(out, k.write());
        string(out, k.repeat());
        out.writeBoolean(k.optional());
        string(out, k.justification());
        string(out, k.unanalysed());
    }

    private static Kernel kernel(In in) {
        LineRange lines = in.readBoolean() ? new LineRange(in.readInt(), in.readInt()) : null;
        String title = in.string(), phase = in.string(), code = in.string(), type = in.string(), operation = in.string(), analysis = in.string();
        String flopClass = in.string(), flops = in.string(), read = in.string(), write = in.string(), repeat = in.string();
        boolean optional = in.readBoolean();
        String justification = in.string(), unanalysed = in.string();
        return new Kernel(lines, title, phase, code, type == null ? null : KernelType.valueOf(type), operation, analysis,
                flopClass == null ? null : FlopClass.valueOf(flopClass), flops, read, write, repeat, optional, justification, unanalysed);
    }

    private static void cost(DataOutputStream out, Cost c, Written w) throws IOException {
        poly(out, c.matmulFlops(), w);
        poly(out, c.vectorFlops(), w);
        poly(out, c.bytesRead(), w);
        poly(out, c.bytesWritten(), w);
    }

    private static Cost cost(In in, Read r) {
        return new Cost(poly(in, r), poly(in, r), poly(in, r), poly(in, r));
    }

    // polynomials, monomials, atoms and coefficients repeat across the tree: each is written once, then by number

    private static final class Written {
        final Map<Object, Integer> ids = new HashMap<>();

        /** True when {@code o} was written before (its number is written now); else it must be written next. */
        boolean ref(DataOutputStream out, Object o) throws IOException {
            Integer id = ids.get(o);
            out.writeInt(id == null ? -1 : id);
            return id != null;
        }

        void added(Object o) { ids.put(o, ids.size()); }
    }

    private static final class Read {
        final List<Object> seen = new ArrayList<>();
    }

    private static void poly(DataOutputStream out, Poly p, Written w) throws IOException {
        if (w.ref(out, p)) return;
        out.writeInt(p.terms().size());
        for (var t : p.terms().entrySet()) {
            rational(out, t.getValue(), w);
            Poly.Monomial m = t.getKey();
            if (!w.ref(out, m)) {
                out.writeInt(m.factors().size());
                for (var f : m.factors().entrySet()) {
                    atom(out, f.getKey(), w);
                    out.writeInt(f.getValue());
                }
                w.added(m);
            }
        }
        w.added(p);
    }

    private static Poly poly(In in, Read r) {
        int id = in.readInt();
        if (id >= 0) return (Poly) r.seen.get(id);
        int n = in.readInt();
        TreeMap<Poly.Monomial, Rational> terms = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            Rational c = rational(in, r);
            int mid = in.readInt();
            Poly.Monomial m;
            if (mid >= 0) m = (Poly.Monomial) r.seen.get(mid);
            else {
                int nf = in.readInt();
                TreeMap<Atom, Integer> factors = new TreeMap<>();
                for (int j = 0; j < nf; j++) factors.put(atom(in, r), in.readInt());
                m = new Poly.Monomial(factors);
                r.seen.add(m);
            }
            terms.put(m, c);
        }
        Poly p = Poly.ofTerms(terms);
        r.seen.add(p);
        return p;
    }


    private static void rational(DataOutputStream out, Rational q, Written w) throws IOException {
        if (w.ref(out, q)) return;
        bigInteger(out, q.num());
        bigInteger(out, q.den());
        w.added(q);
    }

    private static Rational rational(In in, Read r) {
        int id = in.readInt();
        if (id >= 0) return (Rational) r.seen.get(id);
        Rational q = new Rational(bigInteger(in), bigInteger(in));
        r.seen.add(q);
        return q;
    }

    private static void atom(DataOutputStream out, Atom a, Written w) throws IOException {
        if (w.ref(out, a)) return;
        if (a instanceof Atom.Sym s) {
            out.writeByte(0);
            string(out, s.name());
        } else {
            Atom.Fn f = (Atom.Fn) a;
            out.writeByte(1);
            string(out, f.name());
            string(out, f.key());
            out.writeInt(f.args().size());
            for (Poly p : f.args()) poly(out, p, w);
        }
        w.added(a);
    }

    private static Atom atom(In in, Read r) {
        int id = in.readInt();
        if (id >= 0) return (Atom) r.seen.get(id);
        Atom a;
        if (in.readByte() == 0) a = new Atom.Sym(in.string());
        else {
            String name = in.string(), key = in.string();
            int n = in.readInt();
            List<Poly> args = new ArrayList<>(n);
            for (int i = 0; i < n; i++) args.add(poly(in, r));
            a = new Atom.Fn(name, List.copyOf(args), key);
        }
        r.seen.add(a);
        return a;
    }

    private static void bigInteger(DataOutputStream out, BigInteger b) throws IOException {
        if (b.bitLength() < 63) {
            out.writeByte(0);
            out.writeLong(b.longValue());
        } else {
            byte[] bytes = b.toByteArray();
            out.writeByte(1);
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    private static BigInteger bigInteger(In in) {
        if (in.readByte() == 0) return BigInteger.valueOf(in.readLong());
        return new BigInteger(in.bytes(in.readInt()));
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }


    static void encode(OutputStream out, ResolvedModel rm) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        encode(d, rm);
        d.flush();
    }

    static ResolvedModel decode(byte[] bytes, ModelConfig config) {
        return decode(new In(bytes), config);
    }
}
