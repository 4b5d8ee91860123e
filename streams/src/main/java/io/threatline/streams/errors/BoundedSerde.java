package io.threatline.streams.errors;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A serde whose serializer refuses to make a record larger than a bound, with a
 * {@link SerializationException} naming the topic and the size. A record the producer or broker
 * would refuse fails, under exactly-once, the whole transaction and then again on every retry; one
 * refused while being serialised is dead-lettered by {@link HubProductionErrors} (an output) or
 * {@link HubProcessingErrors} (a store) and the hub goes on. The hub's other bounds keep records far
 * below this; it is the last line.
 */
public final class BoundedSerde<T> implements Serde<T> {

    /** What the hub lets a record's value be: half of what a producer may send by default (1 MiB). */
    public static final int MAX_VALUE_BYTES = 512 * 1024;

    private final Serde<T> inner;
    private final int maxBytes;

    public BoundedSerde(Serde<T> inner, int maxBytes) {
        this.inner = inner;
        this.maxBytes = maxBytes;
    }

    public static <T> BoundedSerde<T> of(Serde<T> inner) {
        return new BoundedSerde<>(inner, MAX_VALUE_BYTES);
    }

    @Override
    public Serializer<T> serializer() {
        Serializer<T> serializer = inner.serializer();
        return (topic, data) -> {
            byte[] bytes = serializer.serialize(topic, data);
            if (bytes != null && bytes.length > maxBytes) {
                throw new SerializationException("A record for " + topic + " would have " + bytes.length
                        + " bytes, more than the " + maxBytes + " the hub writes");
            }
            return bytes;
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return inner.deserializer();
    }
}
