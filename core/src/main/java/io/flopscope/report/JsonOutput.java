package io.flopscope.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flopscope.evaluate.JsonTrees;

/**
 * Indented JSON for the reports, in the layout of Jackson's default pretty printer but without an ObjectMapper
 * ({@link JsonTrees#writeIndented}): starting one took longer than the rest of {@code cost --format json}.
 * {@code JsonOutputTest} checks the text against Jackson's.
 */
public final class JsonOutput {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonOutput() {}

    public static ObjectNode object() { return NODES.objectNode(); }

    public static ArrayNode array() { return NODES.arrayNode(); }

    /** The node as indented JSON followed by a newline. */
    public static String write(JsonNode node) { return JsonTrees.writeIndented(node) + "\n"; }
}
