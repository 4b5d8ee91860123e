package io.threatline.platform.registry;

import io.threatline.platform.registry.SchemaLogEntry.ConfigCleared;
import io.threatline.platform.registry.SchemaLogEntry.ConfigSet;
import io.threatline.platform.registry.SchemaLogEntry.SchemaVersion;
import io.threatline.platform.registry.SchemaLogEntry.VersionPermanentlyDeleted;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.Schema;

/**
 * The registry's in-memory state: a pure function of the {@link SchemaLogEntry entries} applied to it, in order.
 * Not thread-safe; {@link SubjectRegistry} guards it.
 */
final class RegistryModel {

    private final CompatibilityLevel defaultLevel;
    private final Map<String, NavigableMap<Integer, SchemaVersion>> subjects = new TreeMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, Integer> idsByCanonical = new HashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel;
    private int maxId;

    RegistryModel(CompatibilityLevel defaultLevel) {
        this.defaultLevel = defaultLevel;
    }

    /** Applies one entry; a later entry for the same version or config supersedes an earlier one. */
    void apply(SchemaLogEntry entry) {
        if (entry instanceof SchemaVersion v) {
            Schema schema = schemasById.get(v.id());
            if (schema == null) {
                schema = AvroSchemas.parse(v.schema());
                schemasById.put(v.id(), schema);
                idsByCanonical.putIfAbsent(AvroSchemas.canonical(schema), v.id());
            }
            subjects.computeIfAbsent(v.subject(), s -> new TreeMap<>()).put(v.version(), v);
            maxId = Math.max(maxId, v.id());
        } else if (entry instanceof VersionPermanentlyDeleted d) {
            removeVersion(d.subject(), d.version());
        } else if (entry instanceof ConfigSet c) {
            if (c.subject() == null) {
                globalLevel = c.level();
            } else {
                subjectLevels.put(c.subject(), c.level());
            }
        } else if (entry instanceof ConfigCleared c) {
            if (c.subject() == null) {
                globalLevel = null;
            } else {
                subjectLevels.remove(c.subject());
            }
        }
    }

    private void removeVersion(String subject, int version) {
        NavigableMap<Integer, SchemaVersion> versions = subjects.get(subject);
        SchemaVersion removed = versions == null ? null : versions.remove(version);
        if (removed == null) {
            return;
        }
        if (versions.isEmpty()) {
            subjects.remove(subject);
        }
        boolean stillUsed =
                subjects.values().stream().anyMatch(vs -> vs.values().stream().anyMatch(v -> v.id() == removed.id()));
        if (!stillUsed) {
            Schema schema = schemasById.remove(removed.id());
            idsByCanonical.remove(AvroSchemas.canonical(schema), removed.id());
        }
    }

    /** Versions of a subject, oldest first; soft-deleted ones only if {@code includeDeleted}. */
    List<SchemaVersion> versions(String subject, boolean includeDeleted) {
        NavigableMap<Integer, SchemaVersion> versions = subjects.get(subject);
        if (versions == null) {
            return List.of();
        }
        List<SchemaVersion> result = new ArrayList<>();
        for (SchemaVersion v : versions.values()) {
            if (includeDeleted || !v.deleted()) {
                result.add(v);
            }
        }
        return result;
    }

    /** Subject names in order, having at least one live version, or any version if {@code includeDeleted}. */
    List<String> subjects(boolean includeDeleted) {
        return subjects.keySet().stream()
                .filter(s -> !versions(s, includeDeleted).isEmpty())
                .toList();
    }

    /** All versions, in any subject, registered under the id; soft-deleted ones only if {@code includeDeleted}. */
    List<SchemaVersion> versionsWithId(int id, boolean includeDeleted) {
        List<SchemaVersion> result = new ArrayList<>();
        for (String subject : subjects.keySet()) {
            versions(subject, includeDeleted).stream().filter(v -> v.id() == id).forEach(result::add);
        }
        return result;
    }

    Optional<Schema> schema(int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    Optional<Integer> idOf(String canonical) {
        return Optional.ofNullable(idsByCanonical.get(canonical));
    }

    /** The id the next new schema gets: one more than the highest id ever seen. */
    int nextId() {
        return maxId + 1;
    }

    /** The highest version number of the subject, soft-deleted ones included; 0 if none. */
    int maxVersion(String subject) {
        NavigableMap<Integer, SchemaVersion> versions = subjects.get(subject);
        return versions == null || versions.isEmpty() ? 0 : versions.lastKey();
    }

    CompatibilityLevel globalLevel() {
        return globalLevel == null ? defaultLevel : globalLevel;
    }

    Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevel(subject).orElseGet(this::globalLevel);
    }

    int schemaCount() {
        return schemasById.size();
    }
}
