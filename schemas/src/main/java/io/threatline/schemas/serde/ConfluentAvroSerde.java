package io.threatline.schemas.serde;

import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** A Kafka {@link Serde} of Avro records in Confluent's wire format, for producers, consumers and Kafka Streams. */
public final class ConfluentAvroSerde<T> implements Serde<T> {

    private final ConfluentAvroSerializer<T> serializer;
    private final ConfluentAvroDeserializer<T> deserializer;

    private ConfluentAvroSerde(ConfluentAvroSerializer<T> serializer, ConfluentAvroDeserializer<T> deserializer) {
        this.serializer = serializer;
        this.deserializer = deserializer;
    }

    /** A serde of a generated class, sharing the given registry client. */
    public static <T extends SpecificRecord> ConfluentAvroSerde<T> specific(
            Class<T> type, SchemaRegistryClient client, Map<String, ?> configs, boolean isKey) {
        return new ConfluentAvroSerde<>(
                new ConfluentAvroSerializer<>(client, configs, isKey),
                new ConfluentAvroDeserializer<>(client, type, configs, isKey));
    }

    /** A serde of generic records, sharing the given registry client. */
    public static ConfluentAvroSerde<GenericRecord> generic(
            SchemaRegistryClient client, Map<String, ?> configs, boolean isKey) {
        return new ConfluentAvroSerde<>(
                new ConfluentAvroSerializer<>(client, configs, isKey),
                new ConfluentAvroDeserializer<>(client, null, configs, isKey));
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // Configured at construction.
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        serializer.close();
        deserializer.close();
    }
}
