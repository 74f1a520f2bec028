package io.flopscope.analyzer.trace;

import io.flopscope.formula.Poly;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * einops patterns ("b (h d) l -> b h l d", "n -> d n"): the shape a rearrange or repeat gives, whether it permutes,
 * and einops.einsum's named-axis equation as torch.einsum's one-letter one.
 */
final class Einops {
    private Einops() {}

    /** permuted: the axes change order; copies: a permute followed by a merge of axes, which reshape has to copy. */
    record Result(List<Poly> shape, boolean permuted, boolean copies) {}

    /** One side of a pattern: each item a list of axis names (a group), "..." or "1". */
    private static List<List<String>> side(String text) {
        List<List<String>> out = new ArrayList<>();
        String t = text.strip();
        int i = 0;
        while (i < t.length()) {
            char c = t.charAt(i);
            if (Character.isWhitespace(c)) { i++; continue; }
            if (c == '(') {
                int close = t.indexOf(')', i);
                if (close < 0) throw new Unanalysable("einops pattern `" + text + "`: unclosed (");
                List<String> g = new ArrayList<>();
                for (String n : t.substring(i + 1, close).strip().split("\\s+")) if (!n.isEmpty()) g.add(n);
                out.add(g);
                i = close + 1;
                continue;
            }
            int j = i;
            while (j < t.length() && !Character.isWhitespace(t.charAt(j)) && t.charAt(j) != '(') j++;
            out.add(List.of(t.substring(i, j)));
            i = j;
        }
        return out;
    }

    static Result apply(String pattern, List<Poly> in, Map<String, Poly> given) {
        String[] sides = pattern.split("->");
        if (sides.length != 2) throw new Unanalysable("einops pattern `" + pattern + "` needs one ->");
        List<List<String>> left = side(sides[0]), right = side(sides[1]);
        Map<String, Poly> size = new LinkedHashMap<>(given);
        List<Poly> ellipsis = List.of();
        int ellipsisRank = in.size() - (int) left.stream().filter(g -> !g.equals(List.of("..."))).count();
        if (ellipsisRank < 0 || ellipsisRank > 0 && left.stream().noneMatch(g -> g.equals(List.of("..."))))
            throw new Unanalysable("einops pattern `" + pattern + "` does not match a tensor of rank " + in.size());
        List<String> order = new ArrayList<>();
        int at = 0;
        for (List<String> g : left) {
            if (g.equals(List.of("..."))) { ellipsis = in.subList(at, at + ellipsisRank); at += ellipsisRank; order.add("..."); continue; }
            Poly d = in.get(at++);
            if (g.size() == 1) {
                if (!g.get(0).equals("1")) { size.putIfAbsent(g.get(0), d); order.add(g.get(0)); }
                continue;
            }
            // a group: at most one member without a given size takes the rest
            Poly known = Poly.ONE;
            String unknown = null;
            for (String n : g) {
                order.add(n);
                if (size.containsKey(n)) known = known.multiply(size.get(n));
                else if (unknown == null) unknown = n;
                else throw new Unanalysable("einops group (" + String.join(" ", g) + "): give the sizes of all but one");
            }
            if (unknown != null) size.put(unknown, d.divide(known));
        }
        List<Poly> out = new ArrayList<>();
        List<String> outOrder = new ArrayList<>();
        for (List<String> g : right) {
            if (g.equals(List.of("..."))) { out.addAll(ellipsis); outOrder.add("..."); continue; }
            Poly p = Poly.ONE;
            for (String n : g) {
                if (n.equals("1")) continue;
                Poly d = size.get(n);
                if (d == null) throw new Unanalysable("einops axis " + n + " has no size (give it as a keyword)");
                p = p.multiply(d);
                if (order.contains(n)) outOrder.add(n);
            }
            out.add(p);
        }
        List<String> kept = new ArrayList<>(order);
        kept.retainAll(outOrder);
        boolean permuted = !kept.equals(outOrder);
        boolean merges = right.stream().anyMatch(g -> g.stream().filter(n -> !n.equals("1")).count() > 1);
        return new Result(out, permuted, permuted && merges);
    }

    /** "b l d_in, d_in n -> b l d_in n" as "abc,cd->abcd". */
    static String torchEquation(String pattern) {
        Map<String, Character> letter = new LinkedHashMap<>();
        StringBuilder sb = new StringBuilder();
        String[] sides = pattern.split("->");
        for (int s = 0; s < sides.length; s++) {
            if (s > 0) sb.append("->");
            String[] terms = sides[s].split(",");
            for (int k = 0; k < terms.length; k++) {
                if (k > 0) sb.append(',');
                for (List<String> g : side(terms[k])) {
                    if (g.size() != 1) throw new Unanalysable("einops.einsum with a grouped axis");
                    String n = g.get(0);
                    if (n.equals("...")) { sb.append("..."); continue; }
                    Character c = letter.get(n);
                    if (c == null) {
                        if (letter.size() >= 52) throw new Unanalysable("einops.einsum with more than 52 axes");
                        c = (char) (letter.size() < 26 ? 'a' + letter.size() : 'A' + letter.size() - 26);
                        letter.put(n, c);
                    }
                    sb.append(c);
                }
            }
        }
        return sb.toString();
    }
}
