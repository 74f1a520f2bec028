package io.flopscope.library;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** classes.txt, which spares start-up reading every built-in document, names the class each title names. */
class LibraryClassMapTest {

    @Test void everyIndexedDocumentIsMappedToTheClassItsTitleNames() {
        Map<String, String> map = Library.classMap();
        Map<String, String> expected = new LinkedHashMap<>();
        List<String> wrong = new ArrayList<>();
        for (String line : Library.resourceLines("index.txt")) {
            int eq = line.indexOf('=');
            String path = eq < 0 ? line : line.substring(0, eq).strip();
            String title = Library.titleClass(Library.resource(path));
            String given = eq < 0 ? map.get(path) : line.substring(eq + 1).strip();
            if (eq < 0 && title != null) expected.put(path, title);
            if (title == null ? given != null : !title.equals(given)) wrong.add(path + ": title " + title + ", mapped to " + given);
        }
        StringBuilder fix = new StringBuilder();
        expected.forEach((p, c) -> fix.append(p).append(" = ").append(c).append('\n'));
        List<String> stale = new ArrayList<>(map.keySet());
        stale.removeAll(expected.keySet());
        assertEquals(List.of(), wrong, "core/src/main/resources/io/flopscope/library/classes.txt should list:\n" + fix);
        assertEquals(List.of(), stale, "not in the index (or mapped there), remove from classes.txt");
    }
}
