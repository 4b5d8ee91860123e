package io.threatline.producer.simulator;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A fleet of vendor sensors reporting sightings of the indicators of an {@link IndicatorUniverse}:
 * a deterministic stream of {@link ThreatEvent}s, the same for the same {@link SimulatorSettings}.
 *
 * <p><b>What comes out</b> (the shares are explained in {@link SimulatorSettings}): each event is
 * reported by a sensor picked uniformly from the fleet. A well-formed event either introduces the
 * next indicator of the universe not yet emitted (the universe is ordered by popularity rank) or,
 * with probability {@code duplicateShare}, repeats one emitted before, drawn Zipf-distributed over
 * the ranks emitted so far. Because fresh indicators enter in rank order, the set emitted so far is
 * always the rank prefix {@code [0, k)}, so one binary search over precomputed cumulative weights
 * draws a repeat, and the measured duplicate share is the configured one (a Bernoulli draw per
 * event), whatever the Zipf exponent. Some repeats are retractions: the sensor that first reported
 * the indicator withdraws it, with a reason.
 *
 * <p>How a sensor reports an indicator is fixed per (sensor, indicator) pair by hashing: its
 * confidence (the indicator's base confidence ±10) and its TLP marking (drawn from the TLP mix, so
 * different sensors may mark one indicator differently, and over many events the configured mix
 * comes out). Whether the value is sent defanged is drawn per event. Sensors of a family with an
 * alias use one name each: about half the sensors report Shylock indicators as {@code Caphaw}.
 *
 * <p>{@code observedAt} follows a simulated clock: {@code startTime}, then {@code eventSpacing} per
 * event. Event ids look like random UUIDs but are derived from the stream seed and the sequence
 * number (unique within a simulator; disjoint between workers with overwhelming probability).
 *
 * <p><b>Thread confinement:</b> a simulator is not thread-safe and must be used by one thread at a
 * time. To publish in parallel, give each thread its own simulator built from {@link
 * SimulatorSettings#forWorker(int)}; they may share one {@link IndicatorUniverse}, which is
 * immutable. The lists in emitted events ({@code malwareFamilies}, {@code tags}) are immutable and
 * shared between events.
 *
 * <p><b>Cost:</b> everything is precomputed; {@link #next()} makes a handful of random draws, a
 * binary search and allocates the event, its id string and its {@link Instant}.
 */
public final class SensorSimulator {

    /** Vendor slugs in fleet order; beyond the list, names repeat with a numeric suffix. */
    static final String[] VENDOR_SLUGS = {
        "acme-security", "northwind-labs", "blue-harbor-cti", "ironclad-defense", "redwood-threat-intel",
        "polaris-sec", "cobalt-sentinel", "greyfox-analytics", "harborline-networks", "sable-ridge-security",
        "tidewater-cyber", "kestrel-intel",
    };

    private static final String[] SITES = {
        "fra1", "ams2", "iad1", "sin1", "nrt3", "lhr2", "gru1", "syd1", "dfw2", "cdg1"
    };
    private static final String[] SENSOR_KINDS = {"ids", "edge", "mail", "dns", "sandbox", "epp"};
    private static final String[] RETRACTION_REASONS = {
        "false positive: shared hosting address serving legitimate sites",
        "false positive: benign CDN endpoint",
        "sinkholed by the registrar; no longer malicious",
        "analyst review: legitimate software update",
        "false positive: security vendor scanner",
    };
    private static final String[] BAD_SUFFIXES = {"local", "lan", "internal", "corp", "localdomain", "intranet"};
    private static final int[] BAD_CONFIDENCES = {150, 101, 255, -1, -20};
    private static final IndicatorType[] HASH_TYPES = {IndicatorType.MD5, IndicatorType.SHA1, IndicatorType.SHA256};
    private static final int[] HASH_LENGTHS = {32, 40, 64};
    private static final MalformedKind[] MALFORMED_KINDS = MalformedKind.values();
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final long SENSOR_GAMMA = 0xD1B5_4A32_D192_ED03L;
    private static final Integer[] CONFIDENCES = boxedConfidences();

    private final SimulatorSettings settings;
    private final IndicatorUniverse universe;
    private final SplittableRandom rnd;
    private final long idSeed;
    private final long pairSeed;

    private final int sensorCount;
    private final String[] sensorVendor;
    private final String[] sensorIds;
    private final boolean[] sensorUsesAlias;
    private final Tlp[] tlps;
    private final double[] tlpCumulative;

    private final double malformedShare;
    private final double duplicateShare;
    private final double defangShare;
    private final double retractionGivenRepeat;

    private final long spacingMillis;
    private final long spacingSubNanos;
    private long clockMillis;
    private long clockSubNanos;

    private final int[] firstSensor;
    private final char[] idBuffer = new char[36];
    private final StringBuilder scratch = new StringBuilder(80);

    private int introduced;
    private long emitted;
    private long duplicates;
    private long defanged;
    private long retractions;
    private long malformed;
    private final long[] malformedByKind = new long[MALFORMED_KINDS.length];
    private int lastRank = -1;
    private MalformedKind lastMalformedKind;

    /** A simulator with its own universe (built here; see {@link IndicatorUniverse#of}). */
    public SensorSimulator(SimulatorSettings settings) {
        this(settings, IndicatorUniverse.of(settings));
    }

    /**
     * A simulator drawing from a universe built earlier, e.g. one shared by several workers.
     *
     * @throws IllegalArgumentException if {@code universe} is not the one {@code settings} describe
     */
    public SensorSimulator(SimulatorSettings settings, IndicatorUniverse universe) {
        if (!universe.matches(settings)) {
            throw new IllegalArgumentException(
                    "universe was not built from these settings' seed, " + "distinctIndicators and zipfExponent");
        }
        this.settings = settings;
        this.universe = universe;
        long streamSeed = settings.streamSeed();
        this.rnd = new SplittableRandom(streamSeed);
        this.idSeed = Mix.mix64(streamSeed ^ 0x1D1D_1D1D_1D1D_1D1DL);
        this.pairSeed = Mix.mix64(settings.seed() ^ 0x7A1B_0C0F_FEE0_0000L);

        this.sensorCount = settings.sensors();
        this.sensorVendor = new String[sensorCount];
        this.sensorIds = new String[sensorCount];
        this.sensorUsesAlias = new boolean[sensorCount];
        boolean aliasParity = (Mix.mix64(settings.seed()) & 1) == 0;
        for (int v = 0, s = 0; v < settings.vendors(); v++) {
            String vendor = vendorSlug(v);
            for (int j = 0; j < settings.sensorsPerVendor(); j++, s++) {
                sensorVendor[s] = vendor;
                sensorIds[s] = sensorId(v, j);
                sensorUsesAlias[s] = ((s & 1) == 0) == aliasParity;
            }
        }

        Map<Tlp, Double> mix = settings.tlpMix();
        this.tlps = mix.keySet().stream().sorted().toArray(Tlp[]::new);
        double total = mix.values().stream().mapToDouble(Double::doubleValue).sum();
        this.tlpCumulative = new double[tlps.length];
        double sum = 0;
        for (int k = 0; k < tlps.length; k++) {
            sum += mix.get(tlps[k]) / total;
            tlpCumulative[k] = sum;
        }
        tlpCumulative[tlps.length - 1] = 1.0;

        this.malformedShare = settings.malformedShare();
        this.duplicateShare = settings.duplicateShare();
        this.defangShare = settings.defangShare();
        this.retractionGivenRepeat =
                duplicateShare == 0 ? 0 : Math.min(1.0, settings.retractionShare() / duplicateShare);

        long spacingNanos = settings.eventSpacing().toNanos();
        this.spacingMillis = spacingNanos / 1_000_000;
        this.spacingSubNanos = spacingNanos % 1_000_000;
        this.clockMillis = settings.startTime().toEpochMilli();

        this.firstSensor = new int[universe.size()];
    }

    /** The slug of vendor {@code index}: {@code acme-security}, {@code northwind-labs}, … */
    public static String vendorSlug(int index) {
        String base = VENDOR_SLUGS[index % VENDOR_SLUGS.length];
        int round = index / VENDOR_SLUGS.length;
        return round == 0 ? base : base + "-" + (round + 1);
    }

    /** The next event. Never null; never throws. */
    public ThreatEvent next() {
        long seq = emitted++;
        Instant observedAt = Instant.ofEpochMilli(clockMillis);
        clockMillis += spacingMillis;
        clockSubNanos += spacingSubNanos;
        if (clockSubNanos >= 1_000_000) {
            clockMillis++;
            clockSubNanos -= 1_000_000;
        }
        String eventId = eventId(seq);
        int sensor = rnd.nextInt(sensorCount);
        if (malformedShare > 0 && rnd.nextDouble() < malformedShare) {
            return malformedEvent(eventId, observedAt, sensor);
        }
        lastMalformedKind = null;

        boolean repeat = introduced != 0 && (introduced == universe.size() || rnd.nextDouble() < duplicateShare);
        int rank;
        boolean retraction = false;
        if (repeat) {
            rank = universe.sample(rnd.nextDouble(), introduced);
            duplicates++;
            if (retractionGivenRepeat > 0 && rnd.nextDouble() < retractionGivenRepeat) {
                retraction = true;
                sensor = firstSensor[rank]; // the sensor that reported it first withdraws it
                retractions++;
            }
        } else {
            rank = introduced++;
            firstSensor[rank] = sensor;
        }
        lastRank = rank;

        String value = universe.value(rank);
        String fanged = universe.defangedValue(rank);
        if (fanged != null && defangShare > 0 && rnd.nextDouble() < defangShare) {
            value = fanged;
            defanged++;
        }
        long h = pairHash(rank, sensor);
        SimulatedFamily family = universe.family(rank);
        return new ThreatEvent(
                eventId,
                universe.type(rank),
                value,
                observedAt,
                sensorVendor[sensor],
                sensorIds[sensor],
                CONFIDENCES[confidence(rank, h)],
                tlp(h),
                family == null ? Collections.emptyList() : family.asReported(sensorUsesAlias[sensor]),
                universe.campaign(rank),
                universe.tags(rank),
                universe.killChainPhase(rank),
                retraction ? Boolean.TRUE : Boolean.FALSE,
                retraction ? RETRACTION_REASONS[rnd.nextInt(RETRACTION_REASONS.length)] : null,
                null);
    }

    private ThreatEvent malformedEvent(String eventId, Instant observedAt, int sensor) {
        MalformedKind kind = MALFORMED_KINDS[rnd.nextInt(MALFORMED_KINDS.length)];
        malformed++;
        malformedByKind[kind.ordinal()]++;
        lastMalformedKind = kind;
        lastRank = -1;

        int rank = rnd.nextInt(universe.size()); // context: a real indicator's family, tags, ...
        long h = pairHash(rank, sensor);
        IndicatorType type = universe.type(rank);
        String value = universe.value(rank);
        String vendor = sensorVendor[sensor];
        Integer confidence = CONFIDENCES[confidence(rank, h)];
        Tlp tlp = tlp(h);
        switch (kind) {
            case BAD_HASH_LENGTH: {
                int k = rnd.nextInt(HASH_TYPES.length);
                type = HASH_TYPES[k];
                int delta = 1 + rnd.nextInt(3);
                value = randomHex(rnd.nextBoolean() ? HASH_LENGTHS[k] - delta : HASH_LENGTHS[k] + delta);
                break;
            }
            case IPV4_OCTET_OUT_OF_RANGE: {
                type = IndicatorType.IPV4;
                long a = IndicatorUniverse.publicIpv4(rnd);
                int bad = 256 + rnd.nextInt(744);
                int position = rnd.nextInt(4);
                StringBuilder sb = scratch;
                sb.setLength(0);
                for (int octet = 0; octet < 4; octet++) {
                    if (octet > 0) {
                        sb.append('.');
                    }
                    sb.append(octet == position ? bad : (a >>> (24 - 8 * octet)) & 0xFF);
                }
                value = sb.toString();
                break;
            }
            case DOMAIN_WITHOUT_PUBLIC_SUFFIX: {
                type = IndicatorType.DOMAIN;
                String domain = IndicatorUniverse.domain(rnd, scratch, 0);
                String base = domain;
                for (String suffix : IndicatorUniverse.SUFFIXES) {
                    if (domain.endsWith("." + suffix)) {
                        base = domain.substring(0, domain.length() - suffix.length() - 1);
                        break;
                    }
                }
                value = base + "." + BAD_SUFFIXES[rnd.nextInt(BAD_SUFFIXES.length)];
                break;
            }
            case UNKNOWN_TLP:
                tlp = Tlp.UNKNOWN;
                break;
            case CONFIDENCE_OUT_OF_RANGE:
                confidence = BAD_CONFIDENCES[rnd.nextInt(BAD_CONFIDENCES.length)];
                break;
            case EMPTY_VENDOR:
                vendor = rnd.nextBoolean() ? "" : "  ";
                break;
            default:
                throw new IllegalStateException("unhandled malformed kind " + kind);
        }
        SimulatedFamily family = universe.family(rank);
        return new ThreatEvent(
                eventId,
                type,
                value,
                observedAt,
                vendor,
                sensorIds[sensor],
                confidence,
                tlp,
                family == null ? Collections.emptyList() : family.asReported(sensorUsesAlias[sensor]),
                universe.campaign(rank),
                universe.tags(rank),
                universe.killChainPhase(rank),
                Boolean.FALSE,
                null,
                null);
    }

    private long pairHash(int rank, int sensor) {
        return Mix.mix64(pairSeed + rank * Mix.GOLDEN + sensor * SENSOR_GAMMA);
    }

    /** The indicator's base confidence with this sensor's jitter of -10..+10, in 0..100. */
    private int confidence(int rank, long h) {
        int c = universe.baseConfidence(rank) + (int) ((h & 0xFFFF) % 21) - 10;
        return Math.max(0, Math.min(100, c));
    }

    private Tlp tlp(long h) {
        double u = Mix.unit(h);
        double[] cumulative = tlpCumulative;
        for (int k = 0; k < cumulative.length - 1; k++) {
            if (u < cumulative[k]) {
                return tlps[k];
            }
        }
        return tlps[cumulative.length - 1];
    }

    /** UUID-shaped (version 4 layout) text of two 64-bit values derived from the stream seed and {@code seq}. */
    private String eventId(long seq) {
        long hi = Mix.mix64(idSeed + (2 * seq) * Mix.GOLDEN);
        long lo = Mix.mix64(idSeed + (2 * seq + 1) * Mix.GOLDEN);
        hi = (hi & ~0xF000L) | 0x4000L;
        lo = (lo & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        char[] c = idBuffer;
        hex(c, 0, hi >>> 32, 8);
        c[8] = '-';
        hex(c, 9, hi >>> 16, 4);
        c[13] = '-';
        hex(c, 14, hi, 4);
        c[18] = '-';
        hex(c, 19, lo >>> 48, 4);
        c[23] = '-';
        hex(c, 24, lo, 12);
        return new String(c);
    }

    private static void hex(char[] out, int at, long v, int digits) {
        for (int k = digits - 1; k >= 0; k--) {
            out[at + k] = HEX[(int) (v & 0xF)];
            v >>>= 4;
        }
    }

    private String randomHex(int length) {
        char[] c = new char[length];
        for (int k = 0; k < length; k++) {
            c[k] = HEX[rnd.nextInt(16)];
        }
        return new String(c);
    }

    private static String sensorId(int vendor, int j) {
        int number = j + 1;
        return SITES[j % SITES.length] + "-" + SENSOR_KINDS[(j + vendor) % SENSOR_KINDS.length] + "-"
                + (number < 10 ? "0" : "") + number;
    }

    private static Integer[] boxedConfidences() {
        Integer[] boxed = new Integer[101];
        for (int k = 0; k <= 100; k++) {
            boxed[k] = k;
        }
        return boxed;
    }

    // ------------------------------------------------------------------------------ accessors

    public SimulatorSettings settings() {
        return settings;
    }

    public IndicatorUniverse universe() {
        return universe;
    }

    /** Events produced so far. */
    public long emitted() {
        return emitted;
    }

    /** Well-formed events whose indicator this simulator had emitted before (retractions included). */
    public long duplicates() {
        return duplicates;
    }

    /** Distinct indicators emitted so far (by well-formed events). */
    public int distinctIndicatorsEmitted() {
        return introduced;
    }

    /** Well-formed events sent with a defanged value. */
    public long defanged() {
        return defanged;
    }

    /** Retraction events. */
    public long retractions() {
        return retractions;
    }

    /** Deliberately malformed events, all kinds. */
    public long malformed() {
        return malformed;
    }

    /** Deliberately malformed events of {@code kind}. */
    public long malformed(MalformedKind kind) {
        return malformedByKind[kind.ordinal()];
    }

    /** Malformed events by kind (every kind present, possibly 0); a snapshot. */
    public Map<MalformedKind, Long> malformedByKind() {
        EnumMap<MalformedKind, Long> map = new EnumMap<>(MalformedKind.class);
        for (MalformedKind kind : MALFORMED_KINDS) {
            map.put(kind, malformedByKind[kind.ordinal()]);
        }
        return Collections.unmodifiableMap(map);
    }

    /** Well-formed events so far: {@code emitted() - malformed()}. */
    public long wellFormed() {
        return emitted - malformed;
    }

    /** Universe rank of the indicator of the last event, or -1 if it was malformed or there was none. */
    public int lastIndicatorRank() {
        return lastRank;
    }

    /** How the last event was malformed, or null if it was well-formed. */
    public MalformedKind lastMalformedKind() {
        return lastMalformedKind;
    }

    /** Vendor of each sensor, in fleet order. */
    public List<String> vendors() {
        return List.of(sensorVendor).stream().distinct().toList();
    }

    @Override
    public String toString() {
        return "SensorSimulator[worker=" + settings.worker() + ", emitted=" + emitted + ", duplicates=" + duplicates
                + ", distinct=" + introduced + ", defanged=" + defanged + ", retractions=" + retractions
                + ", malformed=" + malformed + "]";
    }
}
