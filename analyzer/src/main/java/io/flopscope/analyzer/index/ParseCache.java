package io.flopscope.analyzer.index;

import io.flopscope.analyzer.ast.PyModule;
import io.flopscope.analyzer.parse.PythonParser;
import java.lang.ref.SoftReference;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Parsed modules shared by every {@link SourceIndex} of the process, keyed by module name, shown path and the exact
 * source text: a second index over the same files (a repeated analysis on a warm JVM) does not parse them again.
 * Least recently used entries go first; entries are softly held, so memory pressure empties the cache.
 */
final class ParseCache {
    private static final int MAX_ENTRIES = 512;

    private record Key(String module, String file, boolean isPackage, int textHash, int textLength) {}

    private record Entry(String text, PyModule module) {}

    private static final Map<Key, SoftReference<Entry>> CACHE = new LinkedHashMap<>(64, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<Key, SoftReference<Entry>> eldest) { return size() > MAX_ENTRIES; }
    };

    private ParseCache() {}

    /** Forgets every parsed file (benchmarks measure parsing too). */
    static void clear() {
        synchronized (CACHE) { CACHE.clear(); }
    }

    static PyModule parse(PythonParser parser, String module, String file, String text, boolean isPackage) {
        Key key = new Key(module, file, isPackage, text.hashCode(), text.length());
        synchronized (CACHE) {
            SoftReference<Entry> ref = CACHE.get(key);
            Entry e = ref == null ? null : ref.get();
            if (e != null && Objects.equals(e.text(), text)) return e.module();
        }
        PyModule m = parser.parse(module, file, text, isPackage);
        synchronized (CACHE) {
            CACHE.put(key, new SoftReference<>(new Entry(text, m)));
        }
        return m;
    }
}
