package io.flopscope.report;

import io.flopscope.document.FlopClass;
import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.Numbers;
import io.flopscope.formula.Rational;
import io.flopscope.resolve.CostNode;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cost tree evaluated for one scenario. self and cumulative are for one instance; repeat is how many
 * instances the parent runs, so {@link #total()} is this subtree's contribution to the parent.
 */
public record EvaluatedNode(
        String className,
        String via,
        int line,
        Rational repeat,
        Numbers self,
        Numbers cumulative,
        List<EvaluatedKernel> kernels,
        List<EvaluatedNode> children) {

    /** A basic kernel of this node, for one instance of the node (its own repeat applied). */
    public record EvaluatedKernel(int line, String title, String operation, FlopClass flopClass, Numbers numbers) {}

    public Numbers total() { return scale(cumulative, repeat); }

    public String simpleName() { return className.substring(className.lastIndexOf('.') + 1); }

    public static EvaluatedNode of(CostNode root, Evaluator ev) {
        return build(root, null, 0, Rational.ONE, ev, new IdentityHashMap<>());
    }

    private static EvaluatedNode build(CostNode n, String via, int line, Rational repeat, Evaluator ev, Map<CostNode, Numbers[]> memo) {
        Numbers[] nums = memo.get(n);
        if (nums == null) {
            nums = new Numbers[] {ev.evaluate(n.self()), ev.evaluate(n.cumulative())};
            memo.put(n, nums);
        }
        List<EvaluatedKernel> kernels = new ArrayList<>();
        List<EvaluatedNode> children = new ArrayList<>();
        for (CostNode.KernelCost k : n.kernels()) {
            if (!k.own().isZero()) {
                kernels.add(new EvaluatedKernel(k.kernel().lines().start(), k.kernel().title(), k.kernel().operation(),
                        k.kernel().flopClass(), ev.evaluate(k.own())));
            }
            for (CostNode.Call c : k.calls()) {
                Rational r = ev.evaluate(c.multiplier());
                if (r.isZero()) continue;
                String label = k.kernel().title().isEmpty() ? "line " + k.kernel().lines() : k.kernel().title();
                children.add(build(c.node(), label, k.kernel().lines().start(), r, ev, memo));
            }
        }
        return new EvaluatedNode(n.className(), via, line, repeat, nums[0], nums[1], kernels, children);
    }

    static Numbers scale(Numbers x, Rational k) {
        return new Numbers(x.matmulFlops().multiply(k), x.vectorFlops().multiply(k), x.bytesRead().multiply(k), x.bytesWritten().multiply(k));
    }
}
