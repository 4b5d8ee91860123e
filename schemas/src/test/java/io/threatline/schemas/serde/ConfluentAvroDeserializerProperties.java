package io.threatline.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.threatline.contract.DeadLetter;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.KillChainPhase;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Whatever bytes arrive, {@link ConfluentAvroDeserializer} returns a record or throws a
 * {@link SerializationException} with a message — never another exception, never an
 * {@link Error}, and never allocating much more than the record's own size (a length prefix is a
 * claim, not a fact). Inputs: arbitrary bytes, and valid frames of several schemas mutated the way
 * corrupt or hostile data is (bit flips, truncation, extension, another magic byte or schema id,
 * a huge length or count spliced in). The registry is in memory: this is about decoding.
 */
class ConfluentAvroDeserializerProperties {

    private static final String TOPIC = "ti.sensor-events.v1";
    /** Decoding one record may allocate this much beyond a multiple of its size (objects, the reader's buffers). */
    private static final long FIXED_ALLOWANCE = 2L * 1024 * 1024;

    private static final long PER_BYTE_ALLOWANCE = 64;

    /** Every Avro type the decoder reads, including maps, bytes, fixed and floating point. */
    static final Schema RICH = SchemaBuilder.record("Rich")
            .namespace("io.threatline.test")
            .fields()
            .requiredString("s")
            .requiredBytes("b")
            .name("f")
            .type()
            .fixed("Four")
            .size(4)
            .noDefault()
            .requiredDouble("d")
            .requiredFloat("fl")
            .requiredBoolean("flag")
            .name("tags")
            .type()
            .map()
            .values()
            .array()
            .items()
            .longType()
            .noDefault()
            .name("nested")
            .type()
            .array()
            .items()
            .record("Inner")
            .fields()
            .optionalString("name")
            .requiredInt("n")
            .endRecord()
            .noDefault()
            .name("e")
            .type()
            .enumeration("Colour")
            .symbols("RED", "GREEN")
            .noDefault()
            .endRecord();

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final ConfluentAvroSerializer<Object> serializer = new ConfluentAvroSerializer<>(registry, Map.of(), false);
    private final Deserializer<ThreatEvent> specific =
            new ConfluentAvroDeserializer<>(registry, ThreatEvent.class, Map.of(), false);
    private final Deserializer<Object> generic = new ConfluentAvroDeserializer<>(registry, null, Map.of(), false);
    private final List<Integer> registeredIds;
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    ConfluentAvroDeserializerProperties() {
        registeredIds = List.of(
                registry.register(TOPIC + "-value", ThreatEvent.getClassSchema()),
                registry.register("ti.dead-letter.v1-value", DeadLetter.getClassSchema()),
                registry.register("rich-value", RICH));
        // The first record of each schema builds its reader and resolver once; that is not per-record cost.
        for (int id : registeredIds) {
            byte[] frame = Arrays.copyOf(threatEventFrame(event("warm-up", "x.example", List.of())), 64);
            ByteBuffer.wrap(frame, 1, 4).putInt(id);
            outcome(specific, frame);
            outcome(generic, frame);
        }
    }

    @Property(tries = 400)
    @Label("arbitrary bytes: a record or a SerializationException, within bounded memory")
    void arbitraryBytes(@ForAll("anyBytes") byte[] data) {
        assertReadsOrRefusesCleanly(data);
    }

    @Property(tries = 1000)
    @Label("mutated valid frames: a record or a SerializationException, within bounded memory")
    void mutatedFrames(@ForAll("validFrames") byte[] frame, @ForAll("mutations") List<Mutation> mutations) {
        byte[] data = frame;
        for (Mutation m : mutations) {
            data = m.apply(data);
        }
        assertReadsOrRefusesCleanly(data);
    }

