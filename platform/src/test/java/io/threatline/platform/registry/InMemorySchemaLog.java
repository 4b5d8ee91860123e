package io.threatline.platform.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link SchemaLog} in memory for tests. Entries are kept in their serialised key/value form, so replaying them
 * also exercises {@link SchemaLogCodec}. Appends can be made to fail to simulate an unavailable store.
 */
final class InMemorySchemaLog implements SchemaLog {

    private final List<SchemaLogCodec.Record> records = new ArrayList<>();
    private boolean failing;

    @Override
    public synchronized List<SchemaLogEntry> readAll() {
        return records.stream()
                .map(r -> SchemaLogCodec.decode(r.key(), r.value()))
                .flatMap(Optional::stream)
                .toList();
    }

    @Override
    public synchronized void append(SchemaLogEntry entry) {
        if (failing) {
            throw new SchemaLogException("store unavailable");
        }
        records.add(SchemaLogCodec.encode(entry));
    }

    /** The serialised records, oldest first. */
    synchronized List<SchemaLogCodec.Record> records() {
        return List.copyOf(records);
    }

    /** Makes subsequent appends fail (or succeed again). */
    synchronized void failAppends(boolean fail) {
        this.failing = fail;
    }

    @Override
    public void close() {}
}
