package io.flopscope.document;

import io.flopscope.diag.Diagnostic;
import java.util.List;

/** A read document: the model (null when nothing usable was found), positions and reading problems. */
public record ParsedDocument(String file, ModuleAnalysis analysis, DocumentPositions positions, List<Diagnostic> problems) {
    public ParsedDocument { problems = List.copyOf(problems); }
}
