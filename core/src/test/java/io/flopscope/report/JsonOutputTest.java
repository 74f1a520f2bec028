package io.flopscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flopscope.evaluate.BuiltInModels;
import io.flopscope.evaluate.Dtype;
import io.flopscope.evaluate.Evaluator;
import io.flopscope.evaluate.ModelConfig;
import io.flopscope.evaluate.Phase;
import io.flopscope.evaluate.Scenario;
import io.flopscope.library.Library;
import io.flopscope.resolve.Resolver;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The reports' JSON writer prints exactly what Jackson's default pretty printer prints. */
class JsonOutputTest {
    private static final ObjectMapper JACKSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private static String jackson(JsonNode n) throws Exception { return JACKSON.writeValueAsString(n) + "\n"; }

    /** Characters that need escaping, and some that do not (non-ASCII, DEL, the line separator). */
    private static final String CHARS = "a\"\\/\b\t\n\f\r\u0000\u0001\u001f\u007f é中\u2028😀:,{}[]";

    private static String text(Random r) {
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(8); i > 0; i--) sb.append(CHARS.charAt(r.nextInt(CHARS.length())));
        return sb.toString();
    }

    private static JsonNode tree(Random r, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        int kind = r.nextInt(depth <= 0 ? 11 : 14);
        switch (kind) {
            case 0: return f.numberNode(r.nextInt());
            case 1: return f.numberNode(r.nextLong());
            case 2: return f.numberNode(new BigInteger(130, r).negate());
            case 3: return f.numberNode(new BigDecimal(BigInteger.valueOf(r.nextLong()), r.nextInt(40) - 20));
            case 4: return f.numberNode(List.of(0.1, 1e-7, 1e21, 123456.789, -0.0, 3.0, Double.NaN, Double.POSITIVE_INFINITY).get(r.nextInt(8)));
            case 5: return f.numberNode(r.nextDouble() * Math.pow(10, r.nextInt(40) - 20));
            case 6: return f.numberNode(r.nextFloat());
            case 7: return f.textNode(text(r));
            case 8: return f.booleanNode(r.nextBoolean());
            case 9: return f.nullNode();
            case 10: return r.nextBoolean() ? f.objectNode() : f.arrayNode();
            case 11: case 12: {
                ObjectNode o = f.objectNode();
                for (int i = r.nextInt(4); i > 0; i--) o.set(text(r), tree(r, depth - 1));
                return o;
            }
            default: {
                ArrayNode a = f.arrayNode();
                for (int i = r.nextInt(4); i > 0; i--) a.add(tree(r, depth - 1));
                return a;
            }
        }
    }

    @Property(tries = 500)
    void randomTreesPrintAsJacksonPrintsThem(@ForAll long seed) throws Exception {
        JsonNode n = tree(new Random(seed), 4);
        assertEquals(jackson(n), JsonOutput.write(n));
    }

    @Test void costReportsPrintAsJacksonPrintsThem() throws Exception {
        for (String name : List.of("gpt2", "Llama-2-7b-hf", "Mixtral-8x7B-v0.1", "bert-base-uncased")) {
            ModelConfig c = BuiltInModels.find(name).orElseThrow();
            Library lib = Library.builtIn();
            io.flopscope.evaluate.ConfigConditions.selectVariants(lib, c);
            var res = new Resolver(lib, false).resolve(c.rootClass().orElseThrow());
            // int4 weights make half bytes: exact decimals in the report
            Scenario s = new Scenario(Phase.PREFILL, 3, 63, 0, Dtype.parse("int4").orElseThrow(), Dtype.BF16, Dtype.BF16);
            var tree = EvaluatedNode.of(res.root(), new Evaluator(s, c));
            CostReport report = new CostReport(name, s, false, tree, res.root().unknowns(), -1);
            assertEquals(jackson(report.jsonTree()), report.json(), name);
        }
    }
}
