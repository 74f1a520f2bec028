package io.flopscope.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FlopScope's own JSON reader gives the tree Jackson gives, and its writer reads back to the same tree. */
class JsonTreesTest {
    /** Jackson as FlopScope used it before: integers as BigIntegers, other numbers as exact decimals. */
    private static final ObjectMapper JACKSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS, DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true)).build();

    private static String resource(String path) throws IOException {
        try (InputStream in = JsonTreesTest.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing " + path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Every config and family-defaults file FlopScope ships. */
    private static List<String> shippedJson() throws IOException {
        List<String> out = new ArrayList<>();
        for (String n : BuiltInModels.names()) out.add(resource("/io/flopscope/models/" + n + ".json"));
        for (String f : List.of("bert", "gemma", "gpt2", "llama", "mistral", "mixtral", "opt", "phi3", "qwen2")) out.add(resource("/io/flopscope/config/" + f + ".json"));
        return out;
    }

    @Test void shippedFilesParseAsJacksonParsesThem() throws IOException {
        List<String> files = shippedJson();
        assertTrue(files.size() > 30, "configs and family files found: " + files.size());
        for (String text : files) {
            JsonNode ours = JsonTrees.parse(text);
            assertEquals(JACKSON.readTree(text), ours, text);
            assertEquals(ours, JsonTrees.parse(JsonTrees.write(ours)), "written and read back");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{}", "[]", "0", "-0", "12", "-7", "123456789012345678901234567890", "0.5", "-1.25e-3", "1E+5", "2e10", "1.0", "1.50",
        "true", "false", "null", "\"\"", "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"", "\"\\u00e9\\u4e2d\\ud83d\\ude00\"", "\"héllo 中\"",
        " { \"a\" : [ 1 , 2.5 , { \"b\" : null } ] , \"c\" : true } ", "{\"k\":1,\"k\":2}", "[[[[[]]]]]", "\n\t\r [1]\n",
    })
    void valuesParseAsJacksonParsesThem(String text) throws IOException {
        JsonNode ours = JsonTrees.parse(text);
        assertEquals(JACKSON.readTree(text), ours);
        assertEquals(ours, JsonTrees.parse(JsonTrees.write(ours)));
    }

    @Test void controlCharactersAreEscapedWhenWritten() throws IOException {
        JsonNode s = JsonTrees.parse("\"a\\u0001b\\nc\"");
        assertEquals("\"a\\u0001b\\nc\"", JsonTrees.write(s));
        assertEquals(s, JsonTrees.parse(JsonTrees.write(s)));
    }

    @Test void aByteOrderMarkIsSkipped() throws IOException {
        assertEquals(JsonTrees.parse("{\"a\":1}"), JsonTrees.parse("\uFEFF{\"a\":1}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "   ", "{", "[1,", "{\"a\" 1}", "{\"a\":1,}", "[1,]", "{a:1}", "'x'", "01", "1.", ".5", "-", "1e", "+1",
        "NaN", "Infinity", "-Infinity", "tru", "nul", "\"abc", "\"a\nb\"", "\"\\x\"", "\"\\u12\"", "[1] 2", "{\"a\":1}}",
    })
    void malformedInputIsRefused(String text) {
        assertThrows(IOException.class, () -> JsonTrees.parse(text));
        assertThrows(Exception.class, () -> JACKSON.readTree(text).require(), "Jackson refuses it too");
    }

    @Test void errorsSayWhere() {
        IOException e = assertThrows(IOException.class, () -> JsonTrees.parse("{\n  \"a\": 1,\n  \"b\" 2\n}"));
        assertEquals("expected ':' at line 3, column 7", e.getMessage());
    }

    @Test void deepNestingIsRefusedNotOverflowed() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        IOException e = assertThrows(IOException.class, () -> JsonTrees.parse(deep));
        assertTrue(e.getMessage().startsWith("nesting deeper than"), e.getMessage());
    }

    @Test void everyBuiltInConfigIsRestoredFromWhatItWrites() {
        for (ModelConfig c : BuiltInModels.all()) {
            ModelConfig back = ModelConfig.restore(c.name(), c.rawJson(), c.familyJson());
            assertEquals(c.raw(), back.raw(), c.name());
            assertEquals(c.rootClass(), back.rootClass(), c.name());
            assertEquals(c.torchDtype(), back.torchDtype(), c.name());
            for (String f : List.of("n_embd", "hidden_size", "n_inner", "intermediate_size", "num_attention_heads", "num_key_value_heads", "head_dim",
                    "vocab_size", "num_hidden_layers", "n_layer", "layer_norm_epsilon", "rms_norm_eps", "moe_experts_hit")) {
                assertEquals(c.value(f), back.value(f), c.name() + " " + f);
                assertEquals(c.literal(f), back.literal(f), c.name() + " " + f);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.restore("x", "{", "{}"));
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.restore("x", "[]", "{}"));
    }
}
