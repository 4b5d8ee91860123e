package io.threatline.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.DeadLetter;
import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.schemas.Result;
import io.threatline.schemas.identity.CanonicalIndicator;
import io.threatline.schemas.serde.ConfluentAvroDeserializer;
import io.threatline.schemas.serde.InMemorySchemaRegistryClient;
import io.threatline.schemas.validation.ThreatEventValidator;
import io.threatline.streams.dedup.DedupProcessor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Arbitrary and mutated byte arrays on the sensor-events topic, through the real hub topology
 * under TopologyTestDriver: piping never throws; every record that is not a valid event comes out
 * on the dead-letter topic — once, with a reason code, a reason, where it came from and its
 * original bytes; every valid event is processed (its indicator is in the dedup state) and never
 * dead-lettered; and no record makes the hub allocate what a length prefix claims (a heap the size
 * of the claim is what would crash it). One driver serves every try (building one takes seconds); each try looks only at
 * what its own records produced.
 */
class HubInputProperties {

    private static final String TOPIC = HubTestDriver.TOPICS.sensorEvents();
    private static final List<String> VALUES = List.of(
            "c2.shylock-example.com",
            "update[.]evil[.]example",
            "198.51.100.7",
            "2001:db8::7",
            "hxxp://cdn.evil.example/gate.php",
            "44d88612fea8a8f36de82e1278abb02f",
            "x@phish.example",
            "not an indicator",
            "300.1.2.3",
            "");

    /** Far more than processing a small record takes, far less than what a hostile length prefix asks for. */
    private static final long MAX_ALLOCATION_PER_RECORD = 64L * 1024 * 1024;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

    private static InMemorySchemaRegistryClient registry;
    private static HubTestDriver hub;
    private static Deserializer<ThreatEvent> oracle;
    private static int threatEventId;
    private static int deadLetterId;
    private static long offset;

    @BeforeContainer
    static void startHub() {
        registry = new InMemorySchemaRegistryClient();
        hub = new HubTestDriver(Map.of(), registry);
        threatEventId = registry.register(TOPIC + "-value", ThreatEvent.getClassSchema());
        deadLetterId = registry.register("other-value", DeadLetter.getClassSchema());
        registry.register("indicators-value", Indicator.getClassSchema());
        oracle = new ConfluentAvroDeserializer<>(registry, ThreatEvent.class, Map.of(), false);
    }

    @AfterContainer
    static void stopHub() {
        hub.close();
    }

    @Property(tries = 300)
    @Label("bad input is dead-lettered with its reason and bytes, good input is processed, nothing throws")
    void everyRecordIsProcessedOrDeadLetteredWithItsReason(
            @ForAll("records") List<Tuple.Tuple2<byte[], byte[]>> records) {
        KeyValueStore<String, io.threatline.streams.dedup.IndicatorState> state =
                hub.driver.getKeyValueStore(DedupProcessor.STATE_STORE);
        for (Tuple.Tuple2<byte[], byte[]> record : records) {
            byte[] key = record.get1();
            byte[] value = record.get2();
            long rejectedBefore = hub.counters.rejectedCount();

            long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
            hub.rawEvents.pipeInput(key, value, Instant.parse("2026-11-29T10:00:00Z"));
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore;
            long at = offset++;

            // A length prefix is a claim: no record makes the hub allocate what it claims rather than what it has.
            assertThat(allocated)
                    .as("bytes allocated to process %s", hex(value))
                    .isLessThan(MAX_ALLOCATION_PER_RECORD);

            List<DeadLetter> letters = hub.deadLetters.readValuesToList();
            ThreatEvent event = asEvent(value);
            Result<CanonicalIndicator> expected = event == null ? null : ThreatEventValidator.validate(event);
            if (expected != null && expected.isOk()) {
                assertThat(letters)
                        .as("a valid event is never dead-lettered: %s", hex(value))
                        .isEmpty();
                assertThat(hub.counters.rejectedCount()).isEqualTo(rejectedBefore);
                if (!event.getRetraction()) {
                    assertThat(state.get(expected.value().id()))
                            .as(
                                    "a valid event is processed: %s",
                                    expected.value().id())
                            .isNotNull();
                }
            } else {
                assertThat(letters)
                        .as("one dead letter for %s", hex(value))
                        .singleElement()
                        .satisfies(letter -> {
                            assertThat(letter.getReasonCode()).matches("[A-Z][A-Z0-9_]*[A-Z0-9]");
                            if (expected != null) {
                                assertThat(letter.getReasonCode())
                                        .isEqualTo(expected.rejection().code());
                            }
                            assertThat(letter.getReason()).isNotBlank();
                            assertThat(letter.getStage()).isEqualTo("validate");
                            assertThat(letter.getSourceTopic()).isEqualTo(TOPIC);
                            assertThat(letter.getSourceOffset()).isEqualTo(at);
                            assertThat(letter.getOriginalValue())
                                    .isEqualTo(value == null ? null : ByteBuffer.wrap(value));
                            assertThat(letter.getOriginalKey()).isEqualTo(key == null ? null : ByteBuffer.wrap(key));
                        });
            }
        }
        hub.indicators.readRecordsToList();
    }

