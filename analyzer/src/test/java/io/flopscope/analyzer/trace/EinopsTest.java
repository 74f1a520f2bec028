package io.flopscope.analyzer.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flopscope.formula.Poly;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EinopsTest {
    static final Poly B = Poly.symbol("batch_size"), L = Poly.symbol("seq_len"), D = Poly.constant(128);

    @Test
    void rearrangePermutesAndGroups() {
        Einops.Result swap = Einops.apply("b l d -> b d l", List.of(B, L, D), Map.of());
        assertEquals(List.of(B, D, L), swap.shape());
        assertTrue(swap.permuted());
        // a split group takes the size the others leave; keeping the order is a reshape, not a permute
        Einops.Result split = Einops.apply("b l (h d) -> b l h d", List.of(B, L, D), Map.of("h", Poly.constant(4)));
        assertEquals(List.of(B, L, Poly.constant(4), Poly.constant(32)), split.shape());
        assertFalse(split.permuted());
        Einops.Result merge = Einops.apply("b h l d -> b l (h d)", List.of(B, Poly.constant(4), L, Poly.constant(32)), Map.of());
        assertEquals(List.of(B, L, D), merge.shape());
        assertTrue(merge.permuted() && merge.copies(), "a merge after a permute copies");
        assertFalse(swap.copies(), "a permute alone is a view");
        assertEquals(List.of(B, L, D), Einops.apply("... d -> ... d", List.of(B, L, D), Map.of()).shape());
    }

    @Test
    void repeatTakesNewAxesFromKeywords() {
        assertEquals(List.of(D, Poly.constant(16)), Einops.apply("n -> d n", List.of(Poly.constant(16)), Map.of("d", D)).shape());
        Unanalysable u = assertThrows(Unanalysable.class, () -> Einops.apply("n -> d n", List.of(Poly.constant(16)), Map.of()));
        assertTrue(u.getMessage().contains("axis d has no size"), u.getMessage());
    }

    @Test
    void einsumNamesBecomeLetters() {
        assertEquals("abc,cd->abcd", Einops.torchEquation("b l d_in, d_in n -> b l d_in n"));
        assertEquals("abc,ac->ab", Einops.torchEquation("b d_in n, b n -> b d_in"));
    }
}
