package io.flopscope.resolve;

import io.flopscope.document.Kernel;
import io.flopscope.formula.Poly;
import java.util.List;
import java.util.Map;

/**
 * One module in the cost tree: its own basic kernels (self) and cumulative cost (self + Σ repeat × child).
 * unknowns lists what could not be analysed in this node and below.
 */
public record CostNode(
        String className,
        String file,
        Map<String, Poly> arguments,
        List<KernelCost> kernels,
        Cost self,
        Cost cumulative,
        List<Unknown> unknowns) {

    /** One kernel: its own basic cost (repeat applied) and the module calls it makes. */
    public record KernelCost(Kernel kernel, Cost own, List<Call> calls) {
        public Cost cumulative() {
            Cost c = own;
            for (Call call : calls) c = c.plus(call.node().cumulative().times(call.multiplier()));
            return c;
        }
    }

    /** A call to another module's analysis, multiplier × its cumulative cost. */
    public record Call(Poly multiplier, CostNode node, int line) {}

    public boolean complete() { return unknowns.isEmpty(); }

    /** The classes of this tree, each once, in call order from this node. */
    public java.util.Set<String> classes() {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        collect(this, out);
        return out;
    }

    private static void collect(CostNode n, java.util.Set<String> out) {
        if (!out.add(n.className())) return;
        for (KernelCost k : n.kernels()) for (Call c : k.calls()) collect(c.node(), out);
    }
}
