package io.threatline.schemas.identity;

import io.threatline.contract.IndicatorType;
import java.util.Locale;
import java.util.Objects;

/**
 * An indicator in canonical form, whose {@link #id()} is the identity used for deduplication,
 * Kafka keys and joins: two reports of the same indicator, however written, have the same id.
 *
 * <p>Obtain instances from {@link IndicatorIdentity}; the constructor cannot check that {@code
 * value} is canonical, only that it is present and typed.
 *
 * @param type the indicator type, never {@code UNKNOWN}
 * @param value the canonical value, e.g. {@code 192.0.2.0/24} or {@code xn--bcher-kva.de}
 */
public record CanonicalIndicator(IndicatorType type, String value) {

    // Computed once: id() runs for every event and Enum.name().toLowerCase() would allocate.
    private static final String[] PREFIXES = prefixes();

    public CanonicalIndicator {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        if (type == IndicatorType.UNKNOWN) {
            throw new IllegalArgumentException("an indicator of type UNKNOWN has no identity");
        }
        if (value.isEmpty()) {
            throw new IllegalArgumentException("an indicator value must not be empty");
        }
    }

    /** The indicator id: lower-case type name, {@code ':'}, canonical value ({@code ipv4:192.0.2.1}). */
    public String id() {
        return PREFIXES[type.ordinal()].concat(value);
    }

    /** The id prefix of {@code type}, e.g. {@code "domain:"}. */
    static String prefix(IndicatorType type) {
        return PREFIXES[type.ordinal()];
    }

    private static String[] prefixes() {
        IndicatorType[] types = IndicatorType.values();
        String[] prefixes = new String[types.length];
        for (IndicatorType t : types) {
            prefixes[t.ordinal()] = t.name().toLowerCase(Locale.ROOT) + ':';
        }
        return prefixes;
    }
}
