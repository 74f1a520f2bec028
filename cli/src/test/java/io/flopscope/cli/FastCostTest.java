package io.flopscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** FastCost, the start-up path of `cost`, reads a command line as picocli does, or leaves it to picocli. */
class FastCostTest {

    /** Every field the options set, by path (mixins included); the streams and picocli's spec are not options. */
    static Map<String, Object> state(Object o, String prefix) throws IllegalAccessException {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Field f : o.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || List.of("spec", "out", "err").contains(f.getName())) continue;
            f.setAccessible(true);
            Object v = f.get(o);
            if (v != null && v.getClass().getPackageName().equals(FastCostTest.class.getPackageName())) out.putAll(state(v, prefix + f.getName() + "."));
            else out.put(prefix + f.getName(), v);
        }
        return out;
    }

    static Map<String, Object> picocli(String... args) throws IllegalAccessException {
        CostCommand c = new CostCommand();
        new CommandLine(c).parseArgs(Arrays.copyOfRange(args, 1, args.length));
        return state(c, "");
    }

    static void same(String... args) throws IllegalAccessException {
        CostCommand fast = FastCost.parse(args);
        assertNotNull(fast, "FastCost should parse " + List.of(args));
        assertEquals(picocli(args), state(fast, ""), List.of(args).toString());
    }

    @Test void parsesTheUsualLinesAsPicocliDoes() throws Exception {
        same("cost", "gpt2");
        same("cost");
        same("cost", "gpt2", "--phase", "decode", "--batch", "4", "--cache", "512");
        same("cost", "--seq=1024", "gpt2", "--dtype", "bf16", "--weight-dtype", "int4", "--causal");
        same("cost", "gpt2", "--format", "json", "--out", "x.json", "--depth", "2");
        same("cost", "gpt2", "--depth", "007");
        same("cost", "gpt2", "--library", "a", "--library=b", "--attn", "eager", "--module", "transformers.X");
        same("cost", "gpt2", "--set", "n_layer=2", "--set=x=y", "--batch", "1,2,4", "--seq", "128:1024:x2", "--cache", "0:512:+128");
        same("cost", "x", "--source", "src", "--class", "Foo", "--config", "c.json", "--setup", "s()", "--input", "a=b", "--input", "c=d");
        same("cost", "gpt2", "--batch", "nonsense", "--phase", "sideways", "--format", "pdf");
    }

    @Test void leavesAnythingUnusualToPicocli() {
        String[][] lines = {
            {"cost", "--help"}, {"cost", "-h"}, {"cost", "-V"}, {"cost", "gpt2", "extra"}, {"cost", "gpt2", "--format"},
            {"cost", "gpt2", "--format", "json", "--format", "csv"}, {"cost", "gpt2", "--causal", "--causal"},
            {"cost", "gpt2", "--depth", "x"}, {"cost", "gpt2", "--depth", "99999999999"}, {"cost", "@args.txt"},
            {"cost", "gpt2", "--out", "@x"}, {"cost", "gpt2", "--batch", "-1"}, {"cost", "gpt2", "--depth=-1"},
            {"cost", "gpt2", "--nope", "1"}, {"cost", "gpt2", "--causal=false"}, {"cost", "gpt2", "--causal", "true"},
            {"cost", "--", "gpt2"}, {"cost", "gpt2", "--format="}, {"cost", ""}, {"cost", "gpt2", "--Format", "json"},
        };
        for (String[] l : lines) assertNull(FastCost.parse(l), List.of(l).toString());
    }

    /** A new option must be added to FastCost, or `cost` lines that use it start picocli (slow, still right). */
    @Test void knowsEveryOptionOfCost() throws Exception {
        List<String> missing = new ArrayList<>();
        for (OptionSpec o : new CommandLine(new CostCommand()).getCommandSpec().options()) {
            if (o.usageHelp() || o.versionHelp()) continue;
            String name = o.longestName();
            String[] line = o.arity().max() == 0 ? new String[] {"cost", "gpt2", name} : new String[] {"cost", "gpt2", name, "3"};
            if (FastCost.parse(line) == null) missing.add(name);
            else same(line);
        }
        assertEquals(List.of(), missing, "options FastCost does not parse");
    }

    /** A line parsed by FastCost and the same line through picocli print the same report and exit alike. */
    @Test void bothPathsGiveTheSameResult() {
        // "--depth=-1" (the default depth) sends the line to picocli
        for (String[] extra : new String[][] {{}, {"--format", "json"}, {"--phase", "decode", "--batch", "2"}, {"--batch", "0"}, {"--attn", "flash"}}) {
            List<String> fast = new ArrayList<>(List.of("cost", "gpt2"));
            fast.addAll(List.of(extra));
            List<String> slow = new ArrayList<>(fast);
            slow.add("--depth=-1");
            assertNotNull(FastCost.parse(fast.toArray(String[]::new)));
            assertNull(FastCost.parse(slow.toArray(String[]::new)));
            assertEquals(CliTest.run(slow.toArray(String[]::new)), CliTest.run(fast.toArray(String[]::new)), fast.toString());
        }
        assertEquals(CliTest.run("cost", "no-such-model", "--depth=-1"), CliTest.run("cost", "no-such-model"));
    }
}