    @Property(tries = 300)
    @Label("valid frames read back unchanged")
    void validFramesReadBack(
            @ForAll("text") String s,
            @ForAll byte[] b,
            @ForAll("tags") Map<String, List<Long>> tags,
            @ForAll double d,
            @ForAll float fl,
            @ForAll("text") String value,
            @ForAll("families") List<String> families) {
        GenericRecord rich = richRecord(s, b, tags, families.size(), d, fl);
        ThreatEvent event = event(s, value, families);

        assertSameRich((GenericRecord) generic.deserialize(TOPIC, serializer.serialize("rich", rich)), rich);
        assertThat(specific.deserialize(TOPIC, threatEventFrame(event))).isEqualTo(event);
    }

    /** Field by field; a generic map comes back as a HashMap keyed by Avro's Utf8, in its own order. */
    private static void assertSameRich(GenericRecord actual, GenericRecord expected) {
        for (Schema.Field f : RICH.getFields()) {
            if (f.name().equals("tags")) {
                java.util.TreeMap<String, Object> a = new java.util.TreeMap<>();
                ((Map<?, ?>) actual.get("tags")).forEach((k, v) -> a.put(k.toString(), v));
                assertThat(a).isEqualTo(new java.util.TreeMap<>((Map<?, ?>) expected.get("tags")));
            } else {
                assertThat(GenericData.get().toString(actual.get(f.name())))
                        .as(f.name())
                        .isEqualTo(GenericData.get().toString(expected.get(f.name())));
            }
        }
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.strings().ofMaxLength(40);
    }

    @Provide
    Arbitrary<Map<String, List<Long>>> tags() {
        return Arbitraries.maps(text(), Arbitraries.longs().list().ofMaxSize(3)).ofMaxSize(3);
    }

    @Provide
    Arbitrary<List<String>> families() {
        return text().list().ofMaxSize(4);
    }

    @Example
    void aFifteenByteRecordClaimingATwoGibibyteStringIsRefusedWithoutAllocatingIt() {
        // Before the bounded decoder Avro allocated the claimed length first: an OutOfMemoryError.
        byte[] frame = withVarLongAt(threatEventFrame(event("e", "x.example", List.of())), 5, Integer.MAX_VALUE - 16L);

        assertThatThrownBy(() -> specific.deserialize(TOPIC, frame))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("string of " + (Integer.MAX_VALUE - 16L) + " bytes");
        assertThat(allocatedBySecondCall(specific, frame)).isLessThan(FIXED_ALLOWANCE);
    }

    @Example
    void aRecordClaimingAHundredMillionArrayItemsIsRefusedWithoutAllocatingThem() {
        byte[] valid = threatEventFrame(event("e", "x.example", List.of()));
        // The empty malwareFamilies array is the seventh byte from the end (then campaign, tags, phase, retraction,
        // reason, report).
        byte[] frame = withVarLongAt(valid, valid.length - 7, 100_000_000L);

        assertThatThrownBy(() -> specific.deserialize(TOPIC, frame))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("claims 100000000 items");
        assertThat(allocatedBySecondCall(specific, frame)).isLessThan(FIXED_ALLOWANCE);
    }

    @Example
    void everyKindOfValueStillReadsBackUnchanged() {
        GenericRecord rich = richRecord("héllo", new byte[] {1, 2, 3}, Map.of("k", List.of(1L, -2L)), 3);
        ThreatEvent event = event("e-1", "c2[.]shylock.example", List.of("Caphaw", "Shylock"));

        assertSameRich((GenericRecord) generic.deserialize(TOPIC, serializer.serialize("rich", rich)), rich);
        assertThat(specific.deserialize(TOPIC, threatEventFrame(event))).isEqualTo(event);
    }

    private void assertReadsOrRefusesCleanly(byte[] data) {
        for (Deserializer<?> d : List.of(specific, generic)) {
            Object outcome = outcome(d, data);
            long allocated = allocatedBySecondCall(d, data);
            if (outcome instanceof Throwable t) {
                assertThat(t)
                        .as("what %s threw for %s", d.getClass().getSimpleName(), hex(data))
                        .isInstanceOf(SerializationException.class);
                assertThat(t.getMessage()).as("its message").isNotBlank();
            } else {
                assertThat(outcome).as("a record, if not an exception").isNotNull();
            }
            assertThat(allocated)
                    .as("bytes allocated to read %d bytes: %s", data.length, hex(data))
                    .isLessThan(FIXED_ALLOWANCE + PER_BYTE_ALLOWANCE * data.length);
        }
    }