    /** The event these bytes are, read apart from the hub; null when they are none. */
    private static ThreatEvent asEvent(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return oracle.deserialize(TOPIC, value);
        } catch (RuntimeException notAnEvent) {
            return null;
        }
    }

    @Provide
    Arbitrary<List<Tuple.Tuple2<byte[], byte[]>>> records() {
        Arbitrary<byte[]> key = Arbitraries.oneOf(
                Arbitraries.just((byte[]) null),
                Arbitraries.of("domain:c2.shylock-example.com", "ipv4:198.51.100.7", "garbage")
                        .map(k -> k.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(20));
        Arbitrary<byte[]> value = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just((byte[]) null)),
                Tuple.of(3, Arbitraries.bytes().array(byte[].class).ofMaxSize(120)),
                Tuple.of(3, framedGarbage()),
                Tuple.of(4, validFrames()),
                Tuple.of(6, mutatedFrames()));
        return Combinators.combine(key, value).as(Tuple::of).list().ofMinSize(1).ofMaxSize(6);
    }

    private static Arbitrary<byte[]> framedGarbage() {
        Arbitrary<Integer> id = Arbitraries.oneOf(Arbitraries.of(1, 2, 3, 4242), Arbitraries.integers());
        return Combinators.combine(id, Arbitraries.bytes().array(byte[].class).ofMaxSize(120))
                .as((schemaId, body) -> {
                    byte[] out = new byte[5 + body.length];
                    ByteBuffer.wrap(out).put((byte) 0).putInt(schemaId).put(body);
                    return out;
                });
    }

    private static Arbitrary<byte[]> validFrames() {
        return Combinators.combine(
                        Arbitraries.of(IndicatorType.values()),
                        Arbitraries.of(VALUES),
                        Arbitraries.of(Tlp.values()),
                        Arbitraries.integers().between(-5, 105),
                        Arbitraries.strings().ofMaxLength(10),
                        Arbitraries.of(true, false))
                .as((type, value, tlp, confidence, vendor, retraction) -> hub.serdes
                        .threatEvent
                        .serializer()
                        .serialize(
                                TOPIC,
                                ThreatEvent.newBuilder()
                                        .setEventId("e-" + value.hashCode())
                                        .setIndicatorType(type)
                                        .setIndicatorValue(value)
                                        .setObservedAt(Instant.parse("2026-11-29T09:00:00Z"))
                                        .setVendor(vendor)
                                        .setSensorId("s-1")
                                        .setConfidence(confidence)
                                        .setTlp(tlp)
                                        .setMalwareFamilies(List.of("Shylock"))
                                        .setRetraction(retraction)
                                        .build()));
    }

    /** Valid frames with a few bit flips, a cut, bytes added, another schema id or a huge length spliced in. */
    private static Arbitrary<byte[]> mutatedFrames() {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, 10_000);
        Arbitrary<java.util.function.UnaryOperator<byte[]>> flip = Combinators.combine(
                        at, Arbitraries.integers().between(0, 7))
                .as((i, bit) -> d -> {
                    byte[] out = d.clone();
                    out[i % out.length] ^= (byte) (1 << bit);
                    return out;
                });
        Arbitrary<java.util.function.UnaryOperator<byte[]>> cut = at.map(i -> d -> Arrays.copyOf(d, i % d.length));
        Arbitrary<java.util.function.UnaryOperator<byte[]>> extend = Arbitraries.bytes()
                .array(byte[].class)
                .ofMinSize(1)
                .ofMaxSize(8)
                .map(extra -> d -> {
                    byte[] out = Arrays.copyOf(d, d.length + extra.length);
                    System.arraycopy(extra, 0, out, d.length, extra.length);
                    return out;
                });
        Arbitrary<java.util.function.UnaryOperator<byte[]>> schemaId = Arbitraries.oneOf(
                        Arbitraries.of(1, 2, 3, 4242), Arbitraries.integers())
                .map(id -> d -> {
                    byte[] out = d.clone();
                    ByteBuffer.wrap(out, 1, 4).putInt(id == 1 ? threatEventId : id == 2 ? deadLetterId : id);
                    return out;
                });
        Arbitrary<Long> huge = Arbitraries.of(Integer.MAX_VALUE - 16L, 1L << 30, 1L << 28, -1L, Long.MAX_VALUE);
        Arbitrary<java.util.function.UnaryOperator<byte[]>> hugeLength = Combinators.combine(at, huge)
                .as((i, n) -> d -> {
                    // A length or count prefix claiming far more than the record holds.
                    byte[] out = d.clone();
                    int p = 5 + i % (out.length - 5);
                    long z = (n << 1) ^ (n >> 63);
                    while (p < out.length) {
                        boolean more = (z & ~0x7FL) != 0;
                        out[p++] = (byte) (more ? (z & 0x7F) | 0x80 : z);
                        if (!more) {
                            break;
                        }
                        z >>>= 7;
                    }
                    return out;
                });
        return Combinators.combine(
                        validFrames(),
                        Arbitraries.oneOf(flip, cut, extend, schemaId, hugeLength)
                                .list()
                                .ofMinSize(1)
                                .ofMaxSize(3))
                .as((frame, mutations) -> {
                    byte[] out = frame;
                    for (var m : mutations) {
                        out = out.length <= 5 ? out : m.apply(out);
                    }
                    return out;
                });
    }

    private static String hex(byte[] data) {
        if (data == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(data.length, 48); i++) {
            sb.append(String.format("%02x", data[i]));
        }
        return sb.append(data.length > 48 ? "..." : "").toString();
    }
}
