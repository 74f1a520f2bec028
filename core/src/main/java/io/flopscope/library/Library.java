package io.flopscope.library;

import io.flopscope.diag.Diagnostic;
import io.flopscope.document.DocumentPositions;
import io.flopscope.document.JsonCodec;
import io.flopscope.document.MarkdownReader;
import io.flopscope.document.ModuleAnalysis;
import io.flopscope.document.ParsedDocument;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/**
 * Analyses by fully qualified class name. Built-in documents ship as resources listed in
 * {@code io/flopscope/library/index.txt}; short public aliases ({@code torch.nn.Linear}) come from
 * {@code aliases.txt}. Later additions override earlier ones.
 */
public final class Library {
    private static final String ROOT = "/io/flopscope/library/";

    private final Map<String, LibraryEntry> entries = new LinkedHashMap<>();
    private final Map<String, String> aliases = new TreeMap<>();
    private final Map<String, String> redirects = new TreeMap<>();
    private final List<Diagnostic> problems = new ArrayList<>();

    public static Library builtIn() {
        Library lib = new Library();
        for (String line : resourceLines("aliases.txt")) {
            int eq = line.indexOf('=');
            if (eq > 0) lib.aliases.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        for (String line : resourceLines("index.txt")) {
            // "path = class" (LibraryClassMapTest checks the class against the title), so that start-up opens no
            // document; a plain "path" is read for its title. Documents are parsed on first use.
            int eq = line.indexOf('=');
            String name = eq < 0 ? line : line.substring(0, eq).strip();
            String cls = eq < 0 ? null : line.substring(eq + 1).strip();
            if (cls == null) {
                String text = resource(name);
                cls = titleClass(text);
                if (cls == null) { lib.addDocument("builtin:" + name, text, true); continue; }
            }
            lib.pending.computeIfAbsent(cls, k -> new ArrayList<>()).add(name);
        }
        return lib;
    }

    /** Built-in documents not parsed yet: class → resource names (several when the class has variants). */
    private final Map<String, List<String>> pending = new LinkedHashMap<>();
    /** Built-in classes with several analyses, each derived under different config conditions. */
    private final Map<String, List<LibraryEntry>> variants = new LinkedHashMap<>();
    private ToIntFunction<ModuleAnalysis> violations;

    /** The class named by a document's title line, or null. */
    static String titleClass(String text) {
        int nl = text.indexOf('\n');
        String first = nl < 0 ? text : text.substring(0, nl);
        String prefix = "# Computational Cost Analysis: ";
        return first.startsWith(prefix) ? first.substring(prefix.length()).strip() : null;
    }

    private void load(String className) {
        List<String> names = pending.remove(className);
        if (names == null || entries.containsKey(className)) return;
        List<LibraryEntry> found = new ArrayList<>();
        for (String name : names) {
            ParsedDocument d = MarkdownReader.read("builtin:" + name, resource(name));
            problems.addAll(d.problems());
            if (d.analysis() != null) found.add(new LibraryEntry(d.analysis(), "builtin:" + name, d.positions(), true));
        }
        if (found.isEmpty()) return;
        if (found.size() > 1) variants.put(className, found);
        entries.put(className, choose(found));
    }

    private LibraryEntry choose(List<LibraryEntry> found) {
        if (found.size() == 1) return found.get(0);
        LibraryEntry best = found.get(0);
        int least = Integer.MAX_VALUE;
        for (LibraryEntry e : found) {
            int v = (violations == null ? 0 : violations.applyAsInt(e.analysis())) + 1000 * otherImplementation(e.analysis());
            if (v < least) { least = v; best = e; }
        }
        return best;
    }

    /** 1 when the analysis states an attention implementation other than the one in use (sdpa unless --attn says). */
    private int otherImplementation(ModuleAnalysis a) {
        String use = implementation == null ? "sdpa" : implementation;
        for (String c : a.conditions()) {
            if (c.startsWith("attention implementation:") && !c.substring("attention implementation:".length()).strip().equals(use)) return 1;
        }
        return 0;
    }

    private String implementation;

    /**
     * Picks, for each class with several built-in analyses, the one whose stated conditions the model's config
     * violates least (the first on a tie): {@code violations} counts them for one analysis.
     */
    public void preferVariants(ToIntFunction<ModuleAnalysis> violations) {
        this.violations = violations;
        for (var e : variants.entrySet()) entries.put(e.getKey(), choose(e.getValue()));
    }

    /** The built-in analyses of a class, one per variant (one element for most classes). */
    public List<LibraryEntry> variants(String className) {
        String c = canonical(className);
        load(c);
        if (variants.containsKey(c)) return List.copyOf(variants.get(c));
        return find(className).map(List::of).orElse(List.of());
    }

    private void loadAll() { for (String c : List.copyOf(pending.keySet())) load(c); }

    public static Library empty() { return new Library(); }

    /**
     * Adds a Markdown (.md) or JSON (.json) document; problems are collected, not thrown. A document with an error is
     * kept as broken: what refers to its class is unknown, with the error (never its cost with a term dropped). One
     * that cannot be read at all is listed by {@link #unreadable()}.
     */
    public void addDocument(String file, String text, boolean builtIn) {
        if (file.endsWith(".json")) {
            try {
                add(new LibraryEntry(JsonCodec.read(text), file, DocumentPositions.NONE, builtIn));
            } catch (IllegalArgumentException e) {
                Diagnostic d = Diagnostic.error(file, 0, e.getMessage());
                problems.add(d);
                unreadable.add(d);
            }
            return;
        }
        ParsedDocument d = MarkdownReader.read(file, text);
        problems.addAll(d.problems());
        Diagnostic firstError = d.problems().stream().filter(Diagnostic::isError).findFirst().orElse(null);
        if (d.analysis() == null) {
            if (firstError != null) unreadable.add(firstError);
            return;
        }
        add(new LibraryEntry(d.analysis(), file, d.positions(), builtIn));
        if (firstError != null) broken.put(d.analysis().className(), firstError);
    }

    private final Map<String, Diagnostic> broken = new java.util.HashMap<>();
    private final List<Diagnostic> unreadable = new ArrayList<>();

    /** The first error of the document that analyses this class, if it has one. */
    public Optional<Diagnostic> brokenDocument(String className) { return Optional.ofNullable(broken.get(canonical(className))); }

    /** Documents that gave no analysis at all (not JSON, no title): what they would have overridden is unknown. */
    public List<Diagnostic> unreadable() { return List.copyOf(unreadable); }

    public void add(LibraryEntry e) {
        broken.remove(e.analysis().className());
        pending.remove(e.analysis().className());
        variants.remove(e.analysis().className());
        entries.put(e.analysis().className(), e);
    }

    public String canonical(String className) {
        String c = aliases.getOrDefault(className, className);
        return redirects.getOrDefault(c, c);
    }

    /** Uses {@code to}'s analysis wherever {@code from} is referenced (an implementation choice such as eager attention). */
    public void redirect(String from, String to) { redirects.put(canonical(from), canonical(to)); }

    /**
     * Applies an attention implementation ("eager", "sdpa") from {@code implementations.txt}; false when the
     * library knows no such implementation.
     */
    public boolean useImplementation(String name) {
        boolean known = false;
        for (String line : resourceLines("implementations.txt")) {
            int colon = line.indexOf(':');
            int arrow = line.indexOf("->");
            if (colon < 0 || arrow < 0) continue;
            String impl = line.substring(0, colon).strip();
            if (!impl.equals(name)) continue;
            known = true;
            String from = line.substring(colon + 1, arrow).strip();
            String to = line.substring(arrow + 2).strip();
            if (!from.equals(to)) redirect(from, to);
        }
        if (known) {
            implementation = name;
            for (var e : variants.entrySet()) entries.put(e.getKey(), choose(e.getValue()));
        }
        return known;
    }

    public Optional<LibraryEntry> find(String className) {
        String c = canonical(className);
        load(c);
        load(className);
        LibraryEntry e = entries.get(c);
        if (e == null) e = entries.get(className);
        return Optional.ofNullable(e);
    }

    public Optional<ModuleAnalysis> analysis(String className) { return find(className).map(LibraryEntry::analysis); }

    /** Known classes whose simple name matches, for "did you mean" hints. */
    public List<String> similar(String className) {
        loadAll();
        String simple = className.substring(className.lastIndexOf('.') + 1);
        List<String> out = new ArrayList<>();
        for (String k : entries.keySet()) if (k.endsWith("." + simple) || k.equals(simple)) out.add(k);
        for (var a : aliases.entrySet()) if (a.getKey().endsWith("." + simple) && !out.contains(a.getKey())) out.add(a.getKey());
        return out;
    }

    public Collection<LibraryEntry> entries() { loadAll(); return entries.values(); }
    public Map<String, String> aliases() { return aliases; }
    /** Reading problems of the documents loaded so far ({@link #entries()} loads all). */
    public List<Diagnostic> problems() { return problems; }

    /** The non-comment lines of a resource; a line {@code include PATH} is replaced by that resource's lines. */
    static List<String> resourceLines(String name) {
        List<String> out = new ArrayList<>();
        for (String l : resource(name).split("\\R")) {
            String s = l.strip();
            if (s.startsWith("include ")) out.addAll(resourceLines(s.substring("include ".length()).strip()));
            else if (!s.isEmpty() && !s.startsWith("#")) out.add(s);
        }
        return out;
    }

    static String resource(String name) {
        try (InputStream in = Library.class.getResourceAsStream(ROOT + name)) {
            if (in == null) throw new IllegalStateException("missing built-in resource " + ROOT + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
