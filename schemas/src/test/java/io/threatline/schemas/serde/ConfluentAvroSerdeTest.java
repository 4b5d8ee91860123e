package io.threatline.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.platform.kafka.FreePorts;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class ConfluentAvroSerdeTest {

    private static final String TOPIC = "ti.sensor-events.v1";
    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final Map<String, Object> config = Map.of();

    @Test
    void shouldRoundTripASpecificRecordInTheConfluentWireFormat() {
        ConfluentAvroSerde<ThreatEvent> serde = ConfluentAvroSerde.specific(ThreatEvent.class, registry, config, false);
        ThreatEvent event = SampleEvents.shylockDomain(1);

        byte[] bytes = serde.serializer().serialize(TOPIC, event);

        assertThat(bytes[0]).as("magic byte").isZero();
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertThat(registry.latest(TOPIC + "-value").id()).isEqualTo(id);
        assertThat(registry.schemaById(id)).isEqualTo(ThreatEvent.getClassSchema());
        assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(event);
    }

    @Test
    void shouldReadASpecificRecordAsGenericWhenNoClassIsGiven() {
        byte[] bytes = ConfluentAvroSerde.specific(ThreatEvent.class, registry, config, false)
                .serializer()
                .serialize(TOPIC, SampleEvents.shylockDomain(2));

        GenericRecord generic = ConfluentAvroSerde.generic(registry, config, false)
                .deserializer()
                .deserialize(TOPIC, bytes);

        assertThat(generic.get("eventId")).hasToString("evt-2");
        assertThat(generic.get("tlp")).hasToString("AMBER");
        assertThat(generic.get("observedAt")).isEqualTo(1_795_947_330_123L);
    }

    @Test
    void shouldUseTheRecordNameAsSubjectWhenConfigured() {
        Map<String, Object> byRecord = Map.of(
                AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY,
                "io.confluent.kafka.serializers.subject.RecordNameStrategy");
        ConfluentAvroSerde.specific(ThreatEvent.class, registry, byRecord, false)
                .serializer()
                .serialize(TOPIC, SampleEvents.shylockDomain(3));

        assertThat(registry.subjects()).containsExactly("io.threatline.contract.ThreatEvent");
    }

    @Test
    void shouldRefuseToSerializeAnUnregisteredSchemaWhenAutoRegistrationIsOff() {
        ConfluentAvroSerializer<ThreatEvent> serializer =
                new ConfluentAvroSerializer<>(registry, Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false), false);

        assertThatThrownBy(() -> serializer.serialize(TOPIC, SampleEvents.shylockDomain(4)))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("not registered under subject 'ti.sensor-events.v1-value'")
                .hasMessageContaining("auto.register.schemas");
    }

    @Test
    void shouldSerializeWithAnAlreadyRegisteredSchemaWhenAutoRegistrationIsOff() {
        int id = registry.register(TOPIC + "-value", ThreatEvent.getClassSchema());
        ConfluentAvroSerializer<ThreatEvent> serializer =
                new ConfluentAvroSerializer<>(registry, Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false), false);

        byte[] bytes = serializer.serialize(TOPIC, SampleEvents.shylockDomain(5));

        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
    }

    @Test
    void shouldNameTheMagicByteWhenTheRecordIsNotInTheWireFormat() {
        ConfluentAvroDeserializer<ThreatEvent> deserializer =
                new ConfluentAvroDeserializer<>(registry, ThreatEvent.class, config, false);

        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, "{\"eventId\":\"x\"}".getBytes()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Unknown magic byte 0x7b")
                .hasMessageContaining("looks like JSON");
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, new byte[] {0, 0}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("fewer than the 5-byte header");
    }

    @Test
    void shouldNameTheUnknownSchemaId() {
        ConfluentAvroDeserializer<ThreatEvent> deserializer =
                new ConfluentAvroDeserializer<>(registry, ThreatEvent.class, config, false);

        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, new byte[] {0, 0, 0, 0x30, 0x39, 2, 3}))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("Unknown schema id 12345");
    }

    @Test
    void shouldTellARegistryOutageFromAnUnknownSchemaId() throws Exception {
        byte[] record = ConfluentAvroSerde.specific(ThreatEvent.class, registry, config, false)
                .serializer()
                .serialize(TOPIC, SampleEvents.shylockDomain(3));
        URI nobody = URI.create("http://localhost:" + FreePorts.any());
        com.sun.net.httpserver.HttpServer failing =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("localhost", 0), 0);
        failing.createContext("/", exchange -> {
            byte[] body = "{\"error_code\":50001,\"message\":\"Error in the backend data store\"}".getBytes();
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        failing.start();
        try {
            URI broken = URI.create("http://localhost:" + failing.getAddress().getPort());

            SchemaRegistryException unreachable = readFailure(nobody, record);
            SchemaRegistryException serverError = readFailure(broken, record);
            SchemaRegistryException unknownId =
                    (SchemaRegistryException) org.assertj.core.api.Assertions.catchThrowable(
                            () -> new ConfluentAvroDeserializer<>(registry, ThreatEvent.class, config, false)
                                    .deserialize(TOPIC, new byte[] {0, 0, 0, 0x30, 0x39, 2}));

            assertThat(unreachable.isRetriable()).as("connection refused").isTrue();
            assertThat(serverError.isRetriable()).as("HTTP 503").isTrue();
            assertThat(serverError.httpStatus()).isEqualTo(503);
            assertThat(unknownId.isRetriable()).as("no schema with that id").isFalse();
            assertThat(unknownId.isNotFound()).isTrue();
            assertThat(SchemaRegistryException.retriableIn(
                            new IllegalStateException("wrapped", new RuntimeException(serverError))))
                    .containsSame(serverError);
            assertThat(SchemaRegistryException.retriableIn(new RuntimeException(unknownId)))
                    .isEmpty();
        } finally {
            failing.stop(0);
        }
    }

    private SchemaRegistryException readFailure(URI registryUrl, byte[] record) {
        SchemaRegistryClient client =
                new RestSchemaRegistryClient(List.of(registryUrl), Duration.ofSeconds(5), Optional.empty());
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() ->
                new ConfluentAvroDeserializer<>(client, ThreatEvent.class, config, false).deserialize(TOPIC, record));
        assertThat(thrown).isInstanceOf(SchemaRegistryException.class);
        return (SchemaRegistryException) thrown;
    }

    @Test
    void shouldReportTruncatedAvroAsASerializationErrorNotACrash() {
        ConfluentAvroSerde<ThreatEvent> serde = ConfluentAvroSerde.specific(ThreatEvent.class, registry, config, false);
        byte[] bytes = serde.serializer().serialize(TOPIC, SampleEvents.shylockDomain(6));
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length / 2);

        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot decode a record of topic 'ti.sensor-events.v1'");
    }

    @Test
    void shouldLetAnOlderReaderReadDataWrittenWithANewerCompatibleSchema() {
        // Given a newer writer schema: ThreatEvent plus a field with a default
        Schema v2 = withExtraField(ThreatEvent.getClassSchema(), "severity", "high");
        registry.register(TOPIC + "-value", ThreatEvent.getClassSchema());
        GenericRecord newer = copyInto(SampleEvents.shylockDomain(7), v2);
        newer.put("severity", "critical");
        byte[] bytes = new ConfluentAvroSerializer<GenericRecord>(registry, config, false).serialize(TOPIC, newer);

        // When the generated (older) class reads it
        ThreatEvent read = new ConfluentAvroDeserializer<ThreatEvent>(registry, ThreatEvent.class, config, false)
                .deserialize(TOPIC, bytes);

        // Then the known fields come through and the new one is dropped
        assertThat(read).isEqualTo(SampleEvents.shylockDomain(7));
    }

    @Test
    void shouldLetANewerReaderReadDataWrittenWithTheOlderSchema() {
        Schema v2 = withExtraField(ThreatEvent.getClassSchema(), "severity", "high");
        byte[] bytes = ConfluentAvroSerde.specific(ThreatEvent.class, registry, config, false)
                .serializer()
                .serialize(TOPIC, SampleEvents.shylockDomain(8));

        GenericRecord read = ConfluentAvroDeserializer.withReaderSchema(registry, v2, config, false)
                .deserialize(TOPIC, bytes);

        assertThat(read.get("severity")).hasToString("high");
        assertThat(read.get("eventId")).hasToString("evt-8");
        assertThat(read.get("tlp")).hasToString(Tlp.AMBER.name());
    }

    @Test
    void shouldRefuseAnIncompatibleSchemaWithTheRegistrysReason() {
        registry.register(TOPIC + "-value", ThreatEvent.getClassSchema());
        Schema incompatible = SchemaBuilder.record("ThreatEvent")
                .namespace("io.threatline.contract")
                .fields()
                .requiredString("eventId")
                .requiredInt("mandatoryNewField")
                .endRecord();
        GenericRecord record = new GenericData.Record(incompatible);
        record.put("eventId", "x");
        record.put("mandatoryNewField", 1);

        assertThatThrownBy(() ->
                        new ConfluentAvroSerializer<GenericRecord>(registry, config, false).serialize(TOPIC, record))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("Incompatible schema");
    }

    @Test
    void shouldSayTheRegistryIsUnreachableAndWhere() {
        URI nobody = URI.create("http://localhost:" + FreePorts.any());
        SchemaRegistryClient client =
                new RestSchemaRegistryClient(List.of(nobody), Duration.ofSeconds(2), Optional.empty());

        assertThatThrownBy(() -> new ConfluentAvroSerializer<ThreatEvent>(client, config, false)
                        .serialize(TOPIC, SampleEvents.shylockDomain(9)))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("Schema registry at " + nobody + " is unreachable")
                .satisfies(e -> assertThat(((SchemaRegistryException) e).isUnreachable())
                        .isTrue());
    }

    @Test
    void shouldRejectABadSettingNamingIt() {
        assertThatThrownBy(() -> new ConfluentAvroSerializer<>()
                        .configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "localhost:8081"), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> new ConfluentAvroSerializer<>()
                        .configure(
                                Map.of(
                                        AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                                        "http://localhost:8081",
                                        AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY,
                                        "by-colour"),
                                false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("value.subject.name.strategy")
                .hasMessageContaining("topic, record, topic-record");
        assertThatThrownBy(() -> new ConfluentAvroSerializer<>().configure(Map.of(), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url is required");
    }

    @Test
    void shouldRefuseSomethingThatIsNotAnAvroRecord() {
        ConfluentAvroSerializer<Object> serializer = new ConfluentAvroSerializer<>(registry, config, false);
        assertThatThrownBy(() -> serializer.serialize(TOPIC, "plain string"))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("only Avro records");
    }

    static Schema withExtraField(Schema base, String name, String defaultValue) {
        List<Schema.Field> fields = new java.util.ArrayList<>();
        for (Schema.Field f : base.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field(name, Schema.create(Schema.Type.STRING), "added in v2", defaultValue));
        Schema v2 = Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
        return v2;
    }

    /** The event as a GenericRecord of the given (compatible) schema, through plain Avro binary. */
    static GenericRecord copyInto(ThreatEvent event, Schema schema) {
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            org.apache.avro.io.BinaryEncoder encoder =
                    org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
            new org.apache.avro.specific.SpecificDatumWriter<ThreatEvent>(ThreatEvent.getClassSchema())
                    .write(event, encoder);
            encoder.flush();
            return new org.apache.avro.generic.GenericDatumReader<GenericRecord>(ThreatEvent.getClassSchema(), schema)
                    .read(null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
