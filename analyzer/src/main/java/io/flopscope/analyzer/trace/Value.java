package io.flopscope.analyzer.trace;

import io.flopscope.analyzer.ast.PyStmt;
import io.flopscope.formula.Poly;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Abstract values of the symbolic interpreter: Python objects with symbolic sizes. */
public sealed interface Value {
    /** An int, possibly symbolic (seq_len, config.n_embd, ...). */
    record IntV(Poly value) implements Value {
        public static IntV of(long v) { return new IntV(Poly.constant(v)); }
        public boolean isConstant() { return value.isConstant(); }
    }
    record FloatV(double value) implements Value {}
    record BoolV(boolean value) implements Value {}
    record StrV(String value) implements Value {}
    final class NoneV implements Value {
        public static final NoneV NONE = new NoneV();
        private NoneV() {}
        @Override public String toString() { return "None"; }
    }
    /**
     * A tensor: symbolic shape, element type, whether its memory is laid out contiguously. arangeStart, when not
     * null, says this is a 1-D integer range whose i-th element is arangeStart + i (cache_position), so that
     * indexing it with a constant gives a size. broadcastFrom, when not null, is the number of distinct elements of
     * a broadcast view (expand): a copy of it reads only those from memory (repeat_kv reads the key/value heads once).
     * fill, when not null, is the value of every element (torch.ones: 1.0), so that checks such as
     * torch.all(attention_mask == 1) on a mask the model built itself are decided. nonzeros, when not null, is the number
     * of nonzero elements (a one-hot routing mask has one per token and choice; with balanced routing every expert's
     * slice holds its share), so that nonzero() and torch.where(mask) have a size. indexBound, when not null, says every
     * element is an index below it (the rows of nonzero(), topk's indices); on a one-hot routing mask (and the counts
     * reduced from it), whose nonzeros is known, it is instead the bound of the positions that can be nonzero along the
     * class dimension.
     */
    record TensorV(List<Poly> shape, DType dtype, boolean contiguous, Poly arangeStart, Poly broadcastFrom, Double fill, Poly nonzeros,
                   Poly indexBound) implements Value {
        public TensorV { shape = List.copyOf(shape); }
        public TensorV(List<Poly> shape, DType dtype, boolean contiguous) { this(shape, dtype, contiguous, null, null, null, null, null); }
        public TensorV(List<Poly> shape, DType dtype, boolean contiguous, Poly arangeStart) { this(shape, dtype, contiguous, arangeStart, null, null, null, null); }
        public TensorV(List<Poly> shape, DType dtype, boolean contiguous, Poly arangeStart, Poly broadcastFrom) { this(shape, dtype, contiguous, arangeStart, broadcastFrom, null, null, null); }
        public TensorV(List<Poly> shape, DType dtype, boolean contiguous, Poly arangeStart, Poly broadcastFrom, Double fill) { this(shape, dtype, contiguous, arangeStart, broadcastFrom, fill, null, null); }
        /** The same data seen with another shape or layout (a view): the fill stays. */
        public TensorV view(List<Poly> s, boolean contig) { return new TensorV(s, dtype, contig, null, null, fill, null, indexBound); }
        public Poly numel() { Poly p = Poly.ONE; for (Poly d : shape) p = p.multiply(d); return p; }
        public int rank() { return shape.size(); }
        public TensorV withShape(List<Poly> s) { return new TensorV(s, dtype, true); }
        /** Another shape or layout of the same elements (a view, permute, reshape): what is known of the values stays. */
        public TensorV with(List<Poly> s, boolean contig) {
            Poly n = Poly.ONE;
            for (Poly d : s) n = n.multiply(d);
            return new TensorV(s, dtype, contig, null, null, fill, n.equals(numel()) ? nonzeros : null, indexBound);
        }
    }
    /** torch.float32 and friends. */
    record DTypeV(DType dtype) implements Value {}
    record TupleV(List<Value> items) implements Value {}
    record ListV(List<Value> items) implements Value {
        public ListV() { this(new ArrayList<>()); }
    }
    record DictV(Map<Object, Value> items) implements Value {
        public DictV() { this(new LinkedHashMap<>()); }
    }
    /** A slice object (for __getitem__). Parts may be null. */
    record SliceV(Value lower, Value upper, Value step) implements Value {}
    final class EllipsisV implements Value {
        public static final EllipsisV ELLIPSIS = new EllipsisV();
        private EllipsisV() {}
    }
    /** An instance of a class traced from source (nn.Module or a plain object); attrs set by __init__. */
    final class ObjectV implements Value {
        public final String className;
        public final Map<String, Value> attrs = new LinkedHashMap<>();
        /** The line of the statement that first set each attribute (its __init__'s, for a module). */
        public final Map<String, Integer> attrLines = new LinkedHashMap<>();
        /** Constructor arguments that the analysis document of this instance takes as parameters. */
        public final Map<String, Poly> ctorParams = new LinkedHashMap<>();
        /** Ordered fields of a ModelOutput-like dataclass built in forward, for outputs[0]. */
        public final List<String> fieldOrder = new ArrayList<>();
        /** Conditions its __init__ decided (config values that chose submodules). */
        public List<String> initConditions = List.of();
        /** Statements of its __init__ (and the __init__s it ran) that failed while building. */
        public int buildTaints;
        public ObjectV(String className) { this.className = className; }
        @Override public String toString() { return "<" + className + ">"; }
    }
    /** An instance of a library module we do not trace (torch.nn.Linear): costed by its built-in analysis. */
    record ExternalModuleV(String className, Map<String, Value> ctorArgs) implements Value {}
    /** nn.ModuleList of count copies of one module (layers built by a comprehension over range(n)). */
    record RepeatedV(Value element, Poly count) implements Value {}
    /** A function or method defined in the source, with its module and (for methods) the bound receiver. */
    /** closure: the enclosing function's locals for a nested def or lambda (read when called), else null. */
    record FuncV(PyStmt.FunctionDef def, String module, String owner, Value self, Map<String, Value> closure) implements Value {
        public FuncV(PyStmt.FunctionDef def, String module, String owner, Value self) { this(def, module, owner, self, null); }
        @Override public boolean equals(Object o) { return o instanceof FuncV x && x.def == def && java.util.Objects.equals(x.self, self); }
        @Override public int hashCode() { return System.identityHashCode(def); }
    }
    /** A class defined in the source (to instantiate or call classmethods on). */
    record ClassV(String qualifiedName) implements Value {}
    /** A name from a library we do not trace (torch.matmul, math.sqrt, torch.nn.functional): known by qualified name. */
    record ExternalV(String qualifiedName) implements Value {}
    /** A method looked up on a value (x.view, cache.update), not yet called. */
    record BoundMethodV(Value receiver, String name) implements Value {}

