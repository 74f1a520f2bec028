package io.flopscope.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Parses the usual {@code cost} command lines without picocli: loading picocli (its classes are too old for the
 * class-data-sharing archive) and building its model by reflection take longer than costing GPT-2. Anything
 * unusual (help, an unknown or repeated option, a missing value, a value that starts with '-' or '@', a bad
 * number) returns null, and picocli parses the line and reports the problem. FastCostTest checks that both
 * parsers set the same fields.
 */
final class FastCost {
    private FastCost() {}

    /** The command with its options set from {@code args} (args[0] is "cost"), or null when picocli must parse them. */
    static CostCommand parse(String[] args) {
        CostCommand c = new CostCommand();
        Set<String> seen = new HashSet<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.isEmpty() || a.charAt(0) == '@') return null;
            if (a.charAt(0) != '-') {
                if (c.model != null) return null;
                c.model = a;
                continue;
            }
            if (a.equals("--causal")) {
                // picocli may read a following true/false as the flag's value
                if (!seen.add(a) || (i + 1 < args.length && (args[i + 1].equalsIgnoreCase("true") || args[i + 1].equalsIgnoreCase("false")))) return null;
                c.scenario.causal = true;
                continue;
            }
            int eq = a.indexOf('=');
            String name = eq > 0 ? a.substring(0, eq) : a;
            String value;
            if (eq > 0) value = a.substring(eq + 1);
            else if (i + 1 < args.length) value = args[++i];
            else return null;
            if (value.isEmpty() || value.charAt(0) == '-' || value.charAt(0) == '@') return null;
            if (!set(c, name, value, seen)) return null;
        }
        return c;
    }

    private static boolean set(CostCommand c, String name, String value, Set<String> seen) {
        try {
            switch (name) {
                case "--library": c.library.libraries.add(Path.of(value)); return true;
                case "--set": c.sourceOptions.sets.add(value); return true;
                case "--input": c.sourceOptions.inputs.add(value); return true;
                default: break;
            }
            if (!seen.add(name)) return false;
            switch (name) {
                case "--module": c.module = value; return true;
                case "--format": c.format = value; return true;
                case "--out": c.outFile = Path.of(value); return true;
                case "--depth": c.depth = Integer.valueOf(value); return true;
                case "--source": c.source = Path.of(value); return true;
                case "--class": c.sourceOptions.className = value; return true;
                case "--config-class": c.sourceOptions.configClass = value; return true;
                case "--config": c.sourceOptions.config = Path.of(value); return true;
                case "--setup": c.sourceOptions.setup = value; return true;
                case "--experts": c.sourceOptions.experts = value; return true;
                case "--attn": c.library.attn = value; return true;
                case "--phase": c.scenario.phase = value; return true;
                case "--batch": c.scenario.batch(value); return true;
                case "--seq": c.scenario.seq(value); return true;
                case "--cache": c.scenario.cache(value); return true;
                case "--dtype": c.scenario.dtype = value; return true;
                case "--weight-dtype": c.scenario.weightDtype = value; return true;
                default: return false;
            }
        } catch (NumberFormatException | InvalidPathException e) {
            return false;
        }
    }
}