    /**
     * Bytes the current thread allocates to read {@code data} again: the first read of a kind of
     * input may load classes or build a schema's resolver once, which is no per-record cost.
     */
    private long allocatedBySecondCall(Deserializer<?> d, byte[] data) {
        long before = threads.getCurrentThreadAllocatedBytes();
        outcome(d, data);
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    /** The record, or whatever was thrown — an Error included, so the property can name it. */
    private static Object outcome(Deserializer<?> d, byte[] data) {
        try {
            return d.deserialize(TOPIC, data);
        } catch (Throwable t) {
            return t;
        }
    }

    @Provide
    Arbitrary<byte[]> anyBytes() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        // Mostly past the header check, with an id that may or may not be registered.
        Arbitrary<byte[]> framed = Combinators.combine(
                        Arbitraries.oneOf(Arbitraries.of(registeredIds), Arbitraries.integers()),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(300))
                .as((id, body) -> {
                    byte[] out = new byte[5 + body.length];
                    ByteBuffer.wrap(out).put((byte) 0).putInt(id).put(body);
                    return out;
                });
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, random), net.jqwik.api.Tuple.of(3, framed));
    }

    @Provide
    Arbitrary<byte[]> validFrames() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(40);
        Arbitrary<byte[]> threatEvents = Combinators.combine(
                        text, text, text.list().ofMaxSize(4))
                .as((id, value, families) -> threatEventFrame(event(id, value, families)));
        Arbitrary<byte[]> richRecords = Combinators.combine(
                        text,
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(20),
                        Arbitraries.maps(text, Arbitraries.longs().list().ofMaxSize(3))
                                .ofMaxSize(3),
                        Arbitraries.integers().between(0, 4))
                .as((s, b, m, n) -> serializer.serialize("rich", richRecord(s, b, m, n)));
        Arbitrary<byte[]> deadLetters = Combinators.combine(
                        text, Arbitraries.bytes().array(byte[].class).ofMaxSize(30))
                .as((reason, original) -> serializer.serialize(
                        "ti.dead-letter.v1",
                        DeadLetter.newBuilder()
                                .setReasonCode("X")
                                .setReason(reason)
                                .setStage("validate")
                                .setSourceTopic(TOPIC)
                                .setSourcePartition(0)
                                .setSourceOffset(7)
                                .setOriginalValue(ByteBuffer.wrap(original))
                                .setFailedAt(Instant.EPOCH)
                                .build()));
        return Arbitraries.oneOf(threatEvents, richRecords, deadLetters);
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, 400);
        Arbitrary<Mutation> flip = Combinators.combine(
                        at, Arbitraries.integers().between(0, 7))
                .as((i, bit) -> d -> {
                    byte[] out = d.clone();
                    if (out.length > 0) {
                        out[i % out.length] ^= (byte) (1 << bit);
                    }
                    return out;
                });
        Arbitrary<Mutation> truncate = at.map(i -> d -> Arrays.copyOf(d, d.length == 0 ? 0 : i % d.length));
        Arbitrary<Mutation> extend = Arbitraries.bytes()
                .array(byte[].class)
                .ofMinSize(1)
                .ofMaxSize(20)
                .map(extra -> d -> {
                    byte[] out = Arrays.copyOf(d, d.length + extra.length);
                    System.arraycopy(extra, 0, out, d.length, extra.length);
                    return out;
                });
        Arbitrary<Mutation> magic = Arbitraries.bytes().filter(b -> b != 0).map(b -> d -> {
            byte[] out = d.clone();
            if (out.length > 0) {
                out[0] = b;
            }
            return out;
        });
        Arbitrary<Mutation> schemaId = Arbitraries.oneOf(Arbitraries.of(registeredIds), Arbitraries.integers())
                .map(id -> d -> {
                    byte[] out = d.clone();
                    if (out.length >= 5) {
                        ByteBuffer.wrap(out, 1, 4).putInt(id);
                    }
                    return out;
                });
        Arbitrary<Long> hugeOrNegative = Arbitraries.oneOf(
                Arbitraries.longs().between(1L << 20, Long.MAX_VALUE),
                Arbitraries.longs().between(Long.MIN_VALUE, -1),
                Arbitraries.of(
                        Long.MAX_VALUE, Long.MIN_VALUE, (long) Integer.MAX_VALUE, Integer.MAX_VALUE - 8L, 1L << 31));
        Arbitrary<Mutation> hugeLength = Combinators.combine(at, hugeOrNegative)
                .as((i, n) -> d -> d.length <= 5 ? d : withVarLongAt(d, 5 + i % (d.length - 5), n));
        return Arbitraries.oneOf(flip, truncate, extend, magic, schemaId, hugeLength)
                .list()
                .ofMinSize(1)
                .ofMaxSize(4);
    }

    /** A change to a frame; never changes its argument. */
    @FunctionalInterface
    interface Mutation {
        byte[] apply(byte[] frame);
    }

    private byte[] threatEventFrame(ThreatEvent event) {
        return serializer.serialize(TOPIC, event);
    }

    private static ThreatEvent event(String id, String value, List<String> families) {
        return ThreatEvent.newBuilder()
                .setEventId(id)
                .setIndicatorType(IndicatorType.DOMAIN)
                .setIndicatorValue(value)
                .setObservedAt(Instant.parse("2026-11-29T10:15:30.123Z"))
                .setVendor("acme")
                .setSensorId("s-1")
                .setConfidence(80)
                .setTlp(Tlp.AMBER)
                .setMalwareFamilies(families)
                .setKillChainPhase(families.isEmpty() ? null : KillChainPhase.COMMAND_AND_CONTROL)
                .build();
    }

    private static GenericRecord richRecord(String s, byte[] b, Map<String, List<Long>> tags, int nested) {
        return richRecord(s, b, tags, nested, 1.5e300, -0.25f);
    }

    private static GenericRecord richRecord(
            String s, byte[] b, Map<String, List<Long>> tags, int nested, double d, float fl) {
        GenericData.Record r = new GenericData.Record(RICH);
        r.put("s", s);
        r.put("b", ByteBuffer.wrap(b));
        r.put("f", new GenericData.Fixed(RICH.getField("f").schema(), new byte[] {9, 8, 7, 6}));
        r.put("d", d);
        r.put("fl", fl);
        r.put("flag", true);
        r.put("tags", tags);
        Schema inner = RICH.getField("nested").schema().getElementType();
        List<GenericRecord> items = new java.util.ArrayList<>();
        for (int i = 0; i < nested; i++) {
            GenericData.Record item = new GenericData.Record(inner);
            item.put("name", i % 2 == 0 ? null : "n" + i);
            item.put("n", -i);
            items.add(item);
        }
        r.put("nested", items);
        r.put("e", new GenericData.EnumSymbol(RICH.getField("e").schema(), "GREEN"));
        return r;
    }

    /** {@code frame} with the zig-zag varint of {@code n} written over it from {@code at} on. */
    static byte[] withVarLongAt(byte[] frame, int at, long n) {
        byte[] out = Arrays.copyOf(frame, Math.max(frame.length, at + 10));
        long z = (n << 1) ^ (n >> 63);
        int i = at;
        while ((z & ~0x7FL) != 0) {
            out[i++] = (byte) ((z & 0x7F) | 0x80);
            z >>>= 7;
        }
        out[i++] = (byte) z;
        return Arrays.copyOf(out, Math.max(frame.length, i));
    }

    private static String hex(byte[] data) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(data.length, 64); i++) {
            sb.append(String.format("%02x", data[i]));
        }
        return sb.append(data.length > 64 ? "..." : "").toString();
    }
}