    /** torch.vmap(fn, in_dims): fn applied to every slice of the mapped arguments (in_dims: 0 or None per argument). */
    record VmapV(Value fn, List<Value> inDims) implements Value {}

    /** functools.partial(fn, *args, **kwargs): fn with its first arguments bound (5.x's GELUTanh). */
    record PartialV(Value fn, List<Value> args, Map<String, Value> kwargs) implements Value {}
    /** The model config object: attribute reads become config values. */
    final class ConfigV implements Value {
        public final ConfigEnv env;
        public ConfigV(ConfigEnv env) { this.env = env; }
    }
    /**
     * A value that exists only on one side of a condition on the sizes: value where the indicator present is 1,
     * None where it is 0 (a causal mask that SDPA can skip while the context is shorter than the sliding window).
     * `x is None` on it is a guarded condition; inside the branch where it is not None, x is the value.
     */
    record MaybeV(Value value, Poly present) implements Value {}
    /** super() inside a method of owner, bound to self. */
    record SuperV(String owner, Value self) implements Value {}
    /** Something the interpreter cannot model; carries why, so the line is reported unanalysed. */
    /**
     * guard, when not null, is the condition as an indicator polynomial over the sizes (1 where it holds,
     * 0 elsewhere, built from positive()): both branches of an if on it can then be traced, each weighted.
     */
    record UnknownV(String reason, boolean maybeNone, io.flopscope.formula.Poly guard) implements Value {
        public UnknownV(String reason) { this(reason, true, null); }

        /** An undecidable condition: a bool of unknown value, certainly not None. */
        public static UnknownV bool(String reason) { return new UnknownV(reason, false, null); }

        /** An undecidable condition whose truth is the indicator g. */
        public static UnknownV guarded(String reason, io.flopscope.formula.Poly g) { return new UnknownV(reason, false, g); }
    }
}
