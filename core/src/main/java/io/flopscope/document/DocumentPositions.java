package io.flopscope.document;

import java.util.List;
import java.util.Map;

/**
 * Where each part of a document was read from (1-based lines), kept beside the model so that the
 * model itself compares equal however it was written.
 */
public record DocumentPositions(
        int titleLine,
        int parametersLine,
        Map<String, Integer> variableLines,
        List<KernelPositions> kernels) {

    public static final DocumentPositions NONE = new DocumentPositions(0, 0, Map.of(), List.of());

    public record KernelPositions(int heading, int flops, int read, int write, int repeat) {
        public static final KernelPositions NONE = new KernelPositions(0, 0, 0, 0, 0);
    }

    public KernelPositions kernel(int index) { return index < kernels.size() ? kernels.get(index) : KernelPositions.NONE; }
}
