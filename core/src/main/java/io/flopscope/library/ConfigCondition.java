package io.flopscope.library;

import io.flopscope.formula.FormulaParser;
import io.flopscope.formula.FormulaSyntaxError;
import io.flopscope.formula.Poly;
import io.flopscope.formula.Rational;
import io.flopscope.formula.SymbolicEvaluator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A condition an analysis states about config values, in the form the analyzer writes it:
 * <ul>
 *   <li>{@code `config.hidden_act` is "silu" with this config's values} (a value that chose the path),</li>
 *   <li>{@code `config.num_attention_heads / config.num_key_value_heads == 1` is False with this config's values},</li>
 *   <li>{@code `config.hidden_size / 2 / config.num_attention_heads` is an integer with this config's values}.</li>
 * </ul>
 * A document derived with one config holds for another only where its conditions come out the same: this is how
 * the library picks among variants of a class and warns when a document is used outside what it was derived for.
 */
public record ConfigCondition(String text, Kind kind, String formula, String expected) {
    public enum Kind { VALUE, COMPARISON, INTEGER }

    public enum Verdict { HOLDS, FAILS, UNKNOWN }

    /** Config values as the conditions need them. */
    public interface ConfigValues {
        /** The numeric value of a field (aliases and defaults followed), empty when unknown. */
        Optional<Rational> number(String field);

        /** The field as a Python literal ("silu" quoted, True, None, 12), empty when unknown. */
        Optional<String> literal(String field);
    }

    private static final Pattern FORM = Pattern.compile("`([^`]+)` is (.+?) with this config's values.*");
    private static final Pattern FIELD = Pattern.compile("config\\.([A-Za-z_][\\w.]*)");
    private static final Pattern COMPARISON = Pattern.compile("(.+?) (==|!=|<=|>=|<|>) (.+)");

    /** The condition, or empty for prose this class does not check (eval mode, the attention implementation). */
    public static Optional<ConfigCondition> parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) return Optional.empty();
        String inside = m.group(1).strip(), verdict = m.group(2).strip();
        if (verdict.equals("an integer")) return Optional.of(new ConfigCondition(text, Kind.INTEGER, inside, "integer"));
        Matcher c = COMPARISON.matcher(inside);
        if (c.matches() && (verdict.equals("True") || verdict.equals("False"))) return Optional.of(new ConfigCondition(text, Kind.COMPARISON, inside, verdict));
        if (FIELD.matcher(inside).matches()) return Optional.of(new ConfigCondition(text, Kind.VALUE, inside, verdict));
        return Optional.empty();
    }

    /** The value this condition finds with {@code cfg}, written the way the condition writes it. */
    public Optional<String> actual(ConfigValues cfg) {
        switch (kind) {
            case VALUE:
                return cfg.literal(formula.substring("config.".length()));
            case INTEGER:
                return value(formula, cfg).map(v -> v.isInteger() ? "integer" : "not an integer");
            default:
                Matcher c = COMPARISON.matcher(formula);
                if (!c.matches()) return Optional.empty();
                Optional<Rational> a = value(c.group(1), cfg), b = value(c.group(3), cfg);
                if (a.isEmpty() || b.isEmpty()) return Optional.empty();
                int s = a.get().compareTo(b.get());
                boolean r = switch (c.group(2)) {
                    case "==" -> s == 0; case "!=" -> s != 0; case "<" -> s < 0; case "<=" -> s <= 0; case ">" -> s > 0; default -> s >= 0;
                };
                return Optional.of(r ? "True" : "False");
        }
    }

    public Verdict check(ConfigValues cfg) {
        return actual(cfg).map(a -> a.equals(expected) ? Verdict.HOLDS : Verdict.FAILS).orElse(Verdict.UNKNOWN);
    }

    private static Optional<Rational> value(String formula, ConfigValues cfg) {
        try {
            Poly p = new SymbolicEvaluator(n -> n.startsWith("config.") ? cfg.number(n.substring(7)).map(Poly::constant).orElse(null) : null, false)
                    .eval(FormulaParser.parse(formula));
            return p.isConstant() ? Optional.of(p.constantValue()) : Optional.empty();
        } catch (FormulaSyntaxError | SymbolicEvaluator.SymbolicException | ArithmeticException e) {
            return Optional.empty();
        }
    }
}
