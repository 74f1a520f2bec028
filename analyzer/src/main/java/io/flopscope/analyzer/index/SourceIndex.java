package io.flopscope.analyzer.index;

import io.flopscope.analyzer.ast.PyExpr;
import io.flopscope.analyzer.ast.PyModule;
import io.flopscope.analyzer.ast.PyStmt;
import io.flopscope.analyzer.parse.PythonParser;
import io.flopscope.diag.Diagnostic;
import io.flopscope.diag.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Every Python module under a SOURCE path, parsed on demand, with names resolved across files.
 *
 * <p>SOURCE is a directory (a {@code transformers} checkout's {@code src/}, a {@code site-packages/}, a folder of
 * plain {@code .py} files), whose files are named by their path relative to it
 * ({@code transformers/models/gpt2/modeling_gpt2.py} is {@code transformers.models.gpt2.modeling_gpt2}, a package's
 * {@code __init__.py} is the package), or a single {@code .py} file, whose module is its file name without
 * {@code .py} (its directory's other files can still be imported from it).
 *
 * <p>Nothing is read until it is asked for: a module is located by probing the file system and parsed on first use,
 * then cached. Only {@link #moduleNames()}, {@link #findClassesBySimpleName(String)} and the last-resort lookup of a
 * name a package does not bind list the whole tree, once.
 *
 * <p>Names resolve the way Python binds them at module level: classes and functions defined in the module,
 * {@code import a.b as c}, {@code from ..x import y as z} (relative imports made absolute), {@code from x import *}
 * when {@code x} is under SOURCE, simple aliases ({@code A = b.C}), and re-exports through package {@code __init__}
 * files (including those only visible under {@code if TYPE_CHECKING:}). A name a package does not bind (a lazy
 * {@code _import_structure} package) is looked up among the top-level definitions of the package's modules.
 * Packages outside SOURCE, and the opaque packages ({@code torch} by default, even when installed under SOURCE),
 * are never entered: their names stay textual, {@code nn.Linear} after {@code from torch import nn} resolving to
 * {@code torch.nn.Linear}; {@code torch.nn.modules.<file>.<Name>} is written {@code torch.nn.<Name>}.
 *
 * <p>Parsed files are shared between indexes of one process (keyed by their exact text), so a repeated analysis on
 * a warm JVM does not parse again.
 *
 * <p>Problems (syntax errors, unresolvable imports, unknown base classes) become diagnostics with file and line in
 * {@link #problems()}; no method throws on bad input. Methods are synchronized: one index may be shared.
 */
public final class SourceIndex {
    /** Packages whose names stay textual by default. */
    public static final Set<String> DEFAULT_OPAQUE = Set.of("torch");

    private static final int MAX_DEPTH = 40;
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<String> BUILTIN_BASES = Set.of("object", "Exception", "BaseException", "ValueError",
            "TypeError", "RuntimeError", "KeyError", "IndexError", "AttributeError", "NotImplementedError", "ImportError",
            "OSError", "Warning", "UserWarning", "DeprecationWarning", "dict", "list", "tuple", "set", "frozenset", "str",
            "int", "float", "bool", "bytes", "type", "property", "staticmethod", "classmethod");

    private record Loc(Path file, boolean isPackage) {}

    private record ClassRef(String qualifiedName, String module, PyStmt.ClassDef def) {}

    private final Path source;
    private final Path root;
    private final String singleModule;
    private final Set<String> opaque;
    private final PythonParser parser = new PythonParser();

    private final Map<String, Optional<Loc>> locs = new HashMap<>();
    private final Map<String, PyModule> modules = new HashMap<>();
    private final Map<String, ModuleScope> scopes = new HashMap<>();
    private final Map<String, Optional<ClassInfo>> classes = new HashMap<>();
    private final LinkedHashSet<Diagnostic> problems = new LinkedHashSet<>();
    private SortedSet<String> allModules;
    private Map<String, List<String>> topLevelNames;
    private final Map<String, Map<String, Character>> quickDefs = new HashMap<>();

    private SourceIndex(Path source, Set<String> opaquePackages) {
        this.source = source;
        this.opaque = Set.copyOf(opaquePackages);
        if (Files.isRegularFile(source)) {
            Path parent = source.toAbsolutePath().getParent();
            this.root = parent == null ? Path.of(".") : parent;
            String fn = source.getFileName().toString();
            this.singleModule = fn.endsWith(".py") ? fn.substring(0, fn.length() - 3) : fn;
        } else {
            this.root = source;
            this.singleModule = null;
            if (!Files.isDirectory(source)) {
                problems.add(Diagnostic.error(source.toString(), 0, "SOURCE is neither a directory nor a file"));
            }
        }
    }

    /** An index over a directory or a single .py file, with {@link #DEFAULT_OPAQUE} packages kept textual. */
    public static SourceIndex open(Path source) { return new SourceIndex(source, DEFAULT_OPAQUE); }

    /** Forgets the process-wide cache of parsed files, so that the next analysis parses again. */
    public static void clearParseCache() { ParseCache.clear(); }

    /** An index whose names under the given top-level packages are never resolved into source. */
    public static SourceIndex open(Path source, Set<String> opaquePackages) { return new SourceIndex(source, opaquePackages); }

    public Path source() { return source; }

    /** The module of a single-file SOURCE, if SOURCE is one file. */
    public Optional<String> singleFileModule() { return Optional.ofNullable(singleModule); }

    // ------------------------------------------------------------------ modules

    /** Every module under SOURCE (walks the tree once; for a single file, just its module). */
    public synchronized SortedSet<String> moduleNames() {
        if (allModules == null) allModules = Collections.unmodifiableSortedSet(walk());
        return allModules;
    }

    private SortedSet<String> walk() {
        SortedSet<String> out = new TreeSet<>();
        if (singleModule != null) {
            out.add(singleModule);
            return out;
        }
        if (!Files.isDirectory(root)) return out;
        try {
            Files.walkFileTree(root, Set.of(), 64, new SimpleFileVisitor<>() {
                @Override public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (dir.equals(root)) return FileVisitResult.CONTINUE;
                    String name = dir.getFileName().toString();
                    return IDENT.matcher(name).matches() && !"__pycache__".equals(name)
                            ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                }

                @Override public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String fn = file.getFileName().toString();
                    if (!attrs.isRegularFile() || !fn.endsWith(".py")) return FileVisitResult.CONTINUE;
                    String stem = fn.substring(0, fn.length() - 3);
                    Path rel = root.relativize(file.getParent());
                    List<String> parts = new ArrayList<>();
                    for (Path p : rel) if (!p.toString().isEmpty()) parts.add(p.toString());
                    if (!"__init__".equals(stem)) parts.add(stem);
                    if (parts.isEmpty() || !IDENT.matcher(stem).matches()) return FileVisitResult.CONTINUE;
                    out.add(String.join(".", parts));
                    return FileVisitResult.CONTINUE;
                }

                @Override public FileVisitResult visitFileFailed(Path file, IOException exc) { return FileVisitResult.CONTINUE; }
            });
        } catch (IOException | RuntimeException e) {
            problems.add(Diagnostic.warning(root.toString(), 0, "cannot list SOURCE completely: " + e.getMessage()));
        }
        return out;
    }

    private Optional<Loc> locate(String dotted) {
        Optional<Loc> cached = locs.get(dotted);
        if (cached != null) return cached;
        Optional<Loc> r = probe(dotted);
        locs.put(dotted, r);
        return r;
    }

    private Optional<Loc> probe(String dotted) {
        if (dotted == null || dotted.isEmpty()) return Optional.empty();
        if (singleModule != null && dotted.equals(singleModule)) return Optional.of(new Loc(source, false));
        String[] segs = dotted.split("\\.", -1);
        for (String s : segs) if (!IDENT.matcher(s).matches()) return Optional.empty();
        if (opaque.contains(segs[0])) return Optional.empty();
        try {
            Path dir = root;
            for (int i = 0; i < segs.length - 1; i++) dir = dir.resolve(segs[i]);
            String last = segs[segs.length - 1];
            Path f = dir.resolve(last + ".py");
            if (Files.isRegularFile(f)) return Optional.of(new Loc(f, false));
            Path pkg = dir.resolve(last);
            Path init = pkg.resolve("__init__.py");
            if (Files.isRegularFile(init)) return Optional.of(new Loc(init, true));
            if (Files.isDirectory(pkg)) return Optional.of(new Loc(null, true)); // namespace package
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Whether a module (file, package or namespace package) exists under SOURCE. */
    public synchronized boolean hasModule(String dotted) { return locate(dotted).isPresent(); }

    /** The file of a module (a package's __init__.py); empty for namespace packages and unknown modules. */
    public synchronized Optional<Path> fileOf(String dotted) { return locate(dotted).map(Loc::file); }

    /** The parsed module, parsing it on first use; syntax errors are in its problems and in {@link #problems()}. */
    public synchronized Optional<PyModule> module(String dotted) {
        PyModule m = modules.get(dotted);
        if (m != null) return Optional.of(m);
        Optional<Loc> loc = locate(dotted);
        if (loc.isEmpty()) return Optional.empty();
        m = load(dotted, loc.get());
        modules.put(dotted, m);
        problems.addAll(m.problems());
        return Optional.of(m);
    }

    /**
     * A displayed file path (SOURCE joined with the module's path) relative to SOURCE, with '/' separators: what a
     * document records, so that it reads the same on every machine; a single-file SOURCE is its file name.
     */
    public String relativeToSource(String displayed) {
        if (displayed == null) return null;
        if (singleModule != null) return source.getFileName().toString();
        String prefix = source.toString();
        String rel = displayed.startsWith(prefix) ? displayed.substring(prefix.length()) : displayed;
        while (rel.startsWith("/") || rel.startsWith("\\")) rel = rel.substring(1);
        return rel.replace('\\', '/');
    }

    private String display(Path file) {
        if (singleModule != null) return source.toString();
        try {
            return source.resolve(root.relativize(file)).toString();
        } catch (RuntimeException e) {
            return file.toString();
        }
    }

    private PyModule load(String dotted, Loc loc) {
        if (loc.file() == null) {
            String dir = source.resolve(dotted.replace('.', '/')).toString();
            return new PyModule(dotted, dir, List.of(), List.of(), List.of(), true);
        }
        String shown = display(loc.file());
        String text;
        try {
            text = new String(Files.readAllBytes(loc.file()), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            Diagnostic d = Diagnostic.error(shown, 0, "cannot read: " + e.getMessage());
            return new PyModule(dotted, shown, List.of(), List.of(), List.of(d), loc.isPackage());
        }
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        return ParseCache.parse(parser, dotted, shown, text, loc.isPackage());
    }

    private ModuleScope scope(String dotted) {
        ModuleScope s = scopes.get(dotted);
        if (s != null) return s;
        Optional<PyModule> m = module(dotted);
        if (m.isEmpty()) return null;
        s = ModuleScope.of(m.get());
        scopes.put(dotted, s);
        return s;
    }

    // ------------------------------------------------------------------ name resolution

    /**
     * The qualified name a module-level name denotes in a module: {@code module.Name} for its own definitions, the
     * import's target (followed through re-exports) for imported names. A name the module does not bind (a builtin
     * such as {@code range}, or an unknown name) is returned unchanged.
     */
    public synchronized String resolveName(String moduleName, String localName) {
        if (localName == null || localName.isEmpty()) return localName;
        if (moduleName == null || locate(moduleName).isEmpty()) return localName;
        return lookup(moduleName, localName, 0, false).orElse(localName);
    }

    /**
     * The qualified name of a dotted expression ({@code nn.Linear}, {@code modeling_utils.PreTrainedModel},
     * {@code torch.nn.functional.gelu}) in a module; empty when the expression is not a name or attribute chain.
     */
    public synchronized Optional<String> resolveExpr(String moduleName, PyExpr expr) {
        return resolveExpr(moduleName, expr, 0);
    }

    private Optional<String> resolveExpr(String moduleName, PyExpr expr, int depth) {
        Deque<String> attrs = new ArrayDeque<>();
        PyExpr e = expr;
        while (e instanceof PyExpr.Attribute) {
            attrs.push(((PyExpr.Attribute) e).attr());
            e = ((PyExpr.Attribute) e).value();
        }
        if (!(e instanceof PyExpr.Name)) return Optional.empty();
        String id = ((PyExpr.Name) e).id();
        String head = moduleName == null || locate(moduleName).isEmpty() ? id
                : lookup(moduleName, id, depth + 1, false).orElse(id);
        if (attrs.isEmpty()) return Optional.of(head);
        return Optional.of(canonical(head + "." + String.join(".", attrs), depth + 1));
    }

    /**
     * A dotted name followed through modules under SOURCE to where it is defined: {@code transformers.GPT2Model}
     * becomes {@code transformers.models.gpt2.modeling_gpt2.GPT2Model}. Names outside SOURCE are returned as
     * written (torch.nn.modules.x.Y as torch.nn.Y).
     */
    public synchronized String canonical(String dotted) { return canonical(dotted, 0); }

    /**
     * The absolute module a (possibly relative) import in a module refers to, for imports inside functions;
     * empty when a relative import climbs above the top-level package.
     */
    public synchronized Optional<String> absoluteImport(String moduleName, int level, String module) {
        boolean pkg = locate(moduleName).map(Loc::isPackage).orElse(false);
        return Optional.ofNullable(ModuleScope.absolute(moduleName, pkg, module, level));
    }

    private String canonical(String q, int depth) {
        if (q == null || q.isEmpty()) return q;
        q = normalizeExternal(q);
        if (depth > MAX_DEPTH) return q;
        String[] segs = q.split("\\.", -1);
        if (opaque.contains(segs[0])) return q;
        int k = moduleLength(segs, segs.length);
        if (k == 0) return q;
        String mod = join(segs, 0, k);
        if (k == segs.length) return mod;
        Optional<String> r = lookup(mod, segs[k], depth + 1, true);
        if (r.isEmpty()) return q;
        if (k + 1 == segs.length) return r.get();
        String rest = join(segs, k + 1, segs.length);
        String next = r.get() + "." + rest;
        return next.equals(q) ? q : canonical(next, depth + 1);
    }

    /** How many leading segments name the longest module under SOURCE, at most max; 0 when none does. */
    private int moduleLength(String[] segs, int max) {
        for (int k = max; k >= 1; k--) if (locate(join(segs, 0, k)).isPresent()) return k;
        return 0;
    }

    /**
     * What a name bound in a module denotes, canonical. Star imports of modules under SOURCE are searched after
     * the module's own bindings; with packageScan, a package that does not bind the name has its modules' top-level
     * definitions searched.
     */
    private Optional<String> lookup(String mod, String name, int depth, boolean packageScan) {
        if (depth > MAX_DEPTH) return Optional.empty();
        if (!scopes.containsKey(mod) && (definedQuickly(mod, name, TopLevelScan.CLASS)
                || definedQuickly(mod, name, TopLevelScan.FUNCTION))) {
            return Optional.of(mod + "." + name); // no need to parse the module just to name its definition
        }
        ModuleScope s = scope(mod);
        if (s == null) return Optional.empty();
        ModuleScope.Binding b = s.names.get(name);
        if (b != null) return Optional.of(resolveBinding(mod, name, b, depth));
        // a submodule of that name (`from ... import initialization`): found before searching star imports, which in a
        // package such as transformers/__init__.py reach every model's module
        if (packageScan && s.isPackage && locate(mod + "." + name).isPresent()) return Optional.of(mod + "." + name);
        if (!name.startsWith("_")) {
            for (int i = s.stars.size() - 1; i >= 0; i--) {
                String star = s.stars.get(i).module();
                if (star == null || star.equals(mod) || locate(star).isEmpty()) continue;
                Optional<String> r = lookup(star, name, depth + 1, false);
                if (r.isPresent()) return r;
            }
        }
        if (packageScan && s.isPackage && !name.startsWith("_")) {
            // a submodule of the package
            String sub = mod + "." + name;
            if (locate(sub).isPresent()) return Optional.of(sub);
            Optional<String> found = scanPackage(mod, name);
            if (found.isPresent()) {
                Optional<String> r = lookup(found.get(), name, depth + 1, false);
                if (r.isPresent()) return r;
            }
        }
        return Optional.empty();
    }

    private String resolveBinding(String mod, String name, ModuleScope.Binding b, int depth) {
        switch (b.kind()) {
            case CLASS:
            case FUNCTION:
                return mod + "." + name;
            case MODULE_IMPORT:
                return canonical(b.target(), depth + 1);
            case FROM_IMPORT:
                return b.target() == null ? name : canonical(b.target(), depth + 1);
            case VARIABLE:
            default:
                if (isAlias(b.value(), name)) {
                    Optional<String> r = resolveExpr(mod, b.value(), depth + 1);
                    if (r.isPresent()) return r.get();
                }
                return mod + "." + name;
        }
    }

    /** A simple alias {@code A = b.C} (not {@code A = A}). */
    private static boolean isAlias(PyExpr value, String name) {
        if (value instanceof PyExpr.Name) return !((PyExpr.Name) value).id().equals(name);
        if (!(value instanceof PyExpr.Attribute)) return false;
        PyExpr e = value;
        while (e instanceof PyExpr.Attribute) e = ((PyExpr.Attribute) e).value();
        return e instanceof PyExpr.Name;
    }

    /** A module under the package whose top level defines the name (not a dummy_* module if another does). */
    private Optional<String> scanPackage(String pkg, String name) {
        List<String> candidates = topLevelNames().getOrDefault(name, List.of());
        String prefix = pkg + ".";
        return candidates.stream()
                .filter(m -> m.startsWith(prefix))
                .min(Comparator.<String>comparingInt(m -> m.substring(m.lastIndexOf('.') + 1).startsWith("dummy") ? 1 : 0)
                        .thenComparingInt(m -> m.split("\\.").length)
                        .thenComparing(Comparator.naturalOrder()));
    }

    /** Names defined at column 0 (class, def, assignment) of every module, by a text scan (no parsing). */
    private Map<String, List<String>> topLevelNames() {
        if (topLevelNames != null) return topLevelNames;
        Map<String, List<String>> out = new HashMap<>();
        for (String m : moduleNames()) {
            for (String n : quickDefs(m).keySet()) out.computeIfAbsent(n, k -> new ArrayList<>()).add(m);
        }
        topLevelNames = out;
        return out;
    }

    /** The column-0 definitions of one module by {@link TopLevelScan}, cached. */
    private Map<String, Character> quickDefs(String mod) {
        Map<String, Character> q = quickDefs.get(mod);
        if (q != null) return q;
        q = Map.of();
        Optional<Loc> loc = locate(mod);
        if (loc.isPresent() && loc.get().file() != null) {
            try {
                q = TopLevelScan.scan(Files.readAllBytes(loc.get().file()));
            } catch (IOException | RuntimeException e) {
                q = Map.of();
            }
        }
        quickDefs.put(mod, q);
        return q;
    }

    /** A class or def at column 0 of a module not parsed yet: its qualified name is known without parsing. */
    private boolean definedQuickly(String mod, String name, char kind) {
        Character k = quickDefs(mod).get(name);
        return k != null && k == kind;
    }

    /** torch.nn.modules.file.Name is torch.nn.Name. */
    static String normalizeExternal(String q) {
        if (q.startsWith("torch.nn.modules.")) {
            String[] s = q.split("\\.");
            if (s.length == 5) return "torch.nn." + s[4];
        }
        return q;
    }

    /**
     * The form class names are compared in: external torch names normalized, and a bare {@code nn.X} (an
     * {@code nn} that no import binds) read as {@code torch.nn.X}.
     */
    public static String normalizeClassName(String q) {
        if (q == null) return null;
        if (q.startsWith("nn.")) q = "torch." + q;
        return normalizeExternal(q);
    }

    private static String join(String[] segs, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            if (i > from) sb.append('.');
            sb.append(segs[i]);
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ classes, functions, variables

    private Optional<ClassRef> findClassDef(String qualifiedName) {
        if (qualifiedName == null || qualifiedName.isEmpty()) return Optional.empty();
        String q = canonical(qualifiedName, 0);
        String[] segs = q.split("\\.", -1);
        int k = moduleLength(segs, segs.length - 1);
        if (k == 0) return Optional.empty();
        String mod = join(segs, 0, k);
        ModuleScope s = scope(mod);
        if (s == null) return Optional.empty();
        ModuleScope.Binding b = s.names.get(segs[k]);
        if (b == null || b.kind() != ModuleScope.Kind.CLASS) return Optional.empty();
        PyStmt.ClassDef def = (PyStmt.ClassDef) b.stmt();
        for (int i = k + 1; i < segs.length && def != null; i++) def = nestedClass(def, segs[i]);
        return def == null ? Optional.empty() : Optional.of(new ClassRef(q, mod, def));
    }

    private static PyStmt.ClassDef nestedClass(PyStmt.ClassDef outer, String name) {
        PyStmt.ClassDef found = null;
        for (PyStmt s : outer.body()) {
            if (s instanceof PyStmt.ClassDef && ((PyStmt.ClassDef) s).name().equals(name)) found = (PyStmt.ClassDef) s;
        }
        return found;
    }

    /** A class by qualified name (re-exports followed); bases are resolved, unknown bases reported. */
    public synchronized Optional<ClassInfo> classInfo(String qualifiedName) {
        Optional<ClassRef> ref = findClassDef(qualifiedName);
        if (ref.isEmpty()) return Optional.empty();
        String q = ref.get().qualifiedName();
        Optional<ClassInfo> cached = classes.get(q);
        if (cached != null) return cached;
        Optional<ClassInfo> info = Optional.of(build(ref.get()));
        classes.put(q, info);
        return info;
    }

    private ClassInfo build(ClassRef ref) {
        PyStmt.ClassDef def = ref.def();
        String file = module(ref.module()).map(PyModule::file).orElse(ref.module());
        List<String> bases = new ArrayList<>();
        for (PyExpr base : def.bases()) {
            PyExpr e = base instanceof PyExpr.Subscript ? ((PyExpr.Subscript) base).value() : base; // Generic[T]
            Optional<String> r = resolveExpr(ref.module(), e, 0);
            if (r.isEmpty()) {
                problems.add(new Diagnostic(Severity.WARNING, file, base.span().startLine(), base.span().startCol() + 1,
                        "cannot resolve base class expression of " + def.name() + ": " + describe(base)));
                bases.add(describe(base));
                continue;
            }
            String name = normalizeExternal(r.get());
            bases.add(name);
            String head = headName(e);
            boolean headBound = head == null || BUILTIN_BASES.contains(head) || lookup(ref.module(), head, 0, false).isPresent();
            if (!headBound) {
                problems.add(new Diagnostic(Severity.WARNING, file, base.span().startLine(), base.span().startCol() + 1,
                        "unknown base class '" + describe(e) + "' of " + def.name() + ": '" + head + "' is not defined or imported"));
            } else if (isUnknownClass(name)) {
                problems.add(new Diagnostic(Severity.WARNING, file, base.span().startLine(), base.span().startCol() + 1,
                        "unknown base class '" + name + "' of " + def.name()));
            }
        }
        Map<String, PyStmt.FunctionDef> methods = new LinkedHashMap<>();
        Map<String, ClassInfo.Attr> attrs = new LinkedHashMap<>();
        for (PyStmt s : def.body()) {
            if (s instanceof PyStmt.FunctionDef) {
                PyStmt.FunctionDef f = (PyStmt.FunctionDef) s;
                if (methods.containsKey(f.name()) && isAccessorOf(f)) continue;
                methods.put(f.name(), f);
            } else if (s instanceof PyStmt.Assign) {
                PyStmt.Assign a = (PyStmt.Assign) s;
                for (PyExpr t : a.targets()) {
                    if (t instanceof PyExpr.Name) {
                        String n = ((PyExpr.Name) t).id();
                        attrs.remove(n);
                        attrs.put(n, new ClassInfo.Attr(n, null, a.value(), s));
                    }
                }
            } else if (s instanceof PyStmt.AnnAssign) {
                PyStmt.AnnAssign a = (PyStmt.AnnAssign) s;
                if (a.target() instanceof PyExpr.Name) {
                    String n = ((PyExpr.Name) a.target()).id();
                    attrs.remove(n);
                    attrs.put(n, new ClassInfo.Attr(n, a.annotation(), a.value(), s));
                }
            }
        }
        return new ClassInfo(ref.qualifiedName(), ref.module(), file, def, List.copyOf(bases),
                Collections.unmodifiableMap(methods), Collections.unmodifiableMap(attrs));
    }

    /** {@code @x.setter} / {@code @x.deleter}: does not replace the getter. */
    private static boolean isAccessorOf(PyStmt.FunctionDef f) {
        for (PyExpr d : f.decorators()) {
            if (d instanceof PyExpr.Attribute) {
                PyExpr.Attribute a = (PyExpr.Attribute) d;
                if ((a.attr().equals("setter") || a.attr().equals("deleter")) && a.value() instanceof PyExpr.Name
                        && ((PyExpr.Name) a.value()).id().equals(f.name())) return true;
            }
        }
        return false;
    }

    /** A class name that should be under SOURCE (or is an unbound bare name) but is not found. */
    private boolean isUnknownClass(String name) {
        if (!name.contains(".")) return !BUILTIN_BASES.contains(name);
        String[] segs = name.split("\\.");
        if (opaque.contains(segs[0])) return false;
        int k = moduleLength(segs, segs.length - 1);
        if (k == 0) return false; // outside SOURCE: external, taken as written
        String mod = join(segs, 0, k);
        if (k == segs.length - 1 && !scopes.containsKey(mod) && definedQuickly(mod, segs[k], TopLevelScan.CLASS)) return false;
        return findClassDef(name).isEmpty();
    }

    private static String headName(PyExpr e) {
        while (e instanceof PyExpr.Attribute) e = ((PyExpr.Attribute) e).value();
        return e instanceof PyExpr.Name ? ((PyExpr.Name) e).id() : null;
    }

    private static String describe(PyExpr e) {
        if (e instanceof PyExpr.Name) return ((PyExpr.Name) e).id();
        if (e instanceof PyExpr.Attribute) return describe(((PyExpr.Attribute) e).value()) + "." + ((PyExpr.Attribute) e).attr();
        if (e instanceof PyExpr.Unsupported) return ((PyExpr.Unsupported) e).text();
        return e.getClass().getSimpleName();
    }

    /** A module-level function ({@code mod.f}) or a method ({@code mod.Class.m}), re-exports followed. */
    public synchronized Optional<FunctionInfo> function(String qualifiedName) {
        if (qualifiedName == null || qualifiedName.isEmpty()) return Optional.empty();
        String q = canonical(qualifiedName, 0);
        String[] segs = q.split("\\.", -1);
        int k = moduleLength(segs, segs.length - 1);
        if (k == 0) return Optional.empty();
        String mod = join(segs, 0, k);
        ModuleScope s = scope(mod);
        if (s == null) return Optional.empty();
        if (k == segs.length - 1) {
            ModuleScope.Binding b = s.names.get(segs[k]);
            if (b == null || b.kind() != ModuleScope.Kind.FUNCTION) return Optional.empty();
            return Optional.of(new FunctionInfo(q, mod, module(mod).map(PyModule::file).orElse(mod), (PyStmt.FunctionDef) b.stmt(), null));
        }
        String owner = join(segs, 0, segs.length - 1);
        return classInfo(owner).flatMap(ci -> ci.method(segs[segs.length - 1])
                .map(f -> new FunctionInfo(ci.qualifiedName() + "." + f.name(), ci.module(), ci.file(), f, ci.qualifiedName())));
    }

    /** A module-level variable such as a dispatch table. */
    public synchronized Optional<VariableInfo> variable(String qualifiedName) {
        if (qualifiedName == null || qualifiedName.isEmpty()) return Optional.empty();
        String q = canonical(qualifiedName, 0);
        int dot = q.lastIndexOf('.');
        if (dot <= 0) return Optional.empty();
        String mod = q.substring(0, dot);
        String name = q.substring(dot + 1);
        ModuleScope s = locate(mod).isPresent() ? scope(mod) : null;
        if (s == null) return Optional.empty();
        ModuleScope.Binding b = s.names.get(name);
        if (b == null || b.kind() != ModuleScope.Kind.VARIABLE) return Optional.empty();
        String file = module(mod).map(PyModule::file).orElse(mod);
        return Optional.of(new VariableInfo(q, mod, file, b.value(), b.annotation(), b.stmt()));
    }

    /**
     * Bases in method resolution order, the class first: depth-first, left to right, each class kept at its last
     * occurrence (agrees with C3 for the hierarchies model code uses). External bases are listed but not entered.
     */
    public synchronized List<String> mro(String qualifiedName) {
        List<String> dfs = new ArrayList<>();
        Optional<ClassInfo> start = classInfo(qualifiedName);
        String first = start.map(ClassInfo::qualifiedName).orElse(normalizeExternal(canonical(qualifiedName, 0)));
        mroWalk(first, dfs, new HashSet<>(), 0);
        LinkedHashMap<String, Integer> last = new LinkedHashMap<>();
        for (int i = 1; i < dfs.size(); i++) if (!dfs.get(i).equals(first)) last.put(dfs.get(i), i);
        List<String> out = new ArrayList<>();
        out.add(first);
        for (int i = 1; i < dfs.size(); i++) if (last.containsKey(dfs.get(i)) && last.get(dfs.get(i)) == i) out.add(dfs.get(i));
        return out;
    }

    private void mroWalk(String cls, List<String> out, Set<String> onPath, int depth) {
        out.add(cls);
        if (depth > MAX_DEPTH || !onPath.add(cls)) return;
        Optional<ClassInfo> ci = classInfo(cls);
        if (ci.isPresent()) for (String b : ci.get().bases()) mroWalk(b, out, onPath, depth + 1);
        onPath.remove(cls);
    }

    /** The method a class has or inherits (first in {@link #mro(String)} order among classes under SOURCE). */
    public synchronized Optional<FunctionInfo> findMethod(String classQualifiedName, String methodName) {
        for (String c : mro(classQualifiedName)) {
            Optional<ClassInfo> ci = classInfo(c);
            if (ci.isPresent() && ci.get().methods().containsKey(methodName)) {
                PyStmt.FunctionDef f = ci.get().methods().get(methodName);
                return Optional.of(new FunctionInfo(ci.get().qualifiedName() + "." + methodName, ci.get().module(),
                        ci.get().file(), f, ci.get().qualifiedName()));
            }
        }
        return Optional.empty();
    }

    /**
     * Whether cls is base or inherits from it, following bases under SOURCE transitively. {@code nn.Module},
     * {@code torch.nn.Module} and {@code torch.nn.modules.module.Module} are the same class.
     */
    public synchronized boolean isSubclassOf(String cls, String baseQualified) {
        if (cls == null || baseQualified == null) return false;
        String target = normalizeClassName(canonical(baseQualified, 0));
        Deque<String> todo = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        todo.add(canonical(cls, 0));
        while (!todo.isEmpty()) {
            String c = todo.poll();
            if (!seen.add(c) || seen.size() > 1000) continue;
            if (normalizeClassName(c).equals(target)) return true;
            classInfo(c).ifPresent(ci -> todo.addAll(ci.bases()));
        }
        return false;
    }

    /**
     * Qualified names of the classes with this simple name defined at the top level of modules under SOURCE
     * (for a bare {@code --class NAME}); sorted.
     */
    public synchronized List<String> findClassesBySimpleName(String simpleName) {
        List<String> out = new ArrayList<>();
        if (simpleName == null || !IDENT.matcher(simpleName).matches()) return out;
        List<String> candidates = singleModule != null ? List.of(singleModule)
                : topLevelNames().getOrDefault(simpleName, List.of());
        for (String m : candidates) {
            ModuleScope s = scope(m);
            if (s == null) continue;
            ModuleScope.Binding b = s.names.get(simpleName);
            if (b != null && b.kind() == ModuleScope.Kind.CLASS) out.add(m + "." + simpleName);
        }
        Collections.sort(out);
        return out;
    }

    // ------------------------------------------------------------------ checks and problems

    /**
     * Checks a module's module-level imports: a relative import above the top-level package, a module under SOURCE
     * that does not exist, a name a module under SOURCE does not provide. Imports of packages outside SOURCE are
     * external and fine; imports inside a try with handlers are optional and not reported. The diagnostics are
     * returned and added to {@link #problems()}.
     */
    public synchronized List<Diagnostic> checkImports(String moduleName) {
        List<Diagnostic> out = new ArrayList<>();
        ModuleScope s = locate(moduleName).isPresent() ? scope(moduleName) : null;
        if (s == null) return out;
        String file = module(moduleName).map(PyModule::file).orElse(moduleName);
        for (ModuleScope.ImportRef ref : s.imports) {
            if (ref.guarded()) continue;
            int line = ref.stmt().span().startLine();
            int col = ref.stmt().span().startCol() + 1;
            if (ref.module() == null) {
                out.add(new Diagnostic(Severity.ERROR, file, line, col,
                        "cannot resolve import '" + ref.written() + "': relative import beyond the top-level package"));
                continue;
            }
            if (ref.module().isEmpty()) continue;
            String top = ref.module().split("\\.")[0];
            boolean inSource = !opaque.contains(top) && locate(top).isPresent();
            if (!inSource) continue;
            if (locate(ref.module()).isEmpty()) {
                out.add(new Diagnostic(Severity.WARNING, file, line, col,
                        "cannot resolve import: no module '" + ref.module() + "' under " + source));
                continue;
            }
            if (ref.name() == null || "*".equals(ref.name())) continue;
            if (lookup(ref.module(), ref.name(), 0, true).isEmpty()) {
                out.add(new Diagnostic(Severity.WARNING, file, line, col,
                        "cannot resolve import: module '" + ref.module() + "' has no name '" + ref.name() + "'"));
            }
        }
        problems.addAll(out);
        return out;
    }

    /** Every diagnostic so far: syntax errors of parsed modules, unknown bases, import problems found by checks. */
    public synchronized List<Diagnostic> problems() { return List.copyOf(problems); }

    /** Modules parsed so far (for tests and statistics). */
    public synchronized SortedSet<String> parsedModules() { return Collections.unmodifiableSortedSet(new TreeSet<>(modules.keySet())); }

    /** Debug view: the module-level names a module binds and what they resolve to. */
    /** Whether the module binds the name at its top level (a definition, an assignment or an import), without resolving it. */
    public synchronized boolean binds(String moduleName, String name) {
        ModuleScope s = locate(moduleName).isPresent() ? scope(moduleName) : null;
        return s != null && s.names.containsKey(name);
    }

    public synchronized Map<String, String> bindings(String moduleName) {
        Map<String, String> out = new TreeMap<>();
        ModuleScope s = locate(moduleName).isPresent() ? scope(moduleName) : null;
        if (s == null) return out;
        for (String n : s.names.keySet()) out.put(n, resolveName(moduleName, n));
        return out;
    }
}
