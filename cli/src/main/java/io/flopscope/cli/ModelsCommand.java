package io.flopscope.cli;

import io.flopscope.report.JsonOutput;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flopscope.evaluate.BuiltInModels;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.library.Library;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"List the built-in model configs: name, hub id, architecture, published parameters.",
                "Also whether the built-in library holds the model's analysis (`flopscope info MODEL` counts the parameters from it)."})
final class ModelsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--format", paramLabel = "FMT", description = "text (default) or json.")
    String format = "text";

    @Override public Integer call() throws Exception {
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.matches("text|json")) throw UserError.usage("--format " + format + ": expected text or json");
        var out = spec.commandLine().getOut();
        Library lib = Library.builtIn();
        ArrayNode list = JsonOutput.array();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-24s %-36s %-26s %16s  %s%n",
                "name", "hub id", "architecture", "parameters", "analysis"));
        for (ModelConfig c : BuiltInModels.all()) {
            String n = c.name();
            String arch = c.raw().path("architectures").path(0).asText("");
            Optional<String> root = c.rootClass();
            boolean analysed = root.isPresent() && lib.find(root.get()).isPresent();
            Optional<Long> published = BuiltInModels.publishedParameters(c);
            ObjectNode o = list.addObject();
            o.put("name", n);
            o.put("hub_id", BuiltInModels.hubId(c));
            o.put("architecture", arch);
            o.put("model_type", c.modelType());
            if (root.isPresent()) o.put("class", root.get()); else o.putNull("class");
            Optional<String> approx = BuiltInModels.publishedParametersApprox(c);
            if (published.isPresent()) o.put("published_parameters", published.get()); else o.putNull("published_parameters");
            approx.ifPresent(a -> o.put("published_parameters_approx", a));
            o.put("published_parameters_source", BuiltInModels.publishedParametersSource(c));
            o.put("analysis", analysed);
            o.put("config_source", c.raw().path("_flopscope").path("source").asText(""));
            sb.append(String.format(Locale.ROOT, "%-24s %-36s %-26s %16s  %s%n", n, BuiltInModels.hubId(c), arch,
                    published.map(p -> String.format(Locale.ROOT, "%,d", p)).orElse(approx.map(a -> "≈" + a).orElse("-")), analysed ? "built in" : "none (use --source)"));
        }
        if (fmt.equals("json")) {
            out.print(JsonOutput.write(list));
        } else {
            sb.append("\nparameters: as the publisher states them (the exact count of the published checkpoint); `flopscope info MODEL`\n"
                    + "counts them from the analyses. MODEL may also be a Hugging Face hub id, read offline from the local cache.\n");
            out.print(sb);
        }
        out.flush();
        return ExitCodes.OK;
    }
}
