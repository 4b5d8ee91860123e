package io.threatline.schemas.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A registry held in memory, for unit tests (TopologyTestDriver) and tools that need no shared
 * registry. Same ids for the same schema, versions per subject, BACKWARD checks on register — but
 * nothing survives the JVM and nothing is shared: never use it between processes.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    private final Map<String, List<SchemaVersion>> subjects = new LinkedHashMap<>();
    private final Map<Integer, Schema> byId = new HashMap<>();
    private final Map<Schema, Integer> idBySchema = new HashMap<>();
    private String globalLevel = "BACKWARD";

    @Override
    public synchronized int register(String subject, Schema schema) {
        Optional<SchemaVersion> existing = lookup(subject, schema);
        if (existing.isPresent()) {
            return existing.get().id();
        }
        List<SchemaVersion> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.isEmpty()
                && !"NONE".equals(globalLevel)
                && SchemaCompatibility.checkReaderWriterCompatibility(
                                        schema,
                                        versions.get(versions.size() - 1).schema())
                                .getType()
                        != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new SchemaRegistryException(
                    "Incompatible schema: " + schema.getFullName() + " cannot read the latest " + "version of subject '"
                            + subject + "'",
                    SchemaRegistryException.INCOMPATIBLE,
                    409,
                    null);
        }
        int id = idBySchema.computeIfAbsent(schema, s -> byId.size() + 1);
        byId.put(id, schema);
        versions.add(new SchemaVersion(subject, versions.size() + 1, id, schema));
        return id;
    }

    @Override
    public synchronized Optional<SchemaVersion> lookup(String subject, Schema schema) {
        return subjects.getOrDefault(subject, List.of()).stream()
                .filter(v -> v.schema().equals(schema))
                .findFirst();
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = byId.get(id);
        if (schema == null) {
            throw new SchemaRegistryException(
                    "Schema " + id + " not found", SchemaRegistryException.SCHEMA_NOT_FOUND, 404, null);
        }
        return schema;
    }

    @Override
    public synchronized SchemaVersion latest(String subject) {
        List<SchemaVersion> versions = versionsOf(subject);
        return versions.get(versions.size() - 1);
    }

    @Override
    public synchronized SchemaVersion version(String subject, int version) {
        List<SchemaVersion> versions = versionsOf(subject);
        if (version < 1 || version > versions.size()) {
            throw new SchemaRegistryException(
                    "Version " + version + " not found", SchemaRegistryException.VERSION_NOT_FOUND, 404, null);
        }
        return versions.get(version - 1);
    }

    @Override
    public synchronized boolean isCompatible(String subject, Schema schema) {
        List<SchemaVersion> versions = subjects.getOrDefault(subject, List.of());
        return versions.isEmpty()
                || SchemaCompatibility.checkReaderWriterCompatibility(
                                        schema,
                                        versions.get(versions.size() - 1).schema())
                                .getType()
                        == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(subjects.keySet());
    }

    @Override
    public synchronized List<Integer> versions(String subject) {
        return versionsOf(subject).stream().map(SchemaVersion::version).toList();
    }

    @Override
    public synchronized String compatibility(Optional<String> subject) {
        return globalLevel;
    }

    @Override
    public synchronized void setCompatibility(Optional<String> subject, String level) {
        globalLevel = level;
    }

    @Override
    public void close() {}

    private List<SchemaVersion> versionsOf(String subject) {
        List<SchemaVersion> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new SchemaRegistryException(
                    "Subject '" + subject + "' not found", SchemaRegistryException.SUBJECT_NOT_FOUND, 404, null);
        }
        return versions;
    }
}
