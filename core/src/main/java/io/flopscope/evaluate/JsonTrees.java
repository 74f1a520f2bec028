package io.flopscope.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * JSON text (RFC 8259) to and from Jackson's tree, by code of our own. Reading: configs are read at the start of every
 * command, where starting Jackson's parser (its factory, symbol tables and number parsing, which compiles a regular
 * expression) cost more than the rest of reading the config. Integers become BigIntegerNodes and other numbers exact
 * DecimalNodes; a repeated key keeps its last value (as Jackson does by default); NaN and Infinity, which Python's
 * json module writes but JSON does not allow, are refused. Writing: compact text for stored configs, and the layout of
 * Jackson's default pretty printer for the reports (an ObjectMapper took longer to start than a whole report).
 */
public final class JsonTrees {
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private final String text;
    private int pos;

    private JsonTrees(String text) { this.text = text; }

    static JsonNode parse(String text) throws IOException {
        JsonTrees p = new JsonTrees(text);
        if (text.startsWith("\uFEFF")) p.pos = 1; // a byte-order mark some editors write
        p.skipSpace();
        if (p.pos >= text.length()) throw new IOException("empty input");
        JsonNode n = p.value(0);
        p.skipSpace();
        if (p.pos < text.length()) throw p.error("trailing content after the JSON value");
        return n;
    }

    static ObjectNode emptyObject() { return NODES.objectNode(); }

    /** The tree as compact JSON that {@link #parse} reads back to an equal tree (numbers keep their exact digits). */
    static String write(JsonNode n) {
        StringBuilder sb = new StringBuilder();
        print(n, -1, sb);
        return sb.toString();
    }

