package io.threatline.bench.report;

import java.math.BigDecimal;
import java.util.Locale;

/** How figures are written: plain for machines (result lines, CSV), grouped and rounded for people. */
final class Figures {

    private Figures() {}

    /** Without grouping or exponent, without trailing zeros: {@code 100000}, {@code 0.5}, {@code 187.25}. */
    static String plain(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
    }

    /** Rounded to what a reader needs: {@code 100,000}, {@code 187.3}, {@code 0.52}. */
    static String display(double value) {
        double a = Math.abs(value);
        if (value == Math.rint(value) || a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%,.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
