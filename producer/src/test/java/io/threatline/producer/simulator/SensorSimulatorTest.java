package io.threatline.producer.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.schemas.Result;
import io.threatline.schemas.identity.CanonicalIndicator;
import io.threatline.schemas.identity.IndicatorIdentity;
import io.threatline.schemas.validation.ThreatEventValidator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SensorSimulatorTest {

    private static final SimulatorSettings DEFAULTS = SimulatorSettings.defaults();

    @Test
    void sameSeedGivesTheSameFirstTenThousandEvents() {
        SensorSimulator a = new SensorSimulator(DEFAULTS.withSeed(42).withMalformedShare(0.05));
        SensorSimulator b = new SensorSimulator(DEFAULTS.withSeed(42).withMalformedShare(0.05));
        for (int i = 0; i < 10_000; i++) {
            assertThat(b.next()).as("event %d", i).isEqualTo(a.next());
        }
        assertThat(b.duplicates()).isEqualTo(a.duplicates());
        assertThat(b.malformedByKind()).isEqualTo(a.malformedByKind());
    }

    @Test
    void differentSeedsGiveDifferentEvents() {
        SensorSimulator a = new SensorSimulator(DEFAULTS.withSeed(1));
        SensorSimulator b = new SensorSimulator(DEFAULTS.withSeed(2));
        int equalValues = 0;
        for (int i = 0; i < 1_000; i++) {
            ThreatEvent x = a.next();
            ThreatEvent y = b.next();
            assertThat(y.getEventId()).isNotEqualTo(x.getEventId());
            if (x.getIndicatorValue().equals(y.getIndicatorValue())) {
                equalValues++;
            }
        }
        assertThat(equalValues).isLessThan(10);
    }

    @Test
    void workersShareTheUniverseButDrawIndependentStreamsAndIds() {
        IndicatorUniverse universe = IndicatorUniverse.of(DEFAULTS);
        SensorSimulator w0 = new SensorSimulator(DEFAULTS.forWorker(0), universe);
        SensorSimulator w1 = new SensorSimulator(DEFAULTS.forWorker(1), universe);
        Set<String> ids = new HashSet<>();
        Set<String> values0 = new HashSet<>();
        Set<String> values1 = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            ThreatEvent a = w0.next();
            ThreatEvent b = w1.next();
            assertThat(ids.add(a.getEventId())).isTrue();
            assertThat(ids.add(b.getEventId())).isTrue();
            values0.add(universe.value(w0.lastIndicatorRank()));
            values1.add(universe.value(w1.lastIndicatorRank()));
        }
        values0.retainAll(values1);
        assertThat(values0)
                .as("popular indicators are seen by both workers' fleets")
                .hasSizeGreaterThan(1_000);
        assertThatThrownBy(() -> new SensorSimulator(DEFAULTS.withSeed(99), universe))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eventIdsAreUuidShapedAndUnique() {
        SensorSimulator sim = new SensorSimulator(DEFAULTS);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 50_000; i++) {
            String id = sim.next().getEventId();
            assertThat(ids.add(id)).isTrue();
            if (i < 100) {
                assertThat(java.util.UUID.fromString(id).version()).isEqualTo(4);
                assertThat(java.util.UUID.fromString(id).toString()).isEqualTo(id);
            }
        }
    }

    @ParameterizedTest(name = "duplicateShare {0}")
    @ValueSource(doubles = {0.0, 0.3, 0.6, 0.9})
    void measuredDuplicateShareOver200kEventsIsTheConfiguredOne(double share) {
        int events = 200_000;
        int universe = (int) (events * (1 - share) * 1.1) + 1_000; // enough fresh indicators for the run
        SensorSimulator sim = new SensorSimulator(DEFAULTS.withSeed(11)
                .withDuplicateShare(share)
                .withDistinctIndicators(universe)
                .withMalformedShare(0.02));
        Set<Integer> seen = new HashSet<>();
        long repeats = 0;
        for (int i = 0; i < events; i++) {
            sim.next();
            int rank = sim.lastIndicatorRank();
            if (rank >= 0 && !seen.add(rank)) {
                repeats++;
            }
        }
        assertThat(repeats).isEqualTo(sim.duplicates());
        assertThat(seen).hasSize(sim.distinctIndicatorsEmitted());
        assertThat(sim.duplicates() + sim.distinctIndicatorsEmitted()).isEqualTo(sim.wellFormed());
        assertThat((double) sim.duplicates() / sim.wellFormed()).isCloseTo(share, within(0.02));
    }

    @Test
    void onceTheUniverseIsExhaustedEveryEventIsARepeat() {
        SensorSimulator sim =
                new SensorSimulator(DEFAULTS.withDistinctIndicators(100).withDuplicateShare(0.0));
        for (int i = 0; i < 1_000; i++) {
            sim.next();
        }
        assertThat(sim.distinctIndicatorsEmitted()).isEqualTo(100);
        assertThat(sim.duplicates()).isEqualTo(900);
    }

    @Test
    void topOnePercentOfIndicatorsAccountForALargeShareOfEvents() {
        SensorSimulator sim = new SensorSimulator(DEFAULTS.withSeed(5));
        int events = 100_000; // 40,000 fresh: within the 50,000 universe
        int[] counts = new int[DEFAULTS.distinctIndicators()];
        for (int i = 0; i < events; i++) {
            sim.next();
            counts[sim.lastIndicatorRank()]++;
        }
        int distinct = sim.distinctIndicatorsEmitted();
        int[] sorted = java.util.Arrays.stream(counts, 0, distinct)
                .boxed()
                .sorted(java.util.Comparator.reverseOrder())
                .mapToInt(Integer::intValue)
                .toArray();
        long top = 0;
        for (int k = 0; k < distinct / 100; k++) {
            top += sorted[k];
        }
        double topShare = (double) top / events;
        System.out.printf(
                "[simulator] top 1%% of %d distinct indicators: %.1f%% of %d events%n",
                distinct, 100 * topShare, events);
        assertThat(topShare).isGreaterThan(0.20);
        assertThat(sorted[0]).as("the most popular indicator").isGreaterThan(events / 50);
    }

    @Test
    void everyWellFormedEventPassesTheValidatorWithAStableCanonicalId() {
        SensorSimulator sim = new SensorSimulator(DEFAULTS.withSeed(3).withMalformedShare(0.05));
        IndicatorUniverse universe = sim.universe();
        Map<Integer, String> idByRank = new HashMap<>();
        for (int i = 0; i < 120_000; i++) {
            ThreatEvent event = sim.next();
            if (sim.lastMalformedKind() != null) {
                continue;
            }
            Result<CanonicalIndicator> result = ThreatEventValidator.validate(event);
            assertThat(result.isOk())
                    .as("%s: %s", event.getIndicatorValue(), result)
                    .isTrue();
            CanonicalIndicator canonical = result.value();
            int rank = sim.lastIndicatorRank();
            String id = idByRank.computeIfAbsent(
                    rank,
                    r -> IndicatorIdentity.canonicalize(universe.type(r), universe.value(r))
                            .value()
                            .id());
            assertThat(canonical.id())
                    .as("defanged or not, one indicator has one id")
                    .isEqualTo(id);
            // Canonical form is a fixed point.
            assertThat(IndicatorIdentity.canonicalize(canonical.type(), canonical.value())
                            .value())
                    .isEqualTo(canonical);
            assertThat(event.getKillChainPhase()).isNotEqualTo(io.threatline.contract.KillChainPhase.UNKNOWN);
        }
        assertThat(new HashSet<>(idByRank.values()))
                .as("distinct indicators have distinct ids")
                .hasSize(idByRank.size());
    }

    @Test
    void theWholeUniverseIsCanonicalisableRealisticAndUnique() {
        IndicatorUniverse universe = IndicatorUniverse.of(DEFAULTS.withSeed(8));
        Set<String> ids = new HashSet<>();
        Map<IndicatorType, Integer> types = new EnumMap<>(IndicatorType.class);
        for (int r = 0; r < universe.size(); r++) {
            IndicatorType type = universe.type(r);
            types.merge(type, 1, Integer::sum);
            Result<CanonicalIndicator> plain = IndicatorIdentity.canonicalize(type, universe.value(r));
            assertThat(plain.isOk())
                    .as("%s %s: %s", type, universe.value(r), plain)
                    .isTrue();
            assertThat(ids.add(plain.value().id()))
                    .as("unique %s", plain.value().id())
                    .isTrue();
            if (universe.defangedValue(r) != null) {
                assertThat(universe.defangedValue(r)).isNotEqualTo(universe.value(r));
                Result<CanonicalIndicator> fanged = IndicatorIdentity.canonicalize(type, universe.defangedValue(r));
                assertThat(fanged.isOk() && fanged.value().equals(plain.value()))
                        .as("%s refangs to %s: %s", universe.defangedValue(r), plain.value(), fanged)
                        .isTrue();
            }
            String v = plain.value().value();
            if (type == IndicatorType.IPV4) {
                String[] octets = v.split("\\.");
                long a = 0;
                for (String o : octets) {
                    a = (a << 8) | Integer.parseInt(o);
                }
                assertThat(IndicatorUniverse.isPublicUnicast(a)).as(v).isTrue();
                assertThat(v)
                        .doesNotStartWith("10.")
                        .doesNotStartWith("192.168.")
                        .doesNotStartWith("127.");
            }
            if (type == IndicatorType.IPV6) {
                assertThat(v).startsWith("2a0").doesNotStartWith("2001:db8");
            }
        }
        int n = universe.size();
        assertThat(types.get(IndicatorType.IPV4) / (double) n).isCloseTo(0.35, within(0.02));
        assertThat(types.get(IndicatorType.DOMAIN) / (double) n).isCloseTo(0.25, within(0.02));
        assertThat(types.get(IndicatorType.URL) / (double) n).isCloseTo(0.20, within(0.02));
        assertThat(types.get(IndicatorType.SHA256) / (double) n).isCloseTo(0.10, within(0.02));
        assertThat(types).containsKeys(IndicatorType.MD5, IndicatorType.SHA1, IndicatorType.IPV6, IndicatorType.EMAIL);
    }

    @Test
    void everyMalformedEventIsRejectedWithItsKindsCodeAndEveryKindAppears() {
        SensorSimulator sim = new SensorSimulator(DEFAULTS.withSeed(4).withMalformedShare(0.3));
        Map<MalformedKind, Integer> seen = new EnumMap<>(MalformedKind.class);
        int events = 60_000;
        for (int i = 0; i < events; i++) {
            ThreatEvent event = sim.next();
            MalformedKind kind = sim.lastMalformedKind();
            if (kind == null) {
                continue;
            }
            seen.merge(kind, 1, Integer::sum);
            Result<CanonicalIndicator> result = ThreatEventValidator.validate(event);
            assertThat(result.isOk()).as("%s must be rejected: %s", kind, event).isFalse();
            assertThat(result.rejection().code())
                    .as("%s: %s", kind, result.rejection())
                    .isEqualTo(kind.expectedRejectionCode());
        }
        assertThat(seen.keySet()).containsExactlyInAnyOrder(MalformedKind.values());
        for (MalformedKind kind : MalformedKind.values()) {
            assertThat(sim.malformed(kind)).isEqualTo(seen.get(kind).longValue());
        }
        assertThat((double) sim.malformed() / events).isCloseTo(0.3, within(0.02));
    }

    @Test
    void aSmallMalformedShareStillProducesEveryKindOverALongRun() {
        SensorSimulator sim = new SensorSimulator(DEFAULTS.withSeed(9).withMalformedShare(0.001));
        for (int i = 0; i < 200_000; i++) {
            ThreatEvent event = sim.next();
            if (sim.lastMalformedKind() != null) {
                assertThat(ThreatEventValidator.validate(event).isOk()).isFalse();
            }
        }
        assertThat(sim.malformedByKind().values())
                .allSatisfy(count -> assertThat(count).isPositive());
        assertThat(sim.malformed()).isBetween(120L, 280L);
    }

    @ParameterizedTest(name = "defangShare {0}")
    @ValueSource(doubles = {0.0, 0.2, 0.7})
    void measuredDefangShareOfDefangableEventsIsTheConfiguredOne(double share) {
        SensorSimulator sim = new SensorSimulator(DEFAULTS.withSeed(6).withDefangShare(share));
        IndicatorUniverse universe = sim.universe();
        long defangable = 0;
        long defanged = 0;
        for (int i = 0; i < 100_000; i++) {
            ThreatEvent event = sim.next();
            int rank = sim.lastIndicatorRank();
            IndicatorType type = event.getIndicatorType();
            boolean hash = type == IndicatorType.MD5 || type == IndicatorType.SHA1 || type == IndicatorType.SHA256;
            if (!hash) {
                defangable++;
            }
            if (!event.getIndicatorValue().equals(universe.value(rank))) {
                assertThat(hash).isFalse();
                assertThat(event.getIndicatorValue()).isEqualTo(universe.defangedValue(rank));
                defanged++;
            }
        }
        assertThat(defanged).isEqualTo(sim.defanged());
        assertThat((double) defanged / defangable).isCloseTo(share, within(0.02));
    }

    @Test
    void defangedEventsUseTheUsualDefangingStyles() {
        SensorSimulator sim = new SensorSimulator(DEFAULTS.withDefangShare(1.0));
        Set<String> styles = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            String v = sim.next().getIndicatorValue();
            for (String style : List.of("[.]", "[dot]", "(.)", "hxxp", "[://]", "[@]", "[at]", "[:]")) {
                if (v.contains(style)) {
                    styles.add(style);
                }
            }
        }
        assertThat(styles).contains("[.]", "[dot]", "hxxp", "[://]", "[@]", "[at]", "[:]");
    }

    @Test
    void shylockAndCaphawBothAppearAndOnlyOnShylockIndicators() {
        SensorSimulator sim = new SensorSimulator(DEFAULTS.withSeed(12));
        IndicatorUniverse universe = sim.universe();
        Map<Integer, Set<String>> namesByRank = new HashMap<>();
        Set<String> allNames = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ThreatEvent event = sim.next();
            int rank = sim.lastIndicatorRank();
            namesByRank.computeIfAbsent(rank, r -> new HashSet<>()).addAll(event.getMalwareFamilies());
            allNames.addAll(event.getMalwareFamilies());
            SimulatedFamily family = universe.family(rank);
            if (family == null) {
                assertThat(event.getMalwareFamilies()).isEmpty();
            } else {
                assertThat(event.getMalwareFamilies()).hasSize(1);
                assertThat(family.reportedNames())
                        .contains(event.getMalwareFamilies().get(0));
            }
        }
        assertThat(allNames).contains("Shylock", "Caphaw", "Emotet", "QakBot", "Dridex", "TrickBot", "ZeuS", "IcedID");
        long bothNames = namesByRank.values().stream()
                .filter(names -> names.contains("Shylock") && names.contains("Caphaw"))
                .count();
        assertThat(bothNames)
                .as("indicators reported as Shylock by some sensors and Caphaw by others")
                .isPositive();
        for (Set<String> names : namesByRank.values()) {
            if (names.contains("Shylock") || names.contains("Caphaw")) {
                assertThat(Set.of("Shylock", "Caphaw")).containsAll(names);
            } else {
                assertThat(names).hasSizeLessThanOrEqualTo(1);
            }
        }
        long noFamily = java.util.stream.IntStream.range(0, universe.size())
                .filter(r -> universe.family(r) == null)
                .count();
        assertThat(noFamily / (double) universe.size()).isBetween(0.15, 0.30);
    }

    @Test
    void shylockIndicatorsCarryTheShylockCampaignWhenTheyHaveOne() {
        IndicatorUniverse universe = IndicatorUniverse.of(DEFAULTS);
        int withCampaign = 0;
        for (int r = 0; r < universe.size(); r++) {
            if (universe.family(r) == SimulatedFamily.SHYLOCK && universe.campaign(r) != null) {
                assertThat(universe.campaign(r)).isEqualTo("op-shylock-2026");
                withCampaign++;
            }
            if (universe.family(r) == null) {
                assertThat(universe.campaign(r)).isNull();
            }
        }
        assertThat(withCampaign).isPositive();
    }

    @Test
    void sensorsReportOneIndicatorWithTheirOwnConfidenceAndTlpButConsistentlyPerSensor() {
        SensorSimulator sim = new SensorSimulator(DEFAULTS.withSeed(13));
        IndicatorUniverse universe = sim.universe();
        Map<String, String> reportBySensorAndRank = new HashMap<>();
        Map<Integer, Set<String>> reportsByRank = new HashMap<>();
        for (int i = 0; i < 50_000; i++) {
            ThreatEvent e = sim.next();
            int rank = sim.lastIndicatorRank();
            String report = e.getConfidence() + "/" + e.getTlp();
            String previous =
                    reportBySensorAndRank.putIfAbsent(e.getVendor() + "/" + e.getSensorId() + "#" + rank, report);
            if (previous != null) {
                assertThat(report).isEqualTo(previous);
            }
            reportsByRank.computeIfAbsent(rank, r -> new HashSet<>()).add(report);
            assertThat(e.getConfidence())
                    .isBetween(
                            Math.max(0, universe.baseConfidence(rank) - 10),
                            Math.min(100, universe.baseConfidence(rank) + 10));
        }
        assertThat(reportsByRank.get(0))
                .as("the most popular indicator, as reported by many sensors")
                .hasSizeGreaterThan(5);
    }

    @Test
    void tlpMixOfEventsFollowsTheSettings() {
        SensorSimulator sim = new SensorSimulator(DEFAULTS.withSeed(14));
        Map<Tlp, Integer> counts = new EnumMap<>(Tlp.class);
        int events = 200_000;
        for (int i = 0; i < events; i++) {
            counts.merge(sim.next().getTlp(), 1, Integer::sum);
        }
        assertThat(counts).doesNotContainKey(Tlp.UNKNOWN);
        for (Map.Entry<Tlp, Double> e : DEFAULTS.tlpMix().entrySet()) {
            assertThat(counts.getOrDefault(e.getKey(), 0) / (double) events)
                    .as("%s", e.getKey())
                    .isCloseTo(e.getValue(), within(0.04));
        }
    }

    @Test
    void retractionsComeFromASensorThatReportedTheIndicatorBeforeAndGiveAReason() {
        SensorSimulator sim = new SensorSimulator(DEFAULTS.withSeed(15).withRetractionShare(0.01));
        Map<Integer, Set<String>> reporters = new HashMap<>();
        int events = 100_000;
        for (int i = 0; i < events; i++) {
            ThreatEvent e = sim.next();
            String sensor = e.getVendor() + "/" + e.getSensorId();
            Set<String> before = reporters.computeIfAbsent(sim.lastIndicatorRank(), r -> new HashSet<>());
            if (e.getRetraction()) {
                assertThat(before).contains(sensor);
                assertThat(e.getRetractionReason()).isNotBlank();
            } else {
                assertThat(e.getRetractionReason()).isNull();
            }
            before.add(sensor);
        }
        assertThat((double) sim.retractions() / events).isCloseTo(0.01, within(0.002));
        SensorSimulator none =
                new SensorSimulator(DEFAULTS.withDuplicateShare(0.0).withRetractionShare(0.5));
        for (int i = 0; i < 10_000; i++) {
            assertThat(none.next().getRetraction())
                    .as("a retraction needs an earlier sighting")
                    .isFalse();
        }
    }

    @Test
    void observedAtFollowsTheSimulatedClock() {
        Instant start = Instant.parse("2026-05-01T12:00:00Z");
        SensorSimulator sim =
                new SensorSimulator(DEFAULTS.withStartTime(start).withEventSpacing(Duration.ofNanos(250_000)));
        List<Instant> times = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            times.add(sim.next().getObservedAt());
        }
        assertThat(times.get(0)).isEqualTo(start);
        assertThat(times.get(3)).isEqualTo(start);
        assertThat(times.get(4)).isEqualTo(start.plusMillis(1));
        assertThat(times.get(8)).isEqualTo(start.plusMillis(2));
        SensorSimulator ms = new SensorSimulator(DEFAULTS.withStartTime(start));
        for (int i = 0; i < 1_000; i++) {
            assertThat(ms.next().getObservedAt()).isEqualTo(start.plusMillis(i));
        }
    }

    @Test
    void vendorsHaveRealisticDeterministicSlugs() {
        assertThat(SensorSimulator.vendorSlug(0)).isEqualTo("acme-security");
        assertThat(SensorSimulator.vendorSlug(1)).isEqualTo("northwind-labs");
        assertThat(SensorSimulator.vendorSlug(2)).isEqualTo("blue-harbor-cti");
        assertThat(SensorSimulator.vendorSlug(12)).isEqualTo("acme-security-2");
        SensorSimulator sim = new SensorSimulator(DEFAULTS.withVendors(14).withSensorsPerVendor(3));
        assertThat(sim.vendors()).hasSize(14).doesNotHaveDuplicates();
        Set<String> sensors = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            ThreatEvent e = sim.next();
            sensors.add(e.getVendor() + "/" + e.getSensorId());
        }
        assertThat(sensors).hasSize(42);
    }

    @Test
    void reportsGenerationSpeed() {
        SensorSimulator sim = new SensorSimulator(DEFAULTS.withDistinctIndicators(200_000));
        long sink = 0;
        for (int i = 0; i < 300_000; i++) {
            sink += sim.next().getIndicatorValue().length();
        }
        int n = 2_000_000;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sink += sim.next().getIndicatorValue().length();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                "[simulator] generated %,d events in %.3f s: %,.0f events/s (%.0f ns/event) [sink %d]%n",
                n, seconds, n / seconds, seconds * 1e9 / n, sink);
        assertThat(sim.emitted()).isEqualTo(2_300_000);
    }
}
