package io.flopscope.cli;

import io.flopscope.evaluate.BuiltInModels;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "models", mixinStandardHelpOptions = true, description = "List the built-in model configs.")
final class ModelsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override public Integer call() {
        var out = spec.commandLine().getOut();
        for (String n : BuiltInModels.names()) {
            var c = BuiltInModels.find(n).orElseThrow();
            out.printf("%-14s %-32s %s%n", n, c.raw().path("_flopscope").path("hub_id").asText(""), c.rootClass().orElse(""));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
