package io.flopscope.formula;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;

/** An exact rational number, always normalised (gcd 1, positive denominator). */
public record Rational(BigInteger num, BigInteger den) implements Comparable<Rational> {
    public static final Rational ZERO = new Rational(BigInteger.ZERO, BigInteger.ONE);
    public static final Rational ONE = new Rational(BigInteger.ONE, BigInteger.ONE);

    public Rational {
        if (den.signum() == 0) throw new ArithmeticException("division by zero");
        if (den.signum() < 0) { num = num.negate(); den = den.negate(); }
        // most values are integers: no gcd then (its allocations dominated evaluation at start-up)
        if (!den.equals(BigInteger.ONE)) {
            BigInteger g = num.gcd(den);
            if (!g.equals(BigInteger.ONE) && g.signum() != 0) { num = num.divide(g); den = den.divide(g); }
        }
        if (num.signum() == 0) den = BigInteger.ONE;
    }

    public static Rational of(long n) { return new Rational(BigInteger.valueOf(n), BigInteger.ONE); }
    public static Rational of(long n, long d) { return new Rational(BigInteger.valueOf(n), BigInteger.valueOf(d)); }
    public static Rational of(BigInteger n) { return new Rational(n, BigInteger.ONE); }

    /** Parses "12", "0.5", "1e-5", "3/4". */
    public static Rational parse(String s) {
        int slash = s.indexOf('/');
        if (slash > 0) return parse(s.substring(0, slash)).divide(parse(s.substring(slash + 1)));
        BigDecimal d = new BigDecimal(s);
        if (d.scale() <= 0) return of(d.toBigIntegerExact());
        return new Rational(d.unscaledValue(), BigInteger.TEN.pow(d.scale()));
    }

    public boolean isZero() { return num.signum() == 0; }
    public boolean isInteger() { return den.equals(BigInteger.ONE); }
    public int signum() { return num.signum(); }

    public Rational add(Rational o) {
        if (den.equals(o.den)) return new Rational(num.add(o.num), den);
        return new Rational(num.multiply(o.den).add(o.num.multiply(den)), den.multiply(o.den));
    }
    public Rational subtract(Rational o) { return add(o.negate()); }
    public Rational multiply(Rational o) { return new Rational(num.multiply(o.num), den.multiply(o.den)); }
    public Rational divide(Rational o) { return new Rational(num.multiply(o.den), den.multiply(o.num)); }
    public Rational negate() { return new Rational(num.negate(), den); }
    public Rational pow(int e) {
        if (e == 1) return this;
        if (e >= 0) return new Rational(num.pow(e), den.pow(e));
        return new Rational(den.pow(-e), num.pow(-e));
    }
    public BigInteger floor() {
        BigInteger[] qr = num.divideAndRemainder(den);
        return qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
    }
    public BigInteger ceil() { return floor().add(isInteger() ? BigInteger.ZERO : BigInteger.ONE); }
    public double doubleValue() { return new BigDecimal(num).divide(new BigDecimal(den), MathContext.DECIMAL64).doubleValue(); }

    @Override public int compareTo(Rational o) { return num.multiply(o.den).compareTo(o.num.multiply(den)); }

    /** "12", "-3/4": the form the formula parser reads back. */
    @Override public String toString() { return isInteger() ? num.toString() : num + "/" + den; }

    /** Exact decimal if the expansion terminates, else "n/d". */
    public String toDecimalString() {
        if (isInteger()) return num.toString();
        try {
            return new BigDecimal(num).divide(new BigDecimal(den)).stripTrailingZeros().toPlainString();
        } catch (ArithmeticException nonTerminating) {
            return toString();
        }
    }
}
