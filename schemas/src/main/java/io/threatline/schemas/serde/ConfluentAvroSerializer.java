package io.threatline.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (generated specific classes or generic records) in Confluent's wire format,
 * registering or looking up their schema in a Confluent-compatible registry. After the first record
 * of a schema, serializing costs no registry call.
 */
public class ConfluentAvroSerializer<T> implements Serializer<T> {

    /** Identity of a (subject, schema object) pair: generated classes share one Schema instance. */
    private record IdKey(String topic, Schema schema) {
        @Override
        public boolean equals(Object o) {
            return o instanceof IdKey k && k.schema == schema && k.topic.equals(topic);
        }

        @Override
        public int hashCode() {
            return 31 * topic.hashCode() + System.identityHashCode(schema);
        }
    }

    private static final class Buffers {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        BinaryEncoder encoder;
    }

    private final Map<IdKey, Integer> ids = new ConcurrentHashMap<>();
    private final Map<Schema, DatumWriter<Object>> writers = new ConcurrentHashMap<>();
    private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);
    private SchemaRegistryClient client;
    private boolean ownsClient;
    private boolean isKey;
    private boolean autoRegister;
    private SubjectNameStrategy strategy;

    /** For Kafka to instantiate from configuration; {@link #configure} must follow. */
    public ConfluentAvroSerializer() {}

    /** With a registry client shared with other serdes (not closed by this serializer). */
    public ConfluentAvroSerializer(SchemaRegistryClient client, Map<String, ?> configs, boolean isKey) {
        this.client = client;
        configure(configs, isKey);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = new AvroSerdeConfig(configs);
        this.isKey = isKey;
        this.autoRegister = config.autoRegister();
        this.strategy = config.subjectNameStrategy(isKey);
        if (client == null) {
            client = config.newClient();
            ownsClient = true;
        }
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        if (!(data instanceof GenericContainer container)) {
            throw new SerializationException(
                    "Cannot serialize a " + data.getClass().getName() + " for topic '" + topic
                            + "': only Avro records (generated classes or GenericRecord) are supported");
        }
        Schema schema = container.getSchema();
        int id = ids.computeIfAbsent(new IdKey(topic, schema), k -> schemaId(topic, schema));
        Buffers b = buffers.get();
        b.out.reset();
        b.out.write(0);
        b.out.write(0);
        b.out.write(0);
        b.out.write(0);
        b.out.write(0);
        try {
            b.encoder = EncoderFactory.get().directBinaryEncoder(b.out, b.encoder);
            writer(data, schema).write(data, b.encoder);
            b.encoder.flush();
        } catch (IOException | AvroRuntimeException | ClassCastException | NullPointerException e) {
            throw new SerializationException(
                    "Cannot encode a " + schema.getFullName() + " for topic '" + topic + "' with schema id " + id + ": "
                            + e.getMessage(),
                    e);
        }
        byte[] bytes = b.out.toByteArray();
        ConfluentWireFormat.writeHeader(bytes, id);
        return bytes;
    }

    private int schemaId(String topic, Schema schema) {
        String subject = strategy.subject(topic, isKey, schema);
        if (autoRegister) {
            return client.register(subject, schema);
        }
        return client.lookup(subject, schema)
                .map(SchemaRegistryClient.SchemaVersion::id)
                .orElseThrow(() -> new SchemaRegistryException(
                        "Schema " + schema.getFullName() + " is not registered under subject '" + subject + "' and "
                                + AvroSerdeConfig.AUTO_REGISTER_SCHEMAS + " is false; register it first",
                        SchemaRegistryException.SCHEMA_NOT_FOUND,
                        404,
                        null));
    }

    @SuppressWarnings("unchecked")
    private DatumWriter<Object> writer(Object data, Schema schema) {
        DatumWriter<Object> writer = writers.get(schema);
        if (writer == null) {
            writer = data instanceof SpecificRecord
                    ? new SpecificDatumWriter<>(schema)
                    : new GenericDatumWriter<>(schema, GenericData.get());
            writers.put(schema, writer);
        }
        return writer;
    }

    @Override
    public void close() {
        if (ownsClient && client != null) {
            client.close();
        }
    }
}
