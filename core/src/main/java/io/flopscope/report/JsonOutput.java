package io.flopscope.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Indented JSON for the reports, written as Jackson's default pretty printer writes it ({@code "key" : value}, two
 * spaces a level, arrays on one line as {@code [ 1, 2 ]}) but without an ObjectMapper: starting one took longer than
 * the rest of {@code cost --format json}. {@code JsonOutputTest} checks the text against Jackson's.
 */
public final class JsonOutput {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private JsonOutput() {}

    public static ObjectNode object() { return NODES.objectNode(); }

    public static ArrayNode array() { return NODES.arrayNode(); }

    /** The node as indented JSON followed by a newline. */
    public static String write(JsonNode node) {
        StringBuilder sb = new StringBuilder(4096);
        value(node, 0, sb);
        return sb.append('\n').toString();
    }

    /** {@code level}: how many objects enclose the value (arrays stay on their line and add no indentation). */
    private static void value(JsonNode n, int level, StringBuilder sb) {
        switch (n.getNodeType()) {
            case OBJECT -> {
                if (n.isEmpty()) {
                    sb.append("{ }");
                    return;
                }
                sb.append('{');
                boolean first = true;
                for (var it = n.fields(); it.hasNext(); ) {
                    var e = it.next();
                    if (!first) sb.append(',');
                    first = false;
                    newline(level + 1, sb);
                    string(e.getKey(), sb);
                    sb.append(" : ");
                    value(e.getValue(), level + 1, sb);
                }
                newline(level, sb);
                sb.append('}');
            }
            case ARRAY -> {
                if (n.isEmpty()) {
                    sb.append("[ ]");
                    return;
                }
                sb.append("[ ");
                for (int i = 0; i < n.size(); i++) {
                    if (i > 0) sb.append(", ");
                    value(n.get(i), level, sb);
                }
                sb.append(" ]");
            }
            case STRING -> string(n.textValue(), sb);
            case BOOLEAN -> sb.append(n.booleanValue());
            case NULL, MISSING -> sb.append("null");
            case NUMBER -> number(n, sb);
            default -> throw new IllegalArgumentException("no JSON text for a " + n.getNodeType() + " node");
        }
    }

    private static void number(JsonNode n, StringBuilder sb) {
        if (n.isIntegralNumber()) sb.append(n.bigIntegerValue());
        else if (n.isBigDecimal()) sb.append(n.decimalValue());
        else if (n.isFloat()) {
            float f = n.floatValue();
            if (Float.isFinite(f)) sb.append(f);
            else string(Float.toString(f), sb); // as Jackson writes a non-finite number: quoted
        } else {
            double d = n.doubleValue();
            if (Double.isFinite(d)) sb.append(d);
            else string(Double.toString(d), sb);
        }
    }

    private static void newline(int level, StringBuilder sb) {
        sb.append('\n');
        for (int i = 0; i < level; i++) sb.append("  ");
    }

    private static void string(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\t' -> sb.append("\\t");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20) sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 15]);
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
