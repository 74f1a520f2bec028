package io.flopscope.cli;

import io.flopscope.report.JsonOutput;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flopscope.diag.Diagnostic;
import io.flopscope.document.DocumentPositions;
import io.flopscope.document.JsonCodec;
import io.flopscope.document.MarkdownReader;
import io.flopscope.document.ParsedDocument;
import io.flopscope.library.Library;
import io.flopscope.library.LibraryEntry;
import io.flopscope.resolve.Resolver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check analysis documents: formulas parse, references resolve, arguments bind, no variable is unbound.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:no errors (warnings allowed)", "1:errors found", "2:bad usage"})
final class ValidateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Markdown (.md) or JSON (.json) analysis documents, or folders of them (every .md and .json inside, sorted).")
    List<Path> files;

    @Option(names = "--format", paramLabel = "FMT", description = "text (default) or json.")
    String format = "text";

    @Mixin LibraryOptions library = new LibraryOptions();

    record Result(String file, String className, int kernels, List<Diagnostic> diagnostics) {}

    /** Folders stand for the .md and .json documents in them (all depths, in name order); files stay as given. */
    static List<Path> expand(List<Path> given) {
        List<Path> out = new ArrayList<>();
        for (Path f : given) {
            if (!Files.isDirectory(f)) { out.add(f); continue; }
            try {
                List<Path> docs = LibraryOptions.documentFiles(f);
                if (docs.isEmpty()) throw UserError.failed(f + ": no .md or .json documents in this folder");
                out.addAll(docs);
            } catch (IOException e) {
                throw UserError.failed(f + ": cannot list the folder: " + IoMessages.reason(e));
            }
        }
        return out;
    }

    @Override public Integer call() {
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.equals("text") && !fmt.equals("json")) throw UserError.usage("--format " + format + ": expected text or json");
        Library lib = library.build();
        List<Result> results = new ArrayList<>();
        List<LibraryEntry> entries = new ArrayList<>();
        for (Path f : expand(files)) {
            String text;
            try {
                text = Files.readString(f, StandardCharsets.UTF_8);
            } catch (IOException e) {
                results.add(new Result(f.toString(), null, 0, List.of(Diagnostic.error(f.toString(), 0, "cannot read: " + IoMessages.reason(e)))));
                entries.add(null);
                continue;
            }
            ParsedDocument d;
            if (f.toString().endsWith(".json")) {
                try {
                    d = new ParsedDocument(f.toString(), JsonCodec.read(text), DocumentPositions.NONE, List.of());
                } catch (IllegalArgumentException e) {
                    d = new ParsedDocument(f.toString(), null, DocumentPositions.NONE, List.of(Diagnostic.error(f.toString(), 0, e.getMessage())));
                }
            } else {
                d = MarkdownReader.read(f.toString(), text);
            }
            LibraryEntry entry = d.analysis() == null ? null : new LibraryEntry(d.analysis(), f.toString(), d.positions(), false);
            if (entry != null) lib.add(entry); // documents may refer to each other
            entries.add(entry);
            results.add(new Result(f.toString(), d.analysis() == null ? null : d.analysis().className(),
                    d.analysis() == null ? 0 : d.analysis().kernels().size(), new ArrayList<>(d.problems())));
        }
        for (int i = 0; i < results.size(); i++) {
            LibraryEntry e = entries.get(i);
            if (e == null) continue;
            List<Diagnostic> ds = results.get(i).diagnostics();
            ds.addAll(new Resolver(lib, false).check(e));
            ds.sort(Comparator.comparingInt(Diagnostic::line));
        }
        boolean errors = results.stream().anyMatch(r -> r.diagnostics().stream().anyMatch(Diagnostic::isError));
        var out = spec.commandLine().getOut();
        if (fmt.equals("json")) out.print(json(results));
        else {
            for (Result r : results) {
                r.diagnostics().forEach(out::println);
                long ne = r.diagnostics().stream().filter(Diagnostic::isError).count();
                long nw = r.diagnostics().size() - ne;
                out.println(r.file() + ": " + (r.className() == null ? "no analysis found" : r.className()) + ": " + r.kernels() + " kernel"
                        + (r.kernels() == 1 ? "" : "s") + ", " + ne + " error" + (ne == 1 ? "" : "s") + ", " + nw + " warning" + (nw == 1 ? "" : "s"));
            }
        }
        out.flush();
        return errors ? ExitCodes.ERRORS : ExitCodes.OK;
    }

    private static String json(List<Result> results) {
        ObjectNode root = JsonOutput.object();
        ArrayNode docs = root.putArray("documents");
        for (Result r : results) {
            ObjectNode d = docs.addObject();
            d.put("file", r.file());
            d.put("class", r.className());
            d.put("kernels", r.kernels());
            ArrayNode ds = d.putArray("diagnostics");
            for (Diagnostic x : r.diagnostics()) {
                ObjectNode n = ds.addObject();
                n.put("severity", x.severity().label());
                n.put("line", x.line());
                if (x.column() > 0) n.put("column", x.column());
                n.put("message", x.message());
            }
        }
        return JsonOutput.write(root);
    }
}
