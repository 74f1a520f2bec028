package io.flopscope.cli;

import io.flopscope.library.Library;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/** --library DIR... and --attn: which analyses compose a model. */
final class LibraryOptions {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static boolean validJson(String text) {
        try {
            JSON.readTree(text);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The .md and .json files under a folder, all depths, in name order (--library folders, validate DIR). */
    static List<Path> documentFiles(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".md") || p.toString().endsWith(".json")).sorted().toList();
        }
    }

    @Option(names = "--library", paramLabel = "DIR", description = "Add or override analyses from a folder of .md/.json documents (repeatable).")
    List<Path> libraries = new ArrayList<>();

    @Option(names = "--attn", paramLabel = "IMPL", description = "Attention implementation: eager or sdpa (default: the library's, sdpa for GPT-2).")
    String attn;

    Library build() {
        Library lib = buildWithoutImplementation();
        if (attn != null && !lib.useImplementation(attn)) throw UserError.usage("--attn " + attn + ": unknown implementation (expected eager or sdpa)");
        return lib;
    }

    /** The built-in library and --library folders, without redirecting attention classes (source analysis picks its own). */
    Library buildWithoutImplementation() {
        if (attn != null && !attn.equals("eager") && !attn.equals("sdpa")) throw UserError.usage("--attn " + attn + ": unknown implementation (expected eager or sdpa)");
        Library lib = Library.builtIn();
        for (Path dir : libraries) {
            if (!Files.isDirectory(dir)) throw UserError.usage("--library " + dir + ": not a folder");
            try {
                for (Path f : documentFiles(dir)) {
                    String text = Files.readString(f, StandardCharsets.UTF_8);
                    // a folder may hold other JSON (a config.json) and notes: only our analysis formats are read
                    if (f.toString().endsWith(".json") && !text.contains(io.flopscope.document.JsonCodec.FORMAT) && validJson(text)) continue;
                    // a note has none of an analysis's landmarks; a document with a misspelled title still has some, and is read
                    if (f.toString().endsWith(".md") && !text.contains("Cost Analysis") && !text.contains("Kernel Type") && !text.contains("Line-by-Line")) continue;
                    lib.addDocument(f.toString(), text, false);
                }
            } catch (java.nio.charset.CharacterCodingException e) {
                throw UserError.failed("--library " + dir + ": a document is not UTF-8 text");
            } catch (IOException e) {
                throw UserError.failed("cannot read " + dir + ": " + IoMessages.reason(e));
            }
        }
        if (!lib.unreadable().isEmpty()) {
            var d = lib.unreadable().get(0);
            throw UserError.failed(d.file() + (d.line() > 0 ? ":" + d.line() : "") + ": error: " + d.message()
                    + " (a --library document that cannot be read leaves unknown what it would override)");
        }
        return lib;
    }
}
