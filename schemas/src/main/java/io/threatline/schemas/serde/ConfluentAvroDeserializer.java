package io.threatline.schemas.serde;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads records in Confluent's wire format: fetches the writer's schema by id (once per id) and
 * resolves it to the reader's schema — the generated class's when one is given or
 * {@code specific.avro.reader} is on, else the writer's own (GenericRecord). Avro's schema
 * resolution makes an older reader read newer compatible data and the other way round.
 *
 * <p>Whatever the bytes, {@link #deserialize} returns a record or throws a
 * {@link SerializationException} saying why; it never allocates more than a small multiple of the
 * record's size (see {@link BoundedBinaryDecoder}). A {@link SchemaRegistryException} says the
 * writer's schema could not be had: {@link SchemaRegistryException#isRetriable()} tells a registry
 * outage, after which the same bytes may read fine, from an unknown schema id, which never will.
 */
public class ConfluentAvroDeserializer<T> implements Deserializer<T> {

    private final Map<Integer, DatumReader<Object>> readers = new ConcurrentHashMap<>();
    private Class<? extends SpecificRecord> targetType;
    private Schema genericReaderSchema;
    private SchemaRegistryClient client;
    private boolean ownsClient;
    private boolean specific;

    /** For Kafka to instantiate from configuration; {@link #configure} must follow. */
    public ConfluentAvroDeserializer() {}

    /**
     * @param targetType generated class to read into, or null for GenericRecord (or for
     *                   {@code specific.avro.reader} to choose the class from the writer's schema)
     */
    public ConfluentAvroDeserializer(
            SchemaRegistryClient client,
            Class<? extends SpecificRecord> targetType,
            Map<String, ?> configs,
            boolean isKey) {
        this.client = client;
        this.targetType = targetType;
        configure(configs, isKey);
    }

    /**
     * A deserializer into GenericRecords of the given reader schema: records written with any
     * compatible schema are resolved to it (fields added by newer writers dropped, missing ones
     * filled from defaults).
     */
    public static ConfluentAvroDeserializer<org.apache.avro.generic.GenericRecord> withReaderSchema(
            SchemaRegistryClient client, Schema readerSchema, Map<String, ?> configs, boolean isKey) {
        ConfluentAvroDeserializer<org.apache.avro.generic.GenericRecord> d = new ConfluentAvroDeserializer<>();
        d.client = client;
        d.genericReaderSchema = readerSchema;
        d.configure(configs, isKey);
        return d;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = new AvroSerdeConfig(configs);
        this.specific = targetType != null || config.specificReader();
        if (client == null) {
            client = config.newClient();
            ownsClient = true;
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int id = ConfluentWireFormat.schemaId(data, topic);
        DatumReader<Object> reader = readers.computeIfAbsent(id, this::newReader);
        try {
            BoundedBinaryDecoder decoder = new BoundedBinaryDecoder(
                    data, ConfluentWireFormat.HEADER_LENGTH, data.length - ConfluentWireFormat.HEADER_LENGTH);
            Object value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new SerializationException("Record of topic '" + topic + "' with schema id " + id
                        + " has bytes left after the Avro record; it was not written with that schema");
            }
            return (T) value;
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new SerializationException(
                    "Cannot decode a record of topic '" + topic + "' with schema id " + id + ": "
                            + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                    e);
        }
    }

    private DatumReader<Object> newReader(int id) {
        Schema writer;
        try {
            writer = client.schemaById(id);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new SchemaRegistryException(
                        "Unknown schema id " + id + ": the registry has no schema with that id "
                                + "(is the consumer pointed at the registry the producer used?) — " + e.getMessage(),
                        e.errorCode(),
                        e.httpStatus(),
                        e);
            }
            throw e;
        }
        if (!specific) {
            Schema reader = genericReaderSchema != null ? genericReaderSchema : writer;
            return new GenericDatumReader<>(writer, reader, GenericData.get());
        }
        Schema reader = readerSchema(writer);
        return new SpecificDatumReader<>(writer, reader, SpecificData.getForSchema(reader));
    }

    private Schema readerSchema(Schema writer) {
        if (targetType != null) {
            return SpecificData.get().getSchema(targetType);
        }
        Class<?> generated = SpecificData.get().getClass(writer);
        if (generated == null) {
            throw new SerializationException("specific.avro.reader is on but no generated class " + writer.getFullName()
                    + " is on the class path");
        }
        return SpecificData.get().getSchema(generated);
    }

    @Override
    public void close() {
        if (ownsClient && client != null) {
            client.close();
        }
    }
}
