package io.threatline.streams.reference;

import java.util.Objects;

/**
 * One row of reference data as it goes to its compacted topic: the topic key and the value.
 *
 * @param key the topic key (see each contract class for its key format)
 * @param value the row, never null (loaders do not produce tombstones)
 * @param <V> the Avro contract class of the row
 */
public record ReferenceRow<V>(String key, V value) {
    public ReferenceRow {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