    /**
     * The tree as Jackson's default pretty printer writes it ({@code "key" : value}, two spaces a level, arrays on one
     * line as {@code [ 1, 2 ]}), for the reports ({@code report.JsonOutput}), without starting an ObjectMapper.
     */
    /**
     * A JSON syntax error in a user's words: what was wrong and where (line and column), without the parser's
     * internals (its class names, "[Source: ...]").
     */
    public static String describe(IOException e) {
        String what = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        if (what == null) what = "syntax error";
        what = what.lines().findFirst().orElse("syntax error").replaceAll("\\s*\\(start marker at \\[Source:[^\\]]*\\][^)]*\\)", "")
                .replaceAll("\\s*\\[Source:[^\\]]*\\]", "").replaceAll("\\s*\\(code \\d+\\)", "").strip();
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null && j.getLocation().getLineNr() > 0) {
            what += " at line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr();
        }
        return what;
    }

    public static String writeIndented(JsonNode n) {
        StringBuilder sb = new StringBuilder(4096);
        print(n, 0, sb);
        return sb.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /**
     * {@code level}: -1 for compact text; else how many objects enclose the value (arrays stay on their line and add
     * no indentation, as in Jackson's layout).
     */
    private static void print(JsonNode n, int level, StringBuilder sb) {
        boolean compact = level < 0;
        switch (n.getNodeType()) {
            case OBJECT -> {
                if (n.isEmpty()) {
                    sb.append(compact ? "{}" : "{ }");
                    return;
                }
                sb.append('{');
                boolean first = true;
                for (var it = n.fields(); it.hasNext(); ) {
                    var e = it.next();
                    if (!first) sb.append(',');
                    first = false;
                    newline(level + 1, sb);
                    printString(e.getKey(), sb);
                    sb.append(compact ? ":" : " : ");
                    print(e.getValue(), compact ? level : level + 1, sb);
                }
                newline(level, sb);
                sb.append('}');
            }
            case ARRAY -> {
                if (n.isEmpty()) {
                    sb.append(compact ? "[]" : "[ ]");
                    return;
                }
                sb.append(compact ? "[" : "[ ");
                for (int i = 0; i < n.size(); i++) {
                    if (i > 0) sb.append(compact ? "," : ", ");
                    print(n.get(i), level, sb);
                }
                sb.append(compact ? "]" : " ]");
            }
            case STRING -> printString(n.textValue(), sb);
            case BOOLEAN -> sb.append(n.booleanValue());
            case NULL, MISSING -> sb.append("null");
            case NUMBER -> printNumber(n, sb);
            default -> throw new IllegalArgumentException("no JSON text for a " + n.getNodeType() + " node");
        }
    }

    private static void printNumber(JsonNode n, StringBuilder sb) {
        if (n.isIntegralNumber()) sb.append(n.bigIntegerValue());
        else if (n.isBigDecimal()) sb.append(n.decimalValue());
        else if (n.isFloat()) {
            float f = n.floatValue();
            if (Float.isFinite(f)) sb.append(f);
            else printString(Float.toString(f), sb); // as Jackson writes a non-finite number: quoted
        } else {
            double d = n.doubleValue();
            if (Double.isFinite(d)) sb.append(d);
            else printString(Double.toString(d), sb);
        }
    }

    /** A line break and the indentation of {@code level}; nothing in compact text. */
    private static void newline(int level, StringBuilder sb) {
        if (level < 0) return;
        sb.append('\n');
        for (int i = 0; i < level; i++) sb.append("  ");
    }

    private static void printString(String s, StringBuilder sb) {
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

    /** Deep enough for any config; a bound keeps a hostile file from overflowing the stack. */
    private static final int MAX_DEPTH = 1000;

    private JsonNode value(int depth) throws IOException {
        if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
        if (pos >= text.length()) throw error("unexpected end of input");
        char c = text.charAt(pos);
        switch (c) {
            case '{': return object(depth);
            case '[': return array(depth);
            case '"': return NODES.textNode(string());
            case 't': literal("true"); return NODES.booleanNode(true);
            case 'f': literal("false"); return NODES.booleanNode(false);
            case 'n': literal("null"); return NODES.nullNode();
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return number();
                throw error("unexpected character '" + c + "'");
        }
    }

    private ObjectNode object(int depth) throws IOException {
        ObjectNode o = NODES.objectNode();
        pos++; // '{'
        skipSpace();
        if (peek() == '}') { pos++; return o; }
        while (true) {
            skipSpace();
            if (peek() != '"') throw error("expected a field name in double quotes");
            String name = string();
            skipSpace();
            expect(':');
            skipSpace();
            o.set(name, value(depth + 1));
            skipSpace();
            char c = peek();
            pos++;
            if (c == '}') return o;
            if (c != ',') { pos--; throw error("expected ',' or '}'"); }
        }
    }

    private ArrayNode array(int depth) throws IOException {
        ArrayNode a = NODES.arrayNode();
        pos++; // '['
        skipSpace();
        if (peek() == ']') { pos++; return a; }
        while (true) {
            skipSpace();
            a.add(value(depth + 1));
            skipSpace();
            char c = peek();
            pos++;
            if (c == ']') return a;
            if (c != ',') { pos--; throw error("expected ',' or ']'"); }
        }
    }

    private String string() throws IOException {
        pos++; // opening quote
        StringBuilder sb = null;
        int start = pos;
        while (true) {
            if (pos >= text.length()) throw error("unterminated string");
            char c = text.charAt(pos);
            if (c == '"') {
                String s = sb == null ? text.substring(start, pos) : sb.append(text, start, pos).toString();
                pos++;
                return s;
            }
            if (c < 0x20) throw error("control character in a string");
            if (c != '\\') { pos++; continue; }
            if (sb == null) sb = new StringBuilder();
            sb.append(text, start, pos);
            if (pos + 1 >= text.length()) throw error("unterminated string");
            char e = text.charAt(pos + 1);
            pos += 2;
            switch (e) {
                case '"': sb.append('"'); break;
                case '\\': sb.append('\\'); break;
                case '/': sb.append('/'); break;
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'n': sb.append('\n'); break;
                case 'r': sb.append('\r'); break;
                case 't': sb.append('\t'); break;
                case 'u': {
                    if (pos + 4 > text.length()) throw error("incomplete \\u escape");
                    int v = 0;
                    for (int i = 0; i < 4; i++) {
                        int d = Character.digit(text.charAt(pos + i), 16);
                        if (d < 0) throw error("bad \\u escape");
                        v = v * 16 + d;
                    }
                    sb.append((char) v);
                    pos += 4;
                    break;
                }
                default: pos -= 2; throw error("bad escape \\" + e);
            }
            start = pos;
        }
    }

    /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
    private JsonNode number() throws IOException {
        int start = pos;
        if (peek() == '-') pos++;
        if (peek() == '0') pos++;
        else if (!digits()) throw error("bad number");
        boolean integral = true;
        if (peek() == '.') {
            pos++;
            integral = false;
            if (!digits()) throw error("bad number: digits expected after '.'");
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            integral = false;
            if (peek() == '+' || peek() == '-') pos++;
            if (!digits()) throw error("bad number: digits expected in the exponent");
        }
        String s = text.substring(start, pos);
        return integral ? NODES.numberNode(new BigInteger(s)) : NODES.numberNode(new BigDecimal(s));
    }

    private boolean digits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') pos++;
        return pos > start;
    }

    private void literal(String word) throws IOException {
        if (!text.startsWith(word, pos)) throw error("unexpected token (expected " + word + ")");
        pos += word.length();
    }

    private void expect(char c) throws IOException {
        if (peek() != c) throw error("expected '" + c + "'");
        pos++;
    }

    /** The next character, or 0 at the end. */
    private char peek() { return pos < text.length() ? text.charAt(pos) : 0; }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            pos++;
        }
    }

    private IOException error(String what) {
        int line = 1, col = 1;
        for (int i = 0; i < pos && i < text.length(); i++) {
            if (text.charAt(i) == '\n') { line++; col = 1; } else col++;
        }
        return new IOException(what + " at line " + line + ", column " + col);
    }
}
