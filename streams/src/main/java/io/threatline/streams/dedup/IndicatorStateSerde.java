package io.threatline.streams.dedup;

import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.KillChainPhase;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerSighting;
import io.threatline.contract.Tlp;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The hub state's own encoding of an {@link IndicatorState} (docs/architecture.md, "The hub's
 * state"): the state store and its changelog are the hub's private business, read by no one else,
 * so they need neither the schema registry nor Avro's generic writer, which was a tenth of the hub's
 * time in the drain's profile (docs/benchmarks.md, issue 13). Every field of {@link Indicator}, in
 * schema order, after a format byte, then the partners that hold it:
 *
 * <pre>
 *   0x02, then per field: strings as a varint length and UTF-8; enums by symbol name (so reordering
 *   or adding symbols never changes what a stored name means; an unknown name reads as UNKNOWN);
 *   int and long as zig-zag varints; times as epoch milliseconds (what Avro's timestamp-millis keeps);
 *   lists as a varint count and their items; a nullable field as 0 (null) or 1 and the value;
 *   then the holders as a string.
 * </pre>
 *
 * An indicator that partners reported seeing (docs/sharing-back.md) is written as 0x03: the same, then
 * its partner sightings as a varint count and, for each, the partner id, the count, the last time
 * seen and the TLP. Every other indicator stays 0x02, byte for byte what it was before partners could report.
 *
 * Older values are still read, as held by no partner: 0x01 (the same without the holders) and
 * Confluent's wire format (0x00, read with the Avro deserializer it was written with).
 *
 * <p>{@link #FIELDS} names the fields encoded; a test compares it with the schema, so a field added
 * to {@code Indicator.avsc} fails the build until it is encoded here too.
 */
public final class IndicatorStateSerde implements Serde<IndicatorState> {

    /** The first byte of this encoding. */
    static final byte FORMAT = 2;

    /** The first byte of this encoding for an indicator with partner sightings: format 2 and then those. */
    static final byte FORMAT_WITH_PARTNER_SIGHTINGS = 3;

    /** The first byte of the encoding before the holders were part of the state. */
    static final byte FORMAT_WITHOUT_HOLDERS = 1;

    /** The fields of {@link Indicator} this encoding writes, in order. */
    static final List<String> FIELDS = List.of(
            "id",
            "type",
            "value",
            "action",
            "firstSeen",
            "lastSeen",
            "sightings",
            "vendors",
            "sensors",
            "confidence",
            "tlp",
            "malwareFamilies",
            "campaigns",
            "tags",
            "killChainPhases",
            "country",
            "asn",
            "asOrganization",
            "score",
            "updatedAt",
            "expiresAt",
            "receivedAt",
            "partnerSightings",
            // Not encoded: set only on the REVOKE of an erasure, which the state never keeps (refused in encode).
            "erased");

    private final Deserializer<Indicator> legacy;
    private final ThreadLocal<Writer> writers = ThreadLocal.withInitial(Writer::new);

    /** @param legacy reads a state value written in Confluent's wire format (before this encoding) */
    public IndicatorStateSerde(Deserializer<Indicator> legacy) {
        this.legacy = legacy;
    }

    @Override
    public Serializer<IndicatorState> serializer() {
        return (topic, state) -> {
            if (state != null && state.indicator().getErased()) {
                throw new SerializationException("an erased indicator is never kept in the state: " + topic);
            }
            return state == null ? null : encode(state);
        };
    }

    @Override
    public Deserializer<IndicatorState> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length > 0 && bytes[0] == 0) {
                return new IndicatorState(legacy.deserialize(topic, bytes), "");
            }
            return decode(bytes);
        };
    }

    byte[] encode(IndicatorState state) {
        Indicator i = state.indicator();
        Writer w = writers.get();
        w.reset();
        List<PartnerSighting> partnerSightings = required("partnerSightings", i.getPartnerSightings());
        w.out[w.size++] = partnerSightings.isEmpty() ? FORMAT : FORMAT_WITH_PARTNER_SIGHTINGS;
        w.string("id", i.getId());
        w.name("type", i.getType());
        w.string("value", i.getValue());
        w.name("action", i.getAction());
        w.time("firstSeen", i.getFirstSeen());
        w.time("lastSeen", i.getLastSeen());
        w.varlong(i.getSightings());
        w.strings("vendors", i.getVendors());
        w.strings("sensors", i.getSensors());
        w.varlong(i.getConfidence());
        w.name("tlp", i.getTlp());
        w.strings("malwareFamilies", i.getMalwareFamilies());
        w.strings("campaigns", i.getCampaigns());
        w.strings("tags", i.getTags());
        List<KillChainPhase> phases = required("killChainPhases", i.getKillChainPhases());
        w.varlong(phases.size());
        for (KillChainPhase phase : phases) {
            w.name("killChainPhases", phase);
        }
        w.optionalString(i.getCountry());
        w.optionalLong(i.getAsn());
        w.optionalString(i.getAsOrganization());
        w.varlong(i.getScore());
        w.time("updatedAt", i.getUpdatedAt());
        w.time("expiresAt", i.getExpiresAt());
        w.time("receivedAt", i.getReceivedAt());
        w.string("holders", state.holders());
        if (!partnerSightings.isEmpty()) {
            w.varlong(partnerSightings.size());
            for (PartnerSighting sighting : partnerSightings) {
                w.string("partnerSightings", sighting.getPartnerId());
                w.varlong(sighting.getCount());
                w.time("partnerSightings", sighting.getLastSeen());
                w.name("partnerSightings", sighting.getTlp());
            }
        }
        return Arrays.copyOf(w.out, w.size);
    }

    static IndicatorState decode(byte[] bytes) {
        if (bytes.length == 0
                || bytes[0] != FORMAT
                        && bytes[0] != FORMAT_WITHOUT_HOLDERS
                        && bytes[0] != FORMAT_WITH_PARTNER_SIGHTINGS) {
            throw new SerializationException("not an indicator state value: format byte "
                    + (bytes.length == 0 ? "missing" : String.valueOf(bytes[0])) + ", expected " + FORMAT
                    + " (or " + FORMAT_WITHOUT_HOLDERS + ", or 0 for Confluent's wire format)");
        }
        Reader r = new Reader(bytes);
        try {
            Indicator i = new Indicator();
            i.setId(r.string());
            i.setType(r.name(IndicatorType.class, IndicatorType.UNKNOWN));
            i.setValue(r.string());
            i.setAction(r.name(LifecycleAction.class, LifecycleAction.UNKNOWN));
            i.setFirstSeen(r.time());
            i.setLastSeen(r.time());
            i.setSightings(r.varlong());
            i.setVendors(r.strings());
            i.setSensors(r.strings());
            i.setConfidence((int) r.varlong());
            i.setTlp(r.name(Tlp.class, Tlp.UNKNOWN));
            i.setMalwareFamilies(r.strings());
            i.setCampaigns(r.strings());
            i.setTags(r.strings());
            int phases = r.count();
            List<KillChainPhase> list = new ArrayList<>(phases);
            for (int k = 0; k < phases; k++) {
                list.add(r.name(KillChainPhase.class, KillChainPhase.UNKNOWN));
            }
            i.setKillChainPhases(list);
            i.setCountry(r.optionalString());
            i.setAsn(r.optionalLong());
            i.setAsOrganization(r.optionalString());
            i.setScore((int) r.varlong());
            i.setUpdatedAt(r.time());
            i.setExpiresAt(r.time());
            i.setReceivedAt(r.time());
            String holders = bytes[0] == FORMAT_WITHOUT_HOLDERS ? "" : r.string();
            if (bytes[0] == FORMAT_WITH_PARTNER_SIGHTINGS) {
                int n = r.count();
                List<PartnerSighting> sightings = new ArrayList<>(n);
                for (int k = 0; k < n; k++) {
                    sightings.add(
                            new PartnerSighting(r.string(), r.varlong(), r.time(), r.name(Tlp.class, Tlp.UNKNOWN)));
                }
                i.setPartnerSightings(sightings);
            } else {
                i.setPartnerSightings(List.of());
            }
            if (r.position != bytes.length) {
                throw new SerializationException(
                        "indicator state value has " + (bytes.length - r.position) + " bytes after its last field");
            }
            return new IndicatorState(i, holders);
        } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
            throw new SerializationException("indicator state value is truncated or corrupt: " + e.getMessage(), e);
        }
    }

    private static <T> T required(String field, T value) {
        if (value == null) {
            throw new SerializationException("indicator state field " + field + " is null");
        }
        return value;
    }

    /** A growing byte buffer, one per thread, reused. */
    private static final class Writer {
        byte[] out = new byte[512];
        int size;

        void reset() {
            size = 0;
        }

        private void ensure(int more) {
            if (size + more > out.length) {
                out = Arrays.copyOf(out, Math.max(out.length * 2, size + more));
            }
        }

        void varlong(long value) {
            ensure(10);
            long v = (value << 1) ^ (value >> 63);
            while ((v & ~0x7fL) != 0) {
                out[size++] = (byte) ((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            out[size++] = (byte) v;
        }

        void string(String field, String value) {
            raw(required(field, value));
        }

        private void raw(String value) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            varlong(utf8.length);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, out, size, utf8.length);
            size += utf8.length;
        }

        void name(String field, Enum<?> value) {
            raw(required(field, value).name());
        }

        void time(String field, Instant value) {
            varlong(required(field, value).toEpochMilli());
        }

        void strings(String field, List<String> values) {
            required(field, values);
            varlong(values.size());
            for (String value : values) {
                string(field, value);
            }
        }

        void optionalString(String value) {
            if (present(value)) {
                raw(value);
            }
        }

        void optionalLong(Long value) {
            if (present(value)) {
                varlong(value);
            }
        }

        /** Writes whether a nullable field has a value (1) or not (0). */
        private boolean present(Object value) {
            ensure(1);
            out[size++] = (byte) (value == null ? 0 : 1);
            return value != null;
        }
    }

    private static final class Reader {
        private final byte[] in;
        int position = 1;

        Reader(byte[] in) {
            this.in = in;
        }

        long varlong() {
            long v = 0;
            int shift = 0;
            while (true) {
                byte b = in[position++];
                v |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
                shift += 7;
                if (shift > 63) {
                    throw new IllegalArgumentException("varint longer than 10 bytes");
                }
            }
            return (v >>> 1) ^ -(v & 1);
        }

        int count() {
            long n = varlong();
            if (n < 0 || n > in.length - position) {
                throw new IllegalArgumentException("count " + n + " beyond the value's " + in.length + " bytes");
            }
            return (int) n;
        }

        String string() {
            int length = count();
            String s = new String(in, position, length, StandardCharsets.UTF_8);
            position += length;
            return s;
        }

        <E extends Enum<E>> E name(Class<E> type, E unknown) {
            String name = string();
            try {
                return Enum.valueOf(type, name);
            } catch (IllegalArgumentException e) {
                return unknown;
            }
        }

        Instant time() {
            return Instant.ofEpochMilli(varlong());
        }

        List<String> strings() {
            int n = count();
            List<String> list = new ArrayList<>(n);
            for (int k = 0; k < n; k++) {
                list.add(string());
            }
            return list;
        }

        String optionalString() {
            return in[position++] == 0 ? null : string();
        }

        Long optionalLong() {
            return in[position++] == 0 ? null : varlong();
        }
    }
}
