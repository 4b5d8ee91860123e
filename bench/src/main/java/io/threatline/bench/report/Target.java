package io.threatline.bench.report;

import java.util.Locale;
import java.util.Optional;

/**
 * A DESIGN §10 target for one figure: a comparison and a threshold, written {@code >=100000},
 * {@code <250}, {@code <=1024} or {@code >0.5} in a result line.
 */
public record Target(Op op, double threshold) {

    /** How the figure must compare with the threshold. */
    public enum Op {
        AT_LEAST(">=", "≥"),
        MORE_THAN(">", ">"),
        AT_MOST("<=", "≤"),
        LESS_THAN("<", "<");

        final String text;
        final String symbol;

        Op(String text, String symbol) {
            this.text = text;
            this.symbol = symbol;
        }
    }

    /** The target written in {@code text}, or empty for a blank text (a figure without a target). */
    public static Optional<Target> parse(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return Optional.empty();
        }
        // Two-character operators first, so ">=" is not read as ">" followed by "=…".
        for (Op op : new Op[] {Op.AT_LEAST, Op.AT_MOST, Op.MORE_THAN, Op.LESS_THAN}) {
            if (t.startsWith(op.text)) {
                String number = t.substring(op.text.length()).strip();
                try {
                    return Optional.of(new Target(op, Double.parseDouble(number)));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("target '" + text + "' has no number after " + op.text);
                }
            }
        }
        throw new IllegalArgumentException("target '" + text + "' must start with >=, >, <= or <");
    }

    public static Target atLeast(double threshold) {
        return new Target(Op.AT_LEAST, threshold);
    }

    public static Target lessThan(double threshold) {
        return new Target(Op.LESS_THAN, threshold);
    }

    public static Target atMost(double threshold) {
        return new Target(Op.AT_MOST, threshold);
    }

    public boolean isMetBy(double value) {
        return switch (op) {
            case AT_LEAST -> value >= threshold;
            case MORE_THAN -> value > threshold;
            case AT_MOST -> value <= threshold;
            case LESS_THAN -> value < threshold;
        };
    }

    /** Whether a larger figure is better (the chart draws these as a line the bar should pass). */
    public boolean isLowerBound() {
        return op == Op.AT_LEAST || op == Op.MORE_THAN;
    }

    /** As written in a result line: {@code >=100000}. */
    public String format() {
        return op.text + Figures.plain(threshold);
    }

    /** For people: {@code ≥ 100,000}. */
    public String display() {
        return op.symbol + " " + Figures.display(threshold);
    }

    @Override
    public String toString() {
        return format().toLowerCase(Locale.ROOT);
    }
}
