package io.flopscope.analyzer.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.analyzer.ast.PyExpr;
import io.flopscope.analyzer.ast.PyModule;
import io.flopscope.analyzer.ast.PyStmt;
import io.flopscope.analyzer.ast.Span;
import io.flopscope.diag.Diagnostic;
import io.flopscope.diag.Severity;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SourceIndexTest {
    private static final String TINY = "acme.models.tiny.modeling_tiny";
    private SourceIndex idx;

    static Path fixture(String rel) {
        URL u = SourceIndexTest.class.getResource("/io/flopscope/analyzer/index/" + rel);
        assertNotNull(u, rel);
        try {
            return Path.of(u.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void open() { idx = SourceIndex.open(fixture("src")); }

    private static PyExpr name(String id) { return new PyExpr.Name(id, Span.NONE); }

    private static PyExpr attr(String dotted) {
        String[] p = dotted.split("\\.");
        PyExpr e = name(p[0]);
        for (int i = 1; i < p.length; i++) e = new PyExpr.Attribute(e, p[i], Span.NONE);
        return e;
    }

    @Test
    void filesMapToDottedModuleNames() {
        Set<String> names = idx.moduleNames();
        assertTrue(names.contains("acme"), "__init__.py is the package");
        assertTrue(names.contains("acme.models.tiny"));
        assertTrue(names.contains(TINY));
        assertTrue(names.contains("acme.utils.helpers"));
        assertTrue(names.contains("nsp.inner.mod"), "namespace packages (no __init__.py) are walked");
        assertFalse(names.stream().anyMatch(n -> n.contains("hidden")), "directories that are not identifiers are skipped");
        assertTrue(idx.hasModule("nsp.inner"));
        assertTrue(idx.fileOf("nsp.inner").isEmpty(), "a namespace package has no file");
        assertEquals(fixture("src").resolve("acme/models/tiny/__init__.py"), idx.fileOf("acme.models.tiny").orElseThrow());
        PyModule pkg = idx.module("acme.models.tiny").orElseThrow();
        assertTrue(pkg.isPackage());
        assertFalse(idx.module(TINY).orElseThrow().isPackage());
        assertTrue(idx.module("acme.nothing").isEmpty());
        assertTrue(idx.module("bad name").isEmpty());
    }

    @Test
    void parsesLazilyAndCaches() {
        assertEquals(Set.of(), idx.parsedModules());
        PyModule m = idx.module("acme.utils.hub").orElseThrow();
        assertEquals(Set.of("acme.utils.hub"), idx.parsedModules());
        assertTrue(m == idx.module("acme.utils.hub").orElseThrow(), "cached");
        assertTrue(m.file().endsWith("acme/utils/hub.py".replace('/', java.io.File.separatorChar)), m.file());
        // naming a class defined at column 0 of another file does not parse that file
        assertEquals("acme.utils.hub.HubMixin", idx.canonical("acme.utils.hub.HubMixin"));
        idx.classInfo("acme.base.PreTrained").orElseThrow();
        assertFalse(idx.parsedModules().contains("acme.models.tiny.modeling_tiny"));
    }

    @Test
    void resolvesImportsAliasesAndRelativeImports() {
        assertEquals("torch.nn", idx.resolveName(TINY, "nn"), "from torch import nn");
        assertEquals("torch.nn.functional", idx.resolveName(TINY, "F"), "import torch.nn.functional as F");
        assertEquals("torch", idx.resolveName(TINY, "torch"));
        assertEquals("math", idx.resolveName(TINY, "math"));
        assertEquals("torch.nn.Linear", idx.resolveName(TINY, "RawLinear"), "torch.nn.modules.linear.Linear is torch.nn.Linear");
        assertEquals("acme.base", idx.resolveName(TINY, "base_mod"), "from ... import base");
        assertEquals("acme.base.PreTrained", idx.resolveName(TINY, "PreTrained"), "level-3 relative import");
        assertEquals("acme.activations.ACT2FN", idx.resolveName(TINY, "ACT2FN"));
        assertEquals("acme.models.tiny.configuration_tiny.TinyConfig", idx.resolveName(TINY, "TinyConfig"), "level-1");
        assertEquals("acme.utils.logging_utils.get_logger", idx.resolveName(TINY, "getLogger"), "alias re-exported by a package");
        assertEquals("acme.utils.helpers.helper", idx.resolveName(TINY, "helper"), "through a star import");
        assertEquals("torch.nn.Linear", idx.resolveName(TINY, "Dense"), "module-level alias Dense = nn.Linear");
        assertEquals(TINY + ".logger", idx.resolveName(TINY, "logger"), "a variable is itself");
        assertEquals(TINY + ".TinyAttention", idx.resolveName(TINY, "TinyAttention"));
        assertEquals(TINY + ".tiny_helper", idx.resolveName(TINY, "tiny_helper"));
        assertEquals("range", idx.resolveName(TINY, "range"), "builtins and unknown names stay bare");
        assertEquals("acme.optional_backend.fast_kernel", idx.resolveName(TINY, "fast_kernel"),
                "an except-handler fallback does not replace the import");
        assertEquals("x", idx.resolveName("no.such.module", "x"));
    }

    @Test
    void resolvesDottedExpressions() {
        assertEquals(Optional.of("torch.nn.Linear"), idx.resolveExpr(TINY, attr("nn.Linear")));
        assertEquals(Optional.of("torch.nn.functional.softmax"), idx.resolveExpr(TINY, attr("F.softmax")));
        assertEquals(Optional.of("torch.nn.Module"), idx.resolveExpr(TINY, attr("torch.nn.modules.module.Module")));
        assertEquals(Optional.of("acme.base.BaseModel"), idx.resolveExpr(TINY, attr("base_mod.BaseModel")));
        assertEquals(Optional.of("acme.utils.hub.HubMixin"), idx.resolveExpr(TINY, attr("base_mod.HubMixin")),
                "an imported name of another module is followed to its definition");
        assertEquals(Optional.of(TINY + ".TINY_ATTENTION_CLASSES"), idx.resolveExpr(TINY, name("TINY_ATTENTION_CLASSES")));
        PyExpr call = new PyExpr.Call(name("f"), List.of(), List.of(), Span.NONE);
        assertEquals(Optional.empty(), idx.resolveExpr(TINY, call));
        assertEquals(Optional.empty(), idx.resolveExpr(TINY, new PyExpr.Attribute(call, "x", Span.NONE)));
    }

    @Test
    void followsReExportsThroughPackages() {
        assertEquals(TINY + ".TinyModel", idx.canonical("acme.TinyModel"), "TYPE_CHECKING import in a lazy __init__");
        assertEquals(TINY + ".TinyBlock", idx.canonical("acme.models.tiny.TinyBlock"));
        assertEquals("acme.lazy.impl.LazyThing", idx.canonical("acme.lazy.LazyThing"),
                "a name only in _import_structure is found by scanning the package, dummy modules last");
        assertEquals("acme.utils.helpers.Registry", idx.canonical("acme.utils.Registry"));
        assertEquals("acme.utils.hub", idx.canonical("acme.utils.hub"), "a submodule");
        assertEquals("acme.utils.hub.HubMixin.push_to_hub", idx.canonical("acme.utils.hub.HubMixin.push_to_hub"));
        assertEquals("torch.nn.Module", idx.canonical("torch.nn.Module"), "opaque packages stay textual");
        assertEquals("acme.nothing.X", idx.canonical("acme.nothing.X"), "unknown names stay textual");
        assertEquals("acme.utils._private_helper", idx.canonical("acme.utils._private_helper"),
                "a star import does not bring underscore names");
    }

    @Test
    void classInfoResolvesBasesMethodsAndAttributes() {
        ClassInfo pre = idx.classInfo("acme.PreTrained").orElseThrow();
        assertEquals("acme.base.PreTrained", pre.qualifiedName());
        assertEquals("acme.base", pre.module());
        assertEquals(List.of("acme.base.BaseModel", "acme.base.Mixin", "acme.utils.hub.HubMixin"), pre.bases());
        assertEquals(List.of("config_class", "base_model_prefix", "supports_cache"), List.copyOf(pre.attributes().keySet()));
        assertEquals("model", ((PyExpr.Constant) pre.attribute("base_model_prefix").orElseThrow().value()).value());
        assertEquals(null, pre.attribute("supports_cache").orElseThrow().value());
        PyStmt.FunctionDef device = pre.method("device").orElseThrow();
        assertEquals(24, device.span().startLine(), "the property getter, not its setter");
        assertEquals("PreTrained", pre.simpleName());
        assertEquals(19, pre.def().classLine());

        ClassInfo model = idx.classInfo(TINY + ".TinyModel").orElseThrow();
        assertEquals(List.of("acme.base.PreTrained"), model.bases());
        assertEquals(Set.of("__init__", "forward"), model.methods().keySet());
        ClassInfo lm = idx.classInfo(TINY + ".TinyForCausalLM").orElseThrow();
        assertEquals(List.of("acme.base.PreTrained"), lm.bases(), "base written as module.Class");
        assertEquals(List.of("torch.nn.Module"), idx.classInfo(TINY + ".TinyAttention").orElseThrow().bases());
        assertEquals(List.of("dict"), idx.classInfo("acme.activations.ClassInstantier").orElseThrow().bases());
        assertTrue(idx.classInfo(TINY + ".tiny_helper").isEmpty(), "a function is not a class");
        assertTrue(idx.classInfo("acme.nothing.X").isEmpty());
        assertEquals(List.of(), idx.problems().stream().filter(d -> !d.file().contains("cycle")).collect(Collectors.toList()));
    }

    @Test
    void subclassChainsAcrossFiles() {
        String model = TINY + ".TinyModel";
        for (String base : List.of("torch.nn.Module", "nn.Module", "torch.nn.modules.module.Module", "acme.base.BaseModel",
                "acme.PreTrained", "acme.base.Mixin", "acme.utils.hub.HubMixin", model)) {
            assertTrue(idx.isSubclassOf(model, base), base);
        }
        assertTrue(idx.isSubclassOf("acme.TinyModel", "torch.nn.Module"), "through the package re-export");
        assertTrue(idx.isSubclassOf(TINY + ".TinyFlashAttention", "torch.nn.Module"));
        assertTrue(idx.isSubclassOf("acme.lazy.LazyThing", "torch.nn.Module"));
        assertFalse(idx.isSubclassOf(model, "acme.activations.NewGELU"));
        assertFalse(idx.isSubclassOf("acme.base.Mixin", "torch.nn.Module"));
        assertFalse(idx.isSubclassOf("acme.activations.ClassInstantier", "torch.nn.Module"));
        assertFalse(idx.isSubclassOf("acme.cycle_b.Ping", "torch.nn.Module"), "a base cycle terminates");
        assertFalse(idx.isSubclassOf("acme.cycle_b.SelfBase", "torch.nn.Module"));
        assertEquals(List.of(model, "acme.base.PreTrained", "acme.base.BaseModel", "torch.nn.Module", "acme.base.Mixin",
                "acme.utils.hub.HubMixin"), idx.mro(model));
    }

    @Test
    void functionsMethodsAndVariables() {
        FunctionInfo f = idx.function(TINY + ".tiny_helper").orElseThrow();
        assertFalse(f.isMethod());
        assertEquals(TINY, f.module());
        assertEquals("tiny_helper", f.def().name());
        FunctionInfo m = idx.function("acme.TinyModel.forward").orElseThrow();
        assertEquals(TINY + ".TinyModel", m.ownerClass());
        assertEquals(TINY + ".TinyModel.forward", m.qualifiedName());
        assertTrue(idx.function(TINY + ".TinyModel.nope").isEmpty());
        assertTrue(idx.function(TINY + ".TinyModel").isEmpty(), "a class is not a function");

        FunctionInfo inherited = idx.findMethod(TINY + ".TinyModel", "_init_weights").orElseThrow();
        assertEquals("acme.base.BaseModel", inherited.ownerClass());
        assertEquals("acme.base.Mixin.helper", idx.findMethod(TINY + ".TinyModel", "helper").orElseThrow().qualifiedName());
        assertEquals(TINY + ".TinyModel.forward", idx.findMethod(TINY + ".TinyModel", "forward").orElseThrow().qualifiedName());
        assertTrue(idx.findMethod(TINY + ".TinyModel", "to").isEmpty(), "torch's own methods are not in the source");

        VariableInfo table = idx.variable(TINY + ".TINY_ATTENTION_CLASSES").orElseThrow();
        PyExpr.DictExpr d = assertInstanceOf(PyExpr.DictExpr.class, table.value());
        assertEquals(List.of(TINY + ".TinyAttention", TINY + ".TinyFlashAttention"),
                d.values().stream().map(v -> idx.resolveExpr(TINY, v).orElseThrow()).collect(Collectors.toList()));
        VariableInfo act = idx.variable("acme.activations.ACT2FN").orElseThrow();
        assertInstanceOf(PyExpr.Call.class, act.value());
        assertTrue(idx.variable(TINY + ".TinyModel").isEmpty());
    }

    @Test
    void selfAttributeConstructorsResolveToClassTables() {
        // what the tracer does for TinyBlock.__init__: self.attn = attention_class(config) with
        // attention_class = TINY_ATTENTION_CLASSES[config._attn_implementation]
        PyStmt.FunctionDef init = idx.classInfo(TINY + ".TinyBlock").orElseThrow().method("__init__").orElseThrow();
        PyStmt.Assign pick = assertInstanceOf(PyStmt.Assign.class, init.body().get(1));
        PyExpr.Subscript sub = assertInstanceOf(PyExpr.Subscript.class, pick.value());
        assertEquals(Optional.of(TINY + ".TINY_ATTENTION_CLASSES"), idx.resolveExpr(TINY, sub.value()));
        PyStmt.Assign act = assertInstanceOf(PyStmt.Assign.class, init.body().get(3));
        assertEquals(Optional.of("acme.activations.ACT2FN"), idx.resolveExpr(TINY, ((PyExpr.Subscript) act.value()).value()));
    }

    @Test
    void findsClassesBySimpleName() {
        assertEquals(List.of(TINY + ".TinyBlock"), idx.findClassesBySimpleName("TinyBlock"));
        assertEquals(List.of("acme.lazy.dummy_objects.LazyThing", "acme.lazy.impl.LazyThing"), idx.findClassesBySimpleName("LazyThing"));
        assertEquals(List.of(), idx.findClassesBySimpleName("tiny_helper"), "functions are not classes");
        assertEquals(List.of(), idx.findClassesBySimpleName("Nope"));
        assertEquals(List.of(), idx.findClassesBySimpleName("not a name"));
    }

    @Test
    void singleFileSource() {
        SourceIndex one = SourceIndex.open(fixture("single/model.py"));
        assertEquals(Optional.of("model"), one.singleFileModule());
        assertEquals(Set.of("model"), one.moduleNames());
        assertEquals(List.of("model.GPT"), one.findClassesBySimpleName("GPT"), "only the file itself, not layers.GPT");
        assertTrue(one.isSubclassOf("model.GPT", "torch.nn.Module"));
        assertEquals("torch.nn.functional", one.resolveName("model", "F"));
        assertEquals("layers.Block", one.resolveName("model", "Block"), "its directory's files can be imported");
        assertTrue(one.isSubclassOf("layers.Block", "nn.Module"));
        assertEquals(fixture("single/model.py").toString(), one.module("model").orElseThrow().file());
    }

    @Test
    void syntaxErrorsBecomeProblemsAndTheRestIsIndexed() {
        String broken = "acme.models.tiny.broken";
        assertTrue(idx.classInfo(broken + ".StillHere").isPresent());
        assertTrue(idx.isSubclassOf(broken + ".Broken", "torch.nn.Module"));
        List<Diagnostic> errs = idx.problems();
        assertEquals(1, errs.size(), errs.toString());
        Diagnostic d = errs.get(0);
        assertEquals(Severity.ERROR, d.severity());
        assertEquals(7, d.line());
        assertEquals(9, d.column());
        assertTrue(d.toString().endsWith("broken.py:7:9: error: syntax error: unexpected 'return'"), d.toString());
    }

    @Test
    void unknownBasesAndBadImportsAreReportedWithLines() {
        String mod = "acme.models.tiny.problems";
        List<Diagnostic> imports = idx.checkImports(mod);
        List<String> shown = imports.stream().map(x -> x.line() + ":" + x.severity().label() + ":" + x.message())
                .collect(Collectors.toList());
        assertEquals(4, shown.size(), shown.toString());
        assertTrue(shown.get(0).startsWith("1:warning:cannot resolve import: no module 'acme.missing_module'"), shown.get(0));
        assertTrue(shown.get(1).startsWith("2:error:cannot resolve import '....above_top': relative import beyond"), shown.get(1));
        assertEquals("3:warning:cannot resolve import: module 'acme.base' has no name 'NoSuchName'", shown.get(2));
        assertTrue(shown.get(3).startsWith("6:warning:cannot resolve import: no module 'acme.not_there'"), shown.get(3));
        assertTrue(imports.stream().allMatch(x -> x.file().endsWith("problems.py")));

        assertEquals(List.of("UnknownBase"), idx.classInfo(mod + ".Orphan").orElseThrow().bases());
        assertEquals(List.of("base_missing.Thing", "numpy.ndarray"), idx.classInfo(mod + ".AlsoOrphan").orElseThrow().bases());
        idx.classInfo(mod + ".Dangling").orElseThrow();
        List<Diagnostic> bases = idx.problems().stream().filter(x -> x.message().startsWith("unknown base"))
                .collect(Collectors.toList());
        assertEquals(List.of(9, 13, 17), bases.stream().map(Diagnostic::line).collect(Collectors.toList()), bases.toString());
        assertTrue(bases.get(1).message().contains("'base_missing.Thing'"), bases.get(1).message());
        assertEquals(14, bases.get(0).column(), "1-based column of the base expression");
        assertEquals(List.of(), idx.checkImports(TINY), "guarded and external imports are fine");
        assertTrue(idx.problems().containsAll(imports));
    }

    @Test
    void cyclesTerminate() {
        assertTrue(idx.classInfo("acme.cycle_a.Looped").isPresent());
        assertEquals(List.of("acme.cycle_b.Ping", "acme.cycle_b.Pong"), idx.mro("acme.cycle_b.Ping"));
        idx.canonical("acme.cycle_a.Loop");
        idx.checkImports("acme.cycle_b");
        assertTrue(idx.problems().stream().anyMatch(x -> x.file().endsWith("cycle_a.py") && x.line() == 4), idx.problems().toString());
    }

    @Test
    void missingSourceIsAProblemNotAnException() {
        SourceIndex none = SourceIndex.open(Path.of("/definitely/not/here"));
        assertEquals(Set.of(), none.moduleNames());
        assertTrue(none.module("x").isEmpty());
        assertEquals("y", none.resolveName("x", "y"));
        assertEquals(List.of(), none.findClassesBySimpleName("X"));
        assertEquals(1, none.problems().size());
    }
}
