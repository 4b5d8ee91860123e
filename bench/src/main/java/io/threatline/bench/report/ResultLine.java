package io.threatline.bench.report;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One measured figure, as every harness prints it on its own line of standard output so that the
 * report writer needs nothing else from the harness:
 * <pre>RESULT,&lt;id&gt;,&lt;value&gt;,&lt;unit&gt;,&lt;target&gt;,&lt;label&gt;</pre>
 * {@code id} is a stable machine name ({@code hub-drain-1000000}), {@code value} a plain number,
 * {@code unit} free text without commas ({@code events/s}), {@code target} the DESIGN §10 target
 * ({@code >=100000}) or empty, and {@code label} the row's name for people — the rest of the line,
 * so it may contain commas.
 */
public record ResultLine(String id, double value, String unit, Optional<Target> target, String label) {

    public static final String PREFIX = "RESULT,";
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]*");

    public ResultLine {
        Objects.requireNonNull(target, "target");
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException(
                    "result id '" + id + "' must be lower-case letters, digits, '.', '_' or '-'");
        }
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("result " + id + " has no finite value: " + value);
        }
        if (unit == null || unit.contains(",") || unit.contains("\n")) {
            throw new IllegalArgumentException("unit of " + id + " must not contain a comma or line break: " + unit);
        }
        if (label == null || label.isBlank() || label.contains("\n")) {
            throw new IllegalArgumentException("result " + id + " needs a one-line label");
        }
    }

    public static ResultLine of(String id, double value, String unit, String label) {
        return new ResultLine(id, value, unit, Optional.empty(), label);
    }

    public static ResultLine of(String id, double value, String unit, Target target, String label) {
        return new ResultLine(id, value, unit, Optional.of(target), label);
    }

    /** Whether a line of output is a result line (anything else is ignored by the report). */
    public static boolean isResult(String line) {
        return line.startsWith(PREFIX);
    }

    public static ResultLine parse(String line) {
        if (!isResult(line)) {
            throw new IllegalArgumentException("not a result line: " + line);
        }
        String[] parts = line.substring(PREFIX.length()).split(",", 5);
        if (parts.length != 5) {
            throw new IllegalArgumentException("a result line has id, value, unit, target and label: " + line);
        }
        double value;
        try {
            value = Double.parseDouble(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("value of " + parts[0] + " is not a number: " + parts[1]);
        }
        return new ResultLine(parts[0], value, parts[2], Target.parse(parts[3]), parts[4].strip());
    }

    public String format() {
        return PREFIX + id + "," + Figures.plain(value) + "," + unit + ","
                + target.map(Target::format).orElse("") + "," + label;
    }

    /** "met", "not met", or "—" without a target. */
    public String status() {
        return target.map(t -> t.isMetBy(value) ? "met" : "not met").orElse("—");
    }

    /** Whether the figure is a rate (its unit ends in {@code /s}); the chart draws these. */
    public boolean isThroughput() {
        return unit.endsWith("/s");
    }

    @Override
    public String toString() {
        return format();
    }
}
