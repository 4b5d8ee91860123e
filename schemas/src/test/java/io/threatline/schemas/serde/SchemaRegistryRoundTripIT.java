package io.threatline.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.threatline.contract.ThreatEvent;
import io.threatline.platform.testing.SharedPlatform;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** The serde and client against the real local registry over HTTP (no in-memory stand-in). */
class SchemaRegistryRoundTripIT {

    private final Map<String, Object> config = Map.of(
            AvroSerdeConfig.SCHEMA_REGISTRY_URL, SharedPlatform.registryUrl().toString());

    @Test
    void shouldEvolveBackwardAndForwardThroughTheRegistry() {
        String topic = "evolution-" + UUID.randomUUID();
        // Given v1 written by the generated class and v2 (a field with a default added) by a generic writer
        ConfluentAvroSerializer<Object> serializer = new ConfluentAvroSerializer<>();
        serializer.configure(config, false);
        byte[] v1Bytes = serializer.serialize(topic, SampleEvents.shylockDomain(1));
        Schema v2 = ConfluentAvroSerdeTest.withExtraField(ThreatEvent.getClassSchema(), "severity", "high");
        GenericRecord newer = ConfluentAvroSerdeTest.copyInto(SampleEvents.shylockDomain(2), v2);
        newer.put("severity", "critical");
        byte[] v2Bytes = serializer.serialize(topic, newer);

        // Then the registry holds two versions under the topic's subject
        SchemaRegistryClient client = new RestSchemaRegistryClient(SharedPlatform.registryUrl());
        assertThat(client.versions(topic + "-value")).containsExactly(1, 2);

        // And the older reader reads the newer data; the newer reader reads the older data
        ConfluentAvroDeserializer<ThreatEvent> oldReader = new ConfluentAvroDeserializer<>(
                new CachingSchemaRegistryClient(client), ThreatEvent.class, config, false);
        assertThat(oldReader.deserialize(topic, v2Bytes)).isEqualTo(SampleEvents.shylockDomain(2));
        GenericRecord upgraded = ConfluentAvroDeserializer.withReaderSchema(client, v2, config, false)
                .deserialize(topic, v1Bytes);
        assertThat(upgraded.get("severity")).hasToString("high");
        assertThat(upgraded.get("eventId")).hasToString("evt-1");
    }

    @Test
    void shouldSurfaceTheRegistrysIncompatibilityAnswer() {
        String topic = "incompatible-" + UUID.randomUUID();
        ConfluentAvroSerializer<Object> serializer = new ConfluentAvroSerializer<>();
        serializer.configure(config, false);
        serializer.serialize(topic, SampleEvents.shylockDomain(1));
        Schema breaking = SchemaBuilder.record("ThreatEvent")
                .namespace("io.threatline.contract")
                .fields()
                .requiredString("eventId")
                .requiredInt("mandatoryNewField")
                .endRecord();
        GenericRecord record = new GenericData.Record(breaking);
        record.put("eventId", "x");
        record.put("mandatoryNewField", 1);

        assertThatThrownBy(() -> serializer.serialize(topic, record))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageStartingWith("Incompatible schema: Schema registry at " + SharedPlatform.registryUrl())
                .hasMessageContaining("error 409, HTTP 409")
                .satisfies(e ->
                        assertThat(((SchemaRegistryException) e).errorCode()).isEqualTo(409));
    }

    @Test
    void shouldNameAnUnknownSchemaIdFromTheRegistry() {
        ConfluentAvroDeserializer<ThreatEvent> deserializer = new ConfluentAvroDeserializer<>();
        deserializer.configure(
                Map.of(
                        AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                        SharedPlatform.registryUrl().toString(),
                        AvroSerdeConfig.SPECIFIC_AVRO_READER,
                        true),
                false);

        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0x7f, 0, 0, 1, 2}))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("Unknown schema id 2130706433")
                .hasMessageContaining("error 40403");
    }

    @Test
    void shouldAnswerTheClientCallsOfTheConfluentApi() {
        String subject = "client-calls-" + UUID.randomUUID() + "-value";
        SchemaRegistryClient client = new RestSchemaRegistryClient(
                List.of(SharedPlatform.registryUrl()), java.time.Duration.ofSeconds(5), Optional.empty());

        assertThat(client.lookup(subject, ThreatEvent.getClassSchema())).isEmpty();
        assertThat(client.isCompatible(subject, ThreatEvent.getClassSchema()))
                .as("nothing registered yet")
                .isTrue();
        int id = client.register(subject, ThreatEvent.getClassSchema());
        assertThat(client.register(subject, ThreatEvent.getClassSchema()))
                .as("idempotent")
                .isEqualTo(id);
        assertThat(client.lookup(subject, ThreatEvent.getClassSchema()))
                .get()
                .satisfies(v -> assertThat(v.id()).isEqualTo(id))
                .satisfies(v -> assertThat(v.version()).isEqualTo(1));
        assertThat(client.latest(subject).schema()).isEqualTo(ThreatEvent.getClassSchema());
        assertThat(client.version(subject, 1).id()).isEqualTo(id);
        assertThat(client.schemaById(id)).isEqualTo(ThreatEvent.getClassSchema());
        assertThat(client.subjects()).contains(subject);
        client.setCompatibility(Optional.of(subject), "FULL");
        assertThat(client.compatibility(Optional.of(subject))).isEqualTo("FULL");
        assertThat(client.compatibility(Optional.empty())).isEqualTo("BACKWARD");
        Schema unrelated =
                SchemaBuilder.record("Other").fields().requiredLong("n").endRecord();
        assertThat(client.isCompatible(subject, unrelated)).isFalse();
    }
}
