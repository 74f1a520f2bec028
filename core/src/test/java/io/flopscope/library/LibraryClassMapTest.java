package io.flopscope.library;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Start-up reads no built-in document: each index line names its document's class ({@code path = class}), or
 * classes.txt does. Either must be the class the document's title names.
 */
class LibraryClassMapTest {

    @Test void everyIndexedDocumentIsMappedToTheClassItsTitleNames() {
        Map<String, String> map = Library.classMap();
        Set<String> indexed = new HashSet<>();
        List<String> wrong = new ArrayList<>();
        StringBuilder fix = new StringBuilder();
        for (String line : Library.resourceLines("index.txt")) {
            int eq = line.indexOf('=');
            String path = eq < 0 ? line : line.substring(0, eq).strip();
            String inIndex = eq < 0 ? null : line.substring(eq + 1).strip();
            String mapped = map.get(path);
            String title = Library.titleClass(Library.resource(path));
            indexed.add(path);
            if (inIndex == null && title != null) fix.append(path).append(" = ").append(title).append('\n');
            String used = inIndex != null ? inIndex : mapped;
            if (title == null ? used != null : !title.equals(used)) wrong.add(path + ": title " + title + ", mapped to " + used);
            if (inIndex != null && mapped != null && !mapped.equals(inIndex)) wrong.add(path + ": index says " + inIndex + ", classes.txt " + mapped);
        }
        List<String> stale = new ArrayList<>(map.keySet());
        stale.removeAll(indexed);
        assertEquals(List.of(), wrong, "core/src/main/resources/io/flopscope/library/classes.txt should list (for index lines without '= class'):\n" + fix);
        assertEquals(List.of(), stale, "in classes.txt but in no index: remove them");
    }
}
