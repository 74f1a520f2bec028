package io.flopscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** ModelLoader's hand-written name checks accept exactly what the patterns they replace accept. */
class ModelNamesTest {
    @Test void hubIdsAndBareNamesAsThePatterns() {
        Pattern hub = Pattern.compile("[A-Za-z0-9][\\w.-]*/[\\w.-]+");
        Pattern bare = Pattern.compile("[A-Za-z0-9][\\w.-]*");
        String[] names = {"gpt2", "openai-community/gpt2", "meta-llama/Llama-2-7b-hf", "t5-small", "a", "A/b", "a/", "/a", "a//b", "a/b/c",
            "_a", ".a", "-a", "a_b.c-d", "a b", "a/b c", "Llama-3.2-1B", "ünïcode", "a/ü", "", "/", "x/..", "..", "a/-", "9/9", "a:b", "a\\b"};
        for (String n : names) {
            assertEquals(hub.matcher(n).matches(), ModelLoader.isHubId(n), "hub id: " + n);
            assertEquals(bare.matcher(n).matches(), ModelLoader.isBareName(n), "bare name: " + n);
        }
    }
}
