package io.flopscope.library;

import io.flopscope.document.DocumentPositions;
import io.flopscope.document.ModuleAnalysis;

/** An analysis in the library, with the file it came from (for diagnostics). */
public record LibraryEntry(ModuleAnalysis analysis, String file, DocumentPositions positions, boolean builtIn) {}
