package io.flopscope.evaluate;

import io.flopscope.diag.Diagnostic;
import io.flopscope.document.ModuleAnalysis;
import io.flopscope.formula.Rational;
import io.flopscope.library.ConfigCondition;
import io.flopscope.library.Library;
import io.flopscope.library.LibraryEntry;
import io.flopscope.resolve.CostNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks the config conditions an analysis states (docs/document-format.md, "Conditions") against the config it is
 * used with: picks the library's variants, and warns where a document is used outside what it was derived for.
 */
public final class ConfigConditions {
    private ConfigConditions() {}

    public static ConfigCondition.ConfigValues of(ModelConfig config) {
        return new ConfigCondition.ConfigValues() {
            @Override public Optional<Rational> number(String field) {
                try {
                    return config.value(field);
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }

            @Override public Optional<String> literal(String field) { return config.literal(field); }
        };
    }

    /** How many of the analysis's conditions this config violates (unknown ones do not count). */
    public static int violations(ModuleAnalysis a, ConfigCondition.ConfigValues values) {
        int n = 0;
        for (String c : a.conditions()) {
            Optional<ConfigCondition> cc = ConfigCondition.parse(c);
            if (cc.isPresent() && cc.get().check(values) == ConfigCondition.Verdict.FAILS) n++;
        }
        // a formula that reads a config field this config does not give (sliding_window for a config whose is null)
        // cannot hold for it either
        java.util.regex.Matcher m = CONFIG_FIELD.matcher(a.kernels().toString() + a.variables().stream().filter(v -> v.formula() != null).toList());
        java.util.Set<String> missing = new java.util.HashSet<>();
        while (m.find()) if (values.number(m.group(1)).isEmpty() && values.literal(m.group(1)).filter(l -> !l.equals("None")).isEmpty()) missing.add(m.group(1));
        return n + missing.size();
    }

    private static final java.util.regex.Pattern CONFIG_FIELD = java.util.regex.Pattern.compile("\\bconfig\\.([A-Za-z_][A-Za-z0-9_]*)");

    /** Makes the library pick, for each class with variants, the analysis that fits this config best. */
    public static void selectVariants(Library library, ModelConfig config) {
        ConfigCondition.ConfigValues v = of(config);
        library.preferVariants(a -> violations(a, v));
    }

    /** One warning per violated condition of every analysis in the tree (each class once). */
    public static List<Diagnostic> check(CostNode root, Library library, ModelConfig config) {
        ConfigCondition.ConfigValues v = of(config);
        List<Diagnostic> out = new ArrayList<>();
        for (String cls : root.classes()) {
            Optional<LibraryEntry> e = library.find(cls);
            if (e.isEmpty()) continue;
            ModuleAnalysis a = e.get().analysis();
            for (String c : a.conditions()) {
                Optional<ConfigCondition> cc = ConfigCondition.parse(c);
                if (cc.isEmpty() || cc.get().check(v) != ConfigCondition.Verdict.FAILS) continue;
                String actual = cc.get().actual(v).orElse("?");
                out.add(Diagnostic.warning(e.get().file(), 0, a.simpleName() + " was analysed for configs where `" + cc.get().formula() + "` is "
                        + cc.get().expected() + "; this config gives " + actual + ", so its numbers may not hold (analyse the source with --source DIR)"));
            }
        }
        return out;
    }
}
