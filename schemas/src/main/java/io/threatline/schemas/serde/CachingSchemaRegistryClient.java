package io.threatline.schemas.serde;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Remembers what never changes in a registry — a schema's id under a subject, the schema behind an
 * id — so that after the first record of each schema the record path makes no HTTP call.
 * Everything that may change (latest version, levels, listings) goes to the registry every time.
 */
public final class CachingSchemaRegistryClient implements SchemaRegistryClient {

    private record SubjectSchema(String subject, Schema schema) {}

    private final SchemaRegistryClient delegate;
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, SchemaVersion> versionsBySubjectSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    public CachingSchemaRegistryClient(SchemaRegistryClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public int register(String subject, Schema schema) {
        return idsBySubjectSchema.computeIfAbsent(new SubjectSchema(subject, schema), k -> {
            int id = delegate.register(subject, schema);
            schemasById.putIfAbsent(id, schema);
            return id;
        });
    }

    @Override
    public Optional<SchemaVersion> lookup(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        SchemaVersion cached = versionsBySubjectSchema.get(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<SchemaVersion> found = delegate.lookup(subject, schema);
        found.ifPresent(v -> {
            versionsBySubjectSchema.put(key, v);
            idsBySubjectSchema.put(key, v.id());
            schemasById.putIfAbsent(v.id(), schema);
        });
        return found;
    }

    @Override
    public Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        return schema != null ? schema : schemasById.computeIfAbsent(id, delegate::schemaById);
    }

    @Override
    public SchemaVersion latest(String subject) {
        SchemaVersion latest = delegate.latest(subject);
        schemasById.putIfAbsent(latest.id(), latest.schema());
        return latest;
    }

    @Override
    public SchemaVersion version(String subject, int version) {
        return delegate.version(subject, version);
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        return delegate.isCompatible(subject, schema);
    }

    @Override
    public List<String> subjects() {
        return delegate.subjects();
    }

    @Override
    public List<Integer> versions(String subject) {
        return delegate.versions(subject);
    }

    @Override
    public String compatibility(Optional<String> subject) {
        return delegate.compatibility(subject);
    }

    @Override
    public void setCompatibility(Optional<String> subject, String level) {
        delegate.setCompatibility(subject, level);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
