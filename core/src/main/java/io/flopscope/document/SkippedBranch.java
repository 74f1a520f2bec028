package io.flopscope.document;

import java.util.List;

/** Source lines not on the default inference path, and why. */
public record SkippedBranch(List<LineRange> lines, String reason) {
    public SkippedBranch { lines = List.copyOf(lines); }
}
