package io.flopscope.formula;

import java.util.List;
import java.util.stream.Collectors;

/** An indivisible factor of a monomial: a symbol, or a function the polynomial algebra cannot expand. */
public sealed interface Atom extends Comparable<Atom> {
    /** Canonical text; also the sort key. */
    String key();

    @Override default int compareTo(Atom o) { return key().compareTo(o.key()); }

    record Sym(String name) implements Atom {
        @Override public String key() { return name; }
    }

    /** floor, ceil, min, max (arguments sorted), inv (1/p for a non-monomial p). */
    record Fn(String name, List<Poly> args, String key) implements Atom {
        public Fn(String name, List<Poly> args) {
            this(name, List.copyOf(args), name + "(" + args.stream().map(Poly::toFormula).collect(Collectors.joining(", ")) + ")");
        }
    }
}
