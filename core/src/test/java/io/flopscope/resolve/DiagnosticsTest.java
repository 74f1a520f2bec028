package io.flopscope.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.flopscope.diag.Diagnostic;
import io.flopscope.document.MarkdownReader;
import io.flopscope.document.ParsedDocument;
import io.flopscope.library.Library;
import io.flopscope.library.LibraryEntry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Error Prone style: each fixture carries its expected diagnostics as
 * {@code <!-- EXPECT-NEXT: severity: [col: ]fragment -->} on the line before the one they concern.
 * Every expected diagnostic must appear, and nothing else may.
 */
class DiagnosticsTest {
    private static final Pattern EXPECT = Pattern.compile("<!-- EXPECT-NEXT: (error|warning): (?:(\\d+): )?(.*?) -->");

    @ParameterizedTest
    @ValueSource(strings = {"formulas.md", "references.md", "variables.md", "structure.md"})
    void fixtureDiagnosticsMatchTheirExpectations(String name) throws Exception {
        String text;
        try (InputStream in = getClass().getResourceAsStream("/io/flopscope/diagnostics/" + name)) {
            assertNotNull(in, name);
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ParsedDocument d = MarkdownReader.read(name, text);
        Library lib = Library.builtIn();
        LibraryEntry e = new LibraryEntry(d.analysis(), name, d.positions(), false);
        lib.add(e);
        List<Diagnostic> actual = new ArrayList<>(d.problems());
        actual.addAll(new Resolver(lib, false).check(e));

        String[] lines = text.split("\n", -1);
        TreeSet<String> expected = new TreeSet<>();
        for (int i = 0; i < lines.length; i++) {
            Matcher m = EXPECT.matcher(lines[i]);
            if (m.find()) expected.add((i + 2) + " " + m.group(1) + (m.group(2) == null ? "" : " col" + m.group(2)) + " " + m.group(3));
        }
        TreeSet<String> matched = new TreeSet<>();
        List<String> unexpected = new ArrayList<>();
        for (Diagnostic x : actual) {
            String hit = null;
            for (String exp : expected) {
                String[] parts = exp.split(" ", 3);
                boolean hasCol = parts[2].startsWith("col");
                String fragment = hasCol ? parts[2].substring(parts[2].indexOf(' ') + 1) : parts[2];
                boolean colOk = !hasCol || ("col" + x.column()).equals(parts[2].substring(0, parts[2].indexOf(' ')));
                if (Integer.parseInt(parts[0]) == x.line() && parts[1].equals(x.severity().label()) && x.message().contains(fragment) && colOk) hit = exp;
            }
            if (hit == null) unexpected.add(x.toString());
            else matched.add(hit);
        }
        TreeSet<String> missing = new TreeSet<>(expected);
        missing.removeAll(matched);
        assertEquals(List.of(), unexpected, "diagnostics not expected by " + name);
        assertEquals(new TreeSet<>(), missing, "expected diagnostics that did not appear in " + name + "; actual: " + actual);
    }
}
