package io.threatline.platform.registry;

import java.util.Locale;
import java.util.Optional;

/**
 * Schema evolution rule applied when a new schema version is registered under a subject, with Confluent
 * Schema Registry's meaning.
 *
 * <p>{@code BACKWARD}: the new schema can read data written with the latest registered one; {@code FORWARD}:
 * the latest registered schema can read data written with the new one; {@code FULL}: both. The
 * {@code *_TRANSITIVE} variants check against every live (not soft-deleted) version instead of only the latest.
 * {@code NONE} disables checking.
 */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** Whether the new schema, as reader, must read data written with earlier schemas. */
    public boolean backward() {
        return backward;
    }

    /** Whether earlier schemas, as readers, must read data written with the new schema. */
    public boolean forward() {
        return forward;
    }

    /** Whether the check covers all live versions rather than only the latest. */
    public boolean transitive() {
        return transitive;
    }

    /**
     * Parses a level name case-insensitively, as Confluent's REST API accepts it.
     *
     * @param name level name such as {@code "full"} or {@code "BACKWARD_TRANSITIVE"}; may be {@code null}
     * @return the level, or empty if the name is null or unknown
     */
    public static Optional<CompatibilityLevel> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException unknown) {
            return Optional.empty();
        }
    }
}
