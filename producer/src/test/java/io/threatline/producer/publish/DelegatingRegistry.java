package io.threatline.producer.publish;

import io.threatline.schemas.serde.SchemaRegistryClient;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/** A registry client that passes every call on; tests override the calls they make fail. */
class DelegatingRegistry implements SchemaRegistryClient {

    private final SchemaRegistryClient delegate;

    DelegatingRegistry(SchemaRegistryClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public int register(String subject, Schema schema) {
        return delegate.register(subject, schema);
    }

    @Override
    public Optional<SchemaVersion> lookup(String subject, Schema schema) {
        return delegate.lookup(subject, schema);
    }

    @Override
    public Schema schemaById(int id) {
        return delegate.schemaById(id);
    }

    @Override
    public SchemaVersion latest(String subject) {
        return delegate.latest(subject);
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
