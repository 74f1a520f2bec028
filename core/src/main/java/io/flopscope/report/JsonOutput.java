package io.flopscope.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Indented JSON for the reports. The mapper starts on first use: text output never pays for it. */
public final class JsonOutput {
    private JsonOutput() {}

    private static final class Holder {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    public static ObjectMapper mapper() { return Holder.MAPPER; }

    public static ObjectNode object() { return Holder.MAPPER.createObjectNode(); }

    /** The node as indented JSON followed by a newline. */
    public static String write(JsonNode node) {
        try {
            return Holder.MAPPER.writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
