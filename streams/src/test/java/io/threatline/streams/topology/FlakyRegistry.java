package io.threatline.streams.topology;

import io.threatline.schemas.serde.InMemorySchemaRegistryClient;
import io.threatline.schemas.serde.SchemaRegistryClient;
import io.threatline.schemas.serde.SchemaRegistryException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.Schema;

/**
 * An in-memory registry that can be made to fail the way an unavailable one does — unreachable, or
 * answering an HTTP error — for unit tests under TopologyTestDriver. (The broker-backed tests stop
 * and start a real registry instead.)
 */
final class FlakyRegistry implements SchemaRegistryClient {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final AtomicReference<SchemaRegistryException> failure = new AtomicReference<>();
    /** Calls still to fail before the registry answers again on its own; negative: until told. */
    private final AtomicInteger failuresLeft = new AtomicInteger(-1);

    final AtomicInteger failedCalls = new AtomicInteger();

    static SchemaRegistryException unreachable() {
        return new SchemaRegistryException(
                "Schema registry at http://registry:8081 is unreachable (could not get a schema): "
                        + "ConnectException: Connection refused",
                SchemaRegistryException.UNREACHABLE,
                0,
                null);
    }

    static SchemaRegistryException httpError(int status) {
        return new SchemaRegistryException(
                "Schema registry at http://registry:8081 refused to get a schema: backend down " + "(error " + status
                        + "01, HTTP " + status + ")",
                status * 100 + 1,
                status,
                null);
    }

    /** Fails every call from now on with {@code why}, until {@link #recover()}. */
    void fail(SchemaRegistryException why) {
        failuresLeft.set(-1);
        failure.set(why);
    }

    /** Fails the next {@code calls} calls with {@code why}, then answers again. */
    void failNext(int calls, SchemaRegistryException why) {
        failuresLeft.set(calls);
        failure.set(why);
    }

    void recover() {
        failure.set(null);
    }

    private void maybeFail() {
        SchemaRegistryException why = failure.get();
        if (why == null) {
            return;
        }
        if (failuresLeft.get() == 0) {
            failure.set(null);
            return;
        }
        failuresLeft.decrementAndGet();
        failedCalls.incrementAndGet();
        throw new SchemaRegistryException(why.getMessage(), why.errorCode(), why.httpStatus(), null);
    }

    @Override
    public int register(String subject, Schema schema) {
        maybeFail();
        return registry.register(subject, schema);
    }

    @Override
    public Optional<SchemaVersion> lookup(String subject, Schema schema) {
        maybeFail();
        return registry.lookup(subject, schema);
    }

    @Override
    public Schema schemaById(int id) {
        maybeFail();
        return registry.schemaById(id);
    }

    @Override
    public SchemaVersion latest(String subject) {
        maybeFail();
        return registry.latest(subject);
    }

    @Override
    public SchemaVersion version(String subject, int version) {
        maybeFail();
        return registry.version(subject, version);
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        maybeFail();
        return registry.isCompatible(subject, schema);
    }

    @Override
    public List<String> subjects() {
        maybeFail();
        return registry.subjects();
    }

    @Override
    public List<Integer> versions(String subject) {
        maybeFail();
        return registry.versions(subject);
    }

    @Override
    public String compatibility(Optional<String> subject) {
        return registry.compatibility(subject);
    }

    @Override
    public void setCompatibility(Optional<String> subject, String level) {
        registry.setCompatibility(subject, level);
    }

    @Override
    public void close() {}
}
