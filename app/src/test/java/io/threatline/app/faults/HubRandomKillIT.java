package io.threatline.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.app.faults.SensorFeed.Sighting;
import io.threatline.contract.AgreementScope;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.Tlp;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub in its own JVM, killed with SIGKILL {@value #KILLS} times at random moments while
 * sensors keep publishing, each time started again on the same state directory: every indicator
 * reaches each partner exactly once as NEW, and no partner gets anything its agreement does not
 * grant. The moments come from {@link FaultSeed}: the first kill lands while the hub is delivering
 * (up to 3 s after it delivered another {@value #WORKING} indicators), each later one either so or at
 * any moment of its first 12 s (start-up, rebalance, state restoration, processing).
 */
class HubRandomKillIT {

    private static final int KILLS = 3;
    /** A hub works once it has delivered this many more indicators (the first few come while it warms up). */
    private static final int WORKING = 50;

    private static final String INTERPOL = "interpol";
    private static final String NCA = "nca-tovar";
    /** Interpol: indicators up to TLP:GREEN, any type or family. */
    private static final Predicate<Sighting> INTERPOL_GRANTS = s -> s.tlp() == Tlp.GREEN || s.tlp() == Tlp.CLEAR;
    /** The national crime agency: Shylock domains up to TLP:AMBER. */
    private static final Predicate<Sighting> NCA_GRANTS = s -> s.tlp() != Tlp.RED
            && s.tlp() != Tlp.AMBER_STRICT
            && s.family().equals("shylock")
            && s.type() == IndicatorType.DOMAIN;

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms("HubRandomKillIT");

    @TempDir
    Path work;

    @Test
    void shouldDeliverEveryIndicatorToEachPartnerExactlyOnceAsNewAcrossRandomKillNines() throws Exception {
        FaultSeed seed = FaultSeed.forTest("HubRandomKillIT");
        Random random = seed.random();
        TestCluster cluster = TestCluster.shared();

        // Given two partners with different agreements, and sensors with a backlog that keep publishing
        ThreatlineTopics topics = TestCluster.freshTopics("hubkill");
        String prefix = topics.prefix();
        cluster.createTopics(topics, List.of(INTERPOL, NCA));
        cluster.putAgreements(
                topics,
                List.of(
                        TestCluster.agreement(
                                INTERPOL, Tlp.GREEN, AgreementScope.newBuilder().build(), List.of()),
                        TestCluster.agreement(
                                NCA,
                                Tlp.AMBER,
                                AgreementScope.newBuilder()
                                        .setMalwareFamilies(List.of("shylock"))
                                        .setIndicatorTypes(List.of(IndicatorType.DOMAIN))
                                        .build(),
                                List.of())));
        List<String> kills = new ArrayList<>();
        try (SensorFeed feed = new SensorFeed(cluster.publisherConfig(topics), "hubkill", 300);
                PartnerFeeds partners = new PartnerFeeds(
                        cluster.bootstrapServers(), cluster.registryUrl(), topics, List.of(INTERPOL, NCA))) {
            feed.publishBacklog(1_500);
            feed.start();

            // When the hub is killed -9 at random moments and started again after each kill
            for (int kill = 0; kill < KILLS; kill++) {
                int k = kill;
                ChildJvm hub = jvms.start("hub", 512, cluster.hubArgs(prefix, work.resolve("hub-state")));
                KillMoment moment = KillMoment.draw(random, k, Duration.ofSeconds(3), Duration.ofSeconds(12));
                long before = partners.newsTotal();
                Duration lived = moment.awaitAndKill(
                        hub,
                        () -> partners.awaitNewsBeyond(
                                before + WORKING, "hub incarnation " + (k + 1) + " delivering (" + seed + ")"));
                partners.poll();
                kills.add(moment.describe(
                        k,
                        lived,
                        partners.newsTotal() + " NEWs delivered by then, " + feed.indicatorsStarted()
                                + " indicators published"));
                System.out.println("[faults] " + kills.get(kills.size() - 1));
            }
            ChildJvm last = jvms.start("hub", 512, cluster.hubArgs(prefix, work.resolve("hub-state")));
            partners.awaitNewsBeyond(partners.newsTotal(), "the last hub delivering (" + seed + ")");
            SensorFeed.Outcome outcome = feed.finish();
            String context = seed + ", " + kills + ", " + outcome.published().size() + " indicators published";
            assertThat(outcome.failures())
                    .as("reports the publisher could not get in (%s)", context)
                    .isEmpty();
            Set<String> interpolExpected = ids(outcome.published(), INTERPOL_GRANTS);
            Set<String> ncaExpected = ids(outcome.published(), NCA_GRANTS);

            // and runs until it has read every event and delivered every expected indicator
            partners.awaitAll(
                    Map.of(INTERPOL, interpolExpected, NCA, ncaExpected),
                    () -> cluster.lag(prefix + "hub", topics.sensorEvents()) == 0,
                    context);
            assertThat(last.stop())
                    .as("exit code of the last hub, stopped with SIGTERM (%s)", context)
                    .isIn(0, ChildJvm.SIGTERM_EXIT);
            assertThat(last.printed("Hub stopping:"))
                    .as("the last hub closed cleanly (%s)", context)
                    .isTrue();
            partners.readToEnd();
            assertThat(cluster.lag(prefix + "hub", topics.sensorEvents()))
                    .as("sensor events the hub never read (%s)", context)
                    .isZero();

            // Then each partner got each indicator its agreement grants exactly once as NEW, and nothing else
            System.out.printf(
                    "[faults] %s; interpol: %d expected, %d records; %s: %d expected, %d records%n",
                    context,
                    interpolExpected.size(),
                    partners.of(INTERPOL).records(),
                    NCA,
                    ncaExpected.size(),
                    partners.of(NCA).records());
            partners.assertEachGrantedNewExactlyOnce(INTERPOL, interpolExpected, context);
            partners.assertEachGrantedNewExactlyOnce(NCA, ncaExpected, context);
            assertThat(cluster.records(topics.deadLetter()))
                    .as("dead letters (%s)", context)
                    .isZero();
        }
    }

    private static Set<String> ids(List<Sighting> sightings, Predicate<Sighting> granted) {
        return sightings.stream().filter(granted).map(Sighting::id).collect(Collectors.toSet());
    }
}
