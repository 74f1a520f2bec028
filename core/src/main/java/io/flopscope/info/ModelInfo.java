package io.flopscope.info;

import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.formula.Poly;
import io.flopscope.formula.Rational;
import io.flopscope.predict.MemoryFootprint;
import io.flopscope.predict.ParameterWalk;
import io.flopscope.predict.ModelDims;
import io.flopscope.resolve.CostNode;
import io.flopscope.resolve.Globals;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code flopscope info} reports about a model: its parameters, in total and by module, the weight bytes at a
 * dtype, the KV-cache bytes per token and the config's sizes.
 *
 * <p>The total is {@link MemoryFootprint#parameters()}: counted from the analyses, never from a table
 * (docs/prediction.md, "Memory"). The breakdown walks the same tree by the same convention: the constant
 * {@code w_bytes} coefficients of each kernel's bytes_read are the weights a module reads once per call, each
 * {@code torch.nn.Embedding} adds its whole table, and a table tied to the output projection is counted once,
 * through the projection's read (the embedding is marked {@link Module#tied()} and shows 0). The breakdown must
 * add up to the total; a difference is a bug and throws.
 */
public final class ModelInfo {
    /**
     * One module call in the tree.
     *
     * @param title      the calling kernel's title ("token embeddings (wte)"); "" for the root
     * @param repeat     how many times the parent calls it
     * @param instances  how many instances the whole model holds (the product of the repeats from the root)
     * @param parameters its parameters over all instances, children included
     * @param tied       an embedding table shared with the output projection and counted there
     */
    public record Module(String className, String title, Rational repeat, Rational instances, Rational parameters, boolean tied,
                         List<Module> children) {
        public String simpleName() { return className.substring(className.lastIndexOf('.') + 1); }

        /** "GPT2Model (transformer trunk)", as in the cost tree. */
        public String label() { return title.isEmpty() ? simpleName() : simpleName() + " (" + title + ")"; }

        public Rational perInstance() { return instances.isZero() ? Rational.ZERO : parameters.divide(instances); }
    }

    private final ModelConfig config;
    private final String rootClass;
    private final Dtype weights, kvCache;
    private final ModelDims dims;
    private final Rational parameters, kvBytesPerToken;
    private final boolean keepsKvCache;
    private final Module tree;

    private ModelInfo(ModelConfig config, String rootClass, Dtype weights, Dtype kvCache, ModelDims dims, Rational parameters,
                      Rational kvBytesPerToken, boolean keepsKvCache, Module tree) {
        this.config = config;
        this.rootClass = rootClass;
        this.weights = weights;
        this.kvCache = kvCache;
        this.dims = dims;
        this.parameters = parameters;
        this.kvBytesPerToken = kvBytesPerToken;
        this.keepsKvCache = keepsKvCache;
        this.tree = tree;
    }

    /**
     * @throws IllegalArgumentException when the config lacks a size the counts need (the message names it)
     * @throws io.flopscope.formula.Poly.UnboundSymbolException when a formula needs a config value the config lacks
     */
    public static ModelInfo of(CostNode root, ModelConfig config, Dtype weights, Dtype kvCache) {
        MemoryFootprint mf = new MemoryFootprint(root, config, weights, kvCache, kvCache);
        Module tree = new Walk(config, weights, kvCache).run(root);
        if (!tree.parameters().equals(mf.parameters())) {
            throw new IllegalStateException(config.name() + ": the parameters by module add up to " + tree.parameters()
                    + " but the model counts " + mf.parameters() + " (please report it)");
        }
        // the sizes come from the config, but only a model whose cost depends on the cache keeps one (BERT does not)
        boolean keepsCache = keepsCache(root);
        return new ModelInfo(config, root.className(), weights, kvCache, ModelDims.of(config), mf.parameters(),
                keepsCache ? mf.kvBytesPerToken() : Rational.ZERO, keepsCache, tree);
    }

    /** Whether any cost of the tree depends on cache_len (or kv_len, kv_bytes): the model attends to cached keys and values. */
    private static boolean keepsCache(CostNode root) {
        var c = root.cumulative();
        for (Poly p : List.of(c.matmulFlops(), c.vectorFlops(), c.bytesRead(), c.bytesWritten())) {
            var names = p.symbols();
            if (names.contains(Globals.CACHE) || names.contains("kv_len") || names.contains(Globals.KV_BYTES)) return true;
        }
        return false;
    }

    public ModelConfig config() { return config; }
    public String rootClass() { return rootClass; }
    public Dtype weightDtype() { return weights; }
    public Dtype kvDtype() { return kvCache; }
    public ModelDims dims() { return dims; }
    public Rational parameters() { return parameters; }
    public Rational weightBytes() { return parameters.multiply(weights.bytes); }
    /**
     * 2 (keys and values) × layers × key/value heads × head width × kv_bytes, as {@link MemoryFootprint#kvBytesPerToken()};
     * 0 when no cost depends on the cache (an encoder, or a module without attention).
     */
    public Rational kvCacheBytesPerToken() { return kvBytesPerToken; }

    /** Whether any cost depends on the cache (cache_len, kv_len or kv_bytes). */
    public boolean keepsKvCache() { return keepsKvCache; }
    public Module tree() { return tree; }
    public Optional<Rational> vocabSize() { return config.value("vocab_size"); }

    /** {@code self.attr(} or {@code self.attr[} in a source line: the module attribute a call goes through. */
    private static final Pattern SELF_CALL = Pattern.compile("self\\.([A-Za-z_][A-Za-z0-9_]*)\\s*[(\\[]");

    /** {@link ParameterWalk}'s count, remembering which module each part belongs to. */
    private static final class Walk implements ParameterWalk.Visitor<Walk.Node> {
        private final ModelConfig config;
        private final Dtype weights, kvCache;

        private static final class Node {
            final String className, title;
            final Rational repeat, instances;
            final List<Node> children = new ArrayList<>();
            Rational own = Rational.ZERO;
            boolean tied;

            Node(String className, String title, Rational repeat, Rational instances) {
                this.className = className;
                this.title = title;
                this.repeat = repeat;
                this.instances = instances;
            }

            Module module() {
                List<Module> kids = new ArrayList<>();
                Rational sum = own;
                for (Node c : children) {
                    Module m = c.module();
                    kids.add(m);
                    sum = sum.add(m.parameters());
                }
                return new Module(className, title, repeat, instances, sum, tied, List.copyOf(kids));
            }
        }

        Walk(ModelConfig config, Dtype weights, Dtype kvCache) {
            this.config = config;
            this.weights = weights;
            this.kvCache = kvCache;
        }

        Module run(CostNode root) {
            Node top = new Node(root.className(), "", Rational.ONE, Rational.ONE);
            ParameterWalk.walk(root, config, weights, kvCache, kvCache, top, this);
            return top.module();
        }

        @Override public void weights(Node node, Rational elements, Rational count) { node.own = node.own.add(elements.multiply(count)); }

        @Override public Node call(Node node, CostNode.KernelCost kernel, CostNode child, Rational repeat, Rational count) {
            Node c = new Node(child.className(), describe(kernel, child.className()), repeat, count);
            node.children.add(c);
            return c;
        }

        @Override public void table(Node node, Rational elements, Rational count) { node.own = node.own.add(elements.multiply(count)); }

        @Override public void tied(Node node) { node.tied = true; }

        /**
         * The calling kernel's title, unless it only repeats the class name (documents written by the source
         * analyzer): then the attribute the source line calls ({@code self.q_proj(...)} → "q_proj"), if any.
         */
        private static String describe(CostNode.KernelCost k, String callee) {
            String title = k.kernel().title() == null ? "" : k.kernel().title().strip();
            String simple = callee.substring(callee.lastIndexOf('.') + 1);
            if (!title.isEmpty() && !title.equals(simple)) return title;
            String code = k.kernel().code() == null ? "" : k.kernel().code();
            Matcher m = SELF_CALL.matcher(code);
            if (m.find()) return m.group(1);
            return title.equals(simple) ? "" : "line " + k.kernel().lines().start();
        }
    }
}
