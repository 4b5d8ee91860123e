package io.threatline.platform.registry;

import java.util.Objects;

/**
 * One durable change to the registry, as written to a {@link SchemaLog}. Replaying all entries in order rebuilds
 * the registry's state; a later entry for the same key supersedes an earlier one, as on a compacted topic.
 *
 * <p>A soft delete is a {@link SchemaVersion} re-written with {@code deleted = true}; a permanent delete is a
 * {@link VersionPermanentlyDeleted} (a tombstone). A {@code null} subject in the config entries means the global
 * configuration.
 */
public sealed interface SchemaLogEntry {

    /**
     * A schema registered as {@code version} of {@code subject} under global id {@code id}, possibly soft-deleted.
     *
     * @param schema the Avro schema JSON text
     */
    record SchemaVersion(String subject, int version, int id, String schema, boolean deleted)
            implements SchemaLogEntry {
        public SchemaVersion {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(schema, "schema");
            if (version < 1 || id < 1) {
                throw new IllegalArgumentException("version and id must be positive: " + version + ", " + id);
            }
        }

        /** This version with its deleted flag set to {@code deleted}. */
        public SchemaVersion withDeleted(boolean deleted) {
            return new SchemaVersion(subject, version, id, schema, deleted);
        }
    }

    /** Version {@code version} of {@code subject} removed for good (a tombstone for its key). */
    record VersionPermanentlyDeleted(String subject, int version) implements SchemaLogEntry {
        public VersionPermanentlyDeleted {
            Objects.requireNonNull(subject, "subject");
        }
    }

    /** The compatibility level of {@code subject} (or the global one if {@code subject} is null) set. */
    record ConfigSet(String subject, CompatibilityLevel level) implements SchemaLogEntry {
        public ConfigSet {
            Objects.requireNonNull(level, "level");
        }
    }

    /** The compatibility level of {@code subject} (or the global one if {@code subject} is null) cleared. */
    record ConfigCleared(String subject) implements SchemaLogEntry {}
}
