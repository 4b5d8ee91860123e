package io.threatline.bench;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.KillChainPhase;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.schemas.serde.ConfluentAvroDeserializer;
import io.threatline.schemas.serde.ConfluentAvroSerializer;
import io.threatline.schemas.serde.InMemorySchemaRegistryClient;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of the Confluent-wire-format Avro serde on a realistic ThreatEvent (187 bytes on the wire).
 * The registry is consulted once per schema and cached after that, so the steady state measured
 * here is what a producer or the hub pays per record whichever registry is behind it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SerdeBenchmark {

    private static final String TOPIC = "ti.sensor-events.v1";
    private ConfluentAvroSerializer<ThreatEvent> serializer;
    private ConfluentAvroDeserializer<ThreatEvent> deserializer;
    private ThreatEvent event;
    private byte[] bytes;

    @Setup
    public void setUp() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        serializer = new ConfluentAvroSerializer<>(registry, Map.of(), false);
        deserializer = new ConfluentAvroDeserializer<>(registry, ThreatEvent.class, Map.of(), false);
        event = ThreatEvent.newBuilder()
                .setEventId("5f0c7a52-7d7e-4f7e-9d55-3c1b2a9e8f10")
                .setIndicatorType(IndicatorType.URL)
                .setIndicatorValue("hxxp://c2-panel.shylock-example[.]com/gate.php?id=42")
                .setObservedAt(Instant.parse("2026-11-29T10:15:30.123Z"))
                .setVendor("acme-security")
                .setSensorId("sandbox-eu-west-3")
                .setConfidence(85)
                .setTlp(Tlp.AMBER)
                .setMalwareFamilies(List.of("Caphaw"))
                .setCampaign("op-shylock-2026")
                .setTags(List.of("banking-trojan", "c2"))
                .setKillChainPhase(KillChainPhase.COMMAND_AND_CONTROL)
                .build();
        bytes = serializer.serialize(TOPIC, event);
    }

    @Benchmark
    public byte[] serialize() {
        return serializer.serialize(TOPIC, event);
    }

    @Benchmark
    public ThreatEvent deserialize() {
        return deserializer.deserialize(TOPIC, bytes);
    }
}
