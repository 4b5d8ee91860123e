package io.threatline.producer.simulator;

import io.threatline.contract.Tlp;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link SensorSimulator} simulates. Immutable; every component is checked in the compact
 * constructor and a bad one is reported with its name. Start from {@link #defaults()} and adjust
 * with the {@code with…} copiers.
 *
 * <p>How the shares combine (per simulator, over its well-formed events):
 *
 * <ul>
 *   <li>{@code malformedShare} of all events are deliberately invalid (see {@link MalformedKind});
 *       they take no part in the duplicate, defang and retraction accounting below.
 *   <li>{@code duplicateShare} of the well-formed events repeat an indicator this simulator has
 *       emitted before; the repeated indicator is drawn Zipf-distributed ({@code zipfExponent}) over
 *       the indicators emitted so far. The others introduce the next not-yet-emitted indicator of
 *       the universe, in popularity-rank order. The share holds while the universe lasts: after
 *       {@code distinctIndicators} fresh indicators every event is necessarily a repeat, so a run of
 *       {@code n} events keeps the share only if {@code n * (1 - duplicateShare) <= distinctIndicators}.
 *   <li>{@code retractionShare} of the well-formed events are retractions. A retraction is a repeat
 *       by definition (it withdraws an earlier sighting), so retractions are carved out of the
 *       repeats and the share that comes out is {@code min(retractionShare, duplicateShare)}.
 *   <li>{@code defangShare} of the well-formed events whose type can be defanged (IPv4, IPv6,
 *       domain, URL, e-mail) carry the defanged form of their value.
 * </ul>
 *
 * @param seed               seed of everything: the indicator universe and (with {@code worker}) the event stream
 * @param worker             index of the publishing thread this simulator serves (0 for a single one); workers
 *                           share the universe and the fleet but draw independent event streams and event ids
 * @param vendors            number of vendors in the fleet, named with realistic slugs ({@code acme-security}, …)
 * @param sensorsPerVendor   sensors per vendor
 * @param distinctIndicators size of the indicator universe
 * @param zipfExponent       skew of indicator popularity ({@code 0} = uniform; around 1 = a few indicators dominate)
 * @param duplicateShare     share of well-formed events repeating an indicator emitted before, 0..1
 * @param defangShare        share of defangable well-formed events emitted defanged, 0..1
 * @param malformedShare     share of all events that are deliberately invalid, 0..1
 * @param retractionShare    share of well-formed events that retract an earlier sighting, 0..1
 * @param tlpMix             relative weight of each TLP marking (normalised; UNKNOWN not allowed)
 * @param startTime          {@code observedAt} of the first event (truncated to milliseconds on the wire)
 * @param eventSpacing       how far the simulated clock advances per event (0 allowed)
 */
public record SimulatorSettings(
        long seed,
        int worker,
        int vendors,
        int sensorsPerVendor,
        int distinctIndicators,
        double zipfExponent,
        double duplicateShare,
        double defangShare,
        double malformedShare,
        double retractionShare,
        Map<Tlp, Double> tlpMix,
        Instant startTime,
        Duration eventSpacing) {

    public static final int MAX_VENDORS = 1_000;
    public static final int MAX_SENSORS_PER_VENDOR = 10_000;
    public static final int MAX_SENSORS = 100_000;
    /** The universe is held in memory (about 200 bytes per indicator), hence a bound. */
    public static final int MAX_DISTINCT_INDICATORS = 2_000_000;

    public static final double MAX_ZIPF_EXPONENT = 10.0;
    public static final Duration MAX_EVENT_SPACING = Duration.ofHours(1);

    /** 10% CLEAR, 40% GREEN, 35% AMBER, 10% AMBER+STRICT, 5% RED. */
    public static final Map<Tlp, Double> DEFAULT_TLP_MIX = defaultTlpMix();

    public static final Instant DEFAULT_START_TIME = Instant.parse("2026-03-02T08:00:00Z");

    public SimulatorSettings {
        requireAtLeast("worker", worker, 0);
        requireInRange("vendors", vendors, 1, MAX_VENDORS);
        requireInRange("sensorsPerVendor", sensorsPerVendor, 1, MAX_SENSORS_PER_VENDOR);
        if ((long) vendors * sensorsPerVendor > MAX_SENSORS) {
            throw new IllegalArgumentException("vendors * sensorsPerVendor must be at most " + MAX_SENSORS + ", was "
                    + (long) vendors * sensorsPerVendor);
        }
        requireInRange("distinctIndicators", distinctIndicators, 1, MAX_DISTINCT_INDICATORS);
        if (!(zipfExponent >= 0.0 && zipfExponent <= MAX_ZIPF_EXPONENT)) {
            throw new IllegalArgumentException(
                    "zipfExponent must be in [0, " + MAX_ZIPF_EXPONENT + "], was " + zipfExponent);
        }
        requireShare("duplicateShare", duplicateShare);
        requireShare("defangShare", defangShare);
        requireShare("malformedShare", malformedShare);
        requireShare("retractionShare", retractionShare);
        tlpMix = checkTlpMix(tlpMix);
        Objects.requireNonNull(startTime, "startTime must not be null");
        Objects.requireNonNull(eventSpacing, "eventSpacing must not be null");
        if (eventSpacing.isNegative() || eventSpacing.compareTo(MAX_EVENT_SPACING) > 0) {
            throw new IllegalArgumentException(
                    "eventSpacing must be in [0, " + MAX_EVENT_SPACING + "], was " + eventSpacing);
        }
        if (startTime.isBefore(Instant.EPOCH) || startTime.isAfter(Instant.parse("2200-01-01T00:00:00Z"))) {
            throw new IllegalArgumentException("startTime must be between 1970 and 2200, was " + startTime);
        }
    }

    /**
     * Seed 1, worker 0, 3 vendors of 8 sensors, 50,000 indicators, Zipf 1.1, 60% duplicates, 20%
     * defanged, no malformed events, 0.1% retractions, {@link #DEFAULT_TLP_MIX}, start {@link
     * #DEFAULT_START_TIME}, 1 ms between events.
     */
    public static SimulatorSettings defaults() {
        return new SimulatorSettings(
                1L,
                0,
                3,
                8,
                50_000,
                1.1,
                0.6,
                0.2,
                0.0,
                0.001,
                DEFAULT_TLP_MIX,
                DEFAULT_START_TIME,
                Duration.ofMillis(1));
    }

    /**
     * Settings for publishing thread {@code worker}: the same universe, fleet and shares, but an
     * independent event stream (derived seed) and disjoint event ids. Use one simulator per thread.
     * Duplicate shares are per simulator: the hub, seeing several workers draw from one universe,
     * sees more repeats than one worker's {@code duplicateShare}, as it would with real fleets.
     */
    public SimulatorSettings forWorker(int worker) {
        return withWorker(worker);
    }

    /** Seed of this simulator's event stream: {@link #seed()} mixed with {@link #worker()}. */
    public long streamSeed() {
        return Mix.mix64(seed ^ Mix.mix64(0x5EED_0000_0000_0000L + worker));
    }

    /** Total number of sensors in the fleet. */
    public int sensors() {
        return vendors * sensorsPerVendor;
    }

    public SimulatorSettings withSeed(long seed) {
        return new SimulatorSettings(
                seed,
                worker,
                vendors,
                sensorsPerVendor,
                distinctIndicators,
                zipfExponent,
                duplicateShare,
                defangShare,
                malformedShare,
                retractionShare,
                tlpMix,
                startTime,
                eventSpacing);
    }

    public SimulatorSettings withWorker(int worker) {
        return new SimulatorSettings(
                seed,
                worker,
                vendors,
                sensorsPerVendor,
                distinctIndicators,
                zipfExponent,
                duplicateShare,
                defangShare,
                malformedShare,
                retractionShare,
                tlpMix,
                startTime,
                eventSpacing);
    }

    public SimulatorSettings withVendors(int vendors) {
        return new SimulatorSettings(
                seed,
                worker,
                vendors,
                sensorsPerVendor,
                distinctIndicators,
                zipfExponent,
                duplicateShare,
                defangShare,
                malformedShare,
                retractionShare,
                tlpMix,
                startTime,
                eventSpacing);
    }

    public SimulatorSettings withSensorsPerVendor(int sensorsPerVendor) {
        return new SimulatorSettings(
                seed,
                worker,
                vendors,
                sensorsPerVendor,
                distinctIndicators,
                zipfExponent,
                duplicateShare,
                defangShare,
                malformedShare,
                retractionShare,
                tlpMix,
                startTime,
                eventSpacing);
    }

    public SimulatorSettings withDistinctIndicators(int distinctIndicators) {
        return new SimulatorSettings(
                seed,
                worker,
                vendors,
                sensorsPerVendor,
                distinctIndicators,
                zipfExponent,
                duplicateShare,
                defangShare,
                malformedShare,
                retractionShare,
                tlpMix,
                startTime,
                eventSpacing);
    }

    public SimulatorSettings withZipfExponent(double zipfExponent) {
        return new SimulatorSettings(
                seed,
                worker,
                vendors,
                sensorsPerVendor,
                distinctIndicators,
                zipfExponent,
                duplicateShare,
                defangShare,
                malformedShare,
                retractionShare,
                tlpMix,
                startTime,
                eventSpacing);
    }

    public SimulatorSettings withDuplicateShare(double duplicateShare) {
        return new SimulatorSettings(
                seed,
                worker,
                vendors,
                sensorsPerVendor,
                distinctIndicators,
                zipfExponent,
                duplicateShare,
                defangShare,
                malformedShare,
                retractionShare,
                tlpMix,
                startTime,
                eventSpacing);
    }

    public SimulatorSettings withDefangShare(double defangShare) {
        return new SimulatorSettings(
                seed,
                worker,
                vendors,
                sensorsPerVendor,
                distinctIndicators,
                zipfExponent,
                duplicateShare,
                defangShare,
                malformedShare,
                retractionShare,
                tlpMix,
                startTime,
                eventSpacing);
    }

    public SimulatorSettings withMalformedShare(double malformedShare) {
        return new SimulatorSettings(
                seed,
                worker,
                vendors,
                sensorsPerVendor,
                distinctIndicators,
                zipfExponent,
                duplicateShare,
                defangShare,
                malformedShare,
                retractionShare,
                tlpMix,
                startTime,
                eventSpacing);
    }

    public SimulatorSettings withRetractionShare(double retractionShare) {
        return new SimulatorSettings(
                seed,
                worker,
                vendors,
                sensorsPerVendor,
                distinctIndicators,
                zipfExponent,
                duplicateShare,
                defangShare,
                malformedShare,
                retractionShare,
                tlpMix,
                startTime,
                eventSpacing);
    }

    public SimulatorSettings withTlpMix(Map<Tlp, Double> tlpMix) {
        return new SimulatorSettings(
                seed,
                worker,
                vendors,
                sensorsPerVendor,
                distinctIndicators,
                zipfExponent,
                duplicateShare,
                defangShare,
                malformedShare,
                retractionShare,
                tlpMix,
                startTime,
                eventSpacing);
    }

    public SimulatorSettings withStartTime(Instant startTime) {
        return new SimulatorSettings(
                seed,
                worker,
                vendors,
                sensorsPerVendor,
                distinctIndicators,
                zipfExponent,
                duplicateShare,
                defangShare,
                malformedShare,
                retractionShare,
                tlpMix,
                startTime,
                eventSpacing);
    }

    public SimulatorSettings withEventSpacing(Duration eventSpacing) {
        return new SimulatorSettings(
                seed,
                worker,
                vendors,
                sensorsPerVendor,
                distinctIndicators,
                zipfExponent,
                duplicateShare,
                defangShare,
                malformedShare,
                retractionShare,
                tlpMix,
                startTime,
                eventSpacing);
    }

    private static void requireAtLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
        }
    }

    private static void requireInRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], was " + value);
        }
    }

    private static void requireShare(String name, double value) {
        if (!(value >= 0.0 && value <= 1.0)) { // also rejects NaN
            throw new IllegalArgumentException(name + " must be in [0, 1], was " + value);
        }
    }

    private static Map<Tlp, Double> checkTlpMix(Map<Tlp, Double> mix) {
        Objects.requireNonNull(mix, "tlpMix must not be null");
        EnumMap<Tlp, Double> copy = new EnumMap<>(Tlp.class);
        double sum = 0;
        for (Map.Entry<Tlp, Double> e : mix.entrySet()) {
            Tlp tlp = e.getKey();
            Double weight = e.getValue();
            if (tlp == null || tlp == Tlp.UNKNOWN) {
                throw new IllegalArgumentException("tlpMix must only weigh known TLP markings, had " + tlp
                        + " (malformed UNKNOWN markings come from malformedShare)");
            }
            if (weight == null || !(weight >= 0.0) || weight.isInfinite()) {
                throw new IllegalArgumentException(
                        "tlpMix weight of " + tlp + " must be a finite number >= 0, was " + weight);
            }
            copy.put(tlp, weight);
            sum += weight;
        }
        if (!(sum > 0)) {
            throw new IllegalArgumentException("tlpMix weights must add up to more than 0, were " + copy);
        }
        return Map.copyOf(copy);
    }

    private static Map<Tlp, Double> defaultTlpMix() {
        EnumMap<Tlp, Double> mix = new EnumMap<>(Tlp.class);
        mix.put(Tlp.CLEAR, 0.10);
        mix.put(Tlp.GREEN, 0.40);
        mix.put(Tlp.AMBER, 0.35);
        mix.put(Tlp.AMBER_STRICT, 0.10);
        mix.put(Tlp.RED, 0.05);
        return Map.copyOf(mix);
    }
}
