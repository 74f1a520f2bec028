package io.flopscope.library;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Start-up reads no built-in document: each index line names its document's class ({@code path = class}), the one its title names. */
class LibraryClassMapTest {

    @Test void everyIndexLineNamesTheClassItsDocumentsTitleNames() {
        List<String> wrong = new ArrayList<>();
        StringBuilder fix = new StringBuilder();
        for (String line : Library.resourceLines("index.txt")) {
            int eq = line.indexOf('=');
            String path = eq < 0 ? line : line.substring(0, eq).strip();
            String named = eq < 0 ? null : line.substring(eq + 1).strip();
            String title = Library.titleClass(Library.resource(path));
            if (title == null || !title.equals(named)) {
                wrong.add(path + ": title " + title + ", index " + named);
                fix.append(path).append(" = ").append(title).append('\n');
            }
        }
        assertEquals(List.of(), wrong, "index lines should read (core/src/main/resources/io/flopscope/library/index.txt):\n" + fix);
    }
}
