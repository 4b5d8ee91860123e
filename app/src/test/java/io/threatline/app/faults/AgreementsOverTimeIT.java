package io.threatline.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.app.faults.SensorFeed.Sighting;
import io.threatline.contract.AgreementScope;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.Tlp;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agreements that change under a running hub, on the real broker, with the hub in its own JVM
 * (docs/agreements.md, "Agreements over time"):
 * <ol>
 *   <li>a partner added after the indicators were seen gets every live indicator its terms grant,
 *       as NEW, exactly once — also when the hub is killed with SIGKILL in the middle of that
 *       backfill and started again;</li>
 *   <li>a version that narrows the terms makes the hub REVOKE exactly what the partner holds and may
 *       no longer hold;</li>
 *   <li>{@code agreements replay} re-sends the partner's whole entitlement as NEW;</li>
 *   <li>an agreement ended with a tombstone makes the hub REVOKE everything the partner holds.</li>
 * </ol>
 */
class AgreementsOverTimeIT {

    private static final String INTERPOL = "interpol";
    private static final String NCA = "nca-late";
    private static final Predicate<Sighting> INTERPOL_GRANTS = s -> s.tlp() == Tlp.GREEN;
    private static final Predicate<Sighting> NCA_GRANTS =
            s -> s.tlp() != Tlp.RED && s.family().equals("shylock") && s.type() == IndicatorType.DOMAIN;

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms("AgreementsOverTimeIT");

    @TempDir
    Path work;

    @Test
    void shouldBackfillALatePartnerAcrossAKillNineRevokeOnNarrowingReplayOnRequestAndRevokeOnEnd() throws Exception {
        TestCluster cluster = TestCluster.shared();
        ThreatlineTopics topics = TestCluster.freshTopics("overtime");
        String prefix = topics.prefix();
        cluster.createTopics(topics, List.of(INTERPOL, NCA));
        PartnerAgreement interpol = TestCluster.agreement(
                INTERPOL, Tlp.GREEN, AgreementScope.newBuilder().build(), List.of());
        cluster.putAgreements(topics, List.of(interpol));
        List<String> hubArgs = new ArrayList<>(cluster.hubArgs(prefix, work.resolve("hub-state")));
        // A slow sweep, so that the kill lands in the middle of the backfill.
        hubArgs.addAll(List.of("--set", "threatline.hub.backfill.rate=100"));

        try (SensorFeed feed = new SensorFeed(cluster.publisherConfig(topics), "overtime", 300);
                PartnerFeeds partners = new PartnerFeeds(
                        cluster.bootstrapServers(), cluster.registryUrl(), topics, List.of(INTERPOL, NCA))) {
            // Given indicators the hub has seen and shared with the one partner it had
            feed.publishBacklog(900);
            List<Sighting> published = feed.finish().published();
            Set<String> interpolGranted = ids(published, INTERPOL_GRANTS);
            Set<String> ncaGranted = ids(published, NCA_GRANTS);
            ChildJvm hub = jvms.start("hub", 512, hubArgs);
            partners.awaitAll(Map.of(INTERPOL, interpolGranted), () -> true, "interpol's feed");
            assertThat(partners.of(INTERPOL).newIds()).containsAll(interpolGranted);
            assertThat(partners.of(NCA).records())
                    .as("nothing for a partner without an agreement")
                    .isZero();

            // When a partner is added late, and the hub is killed -9 during its backfill and started again
            cluster.putAgreements(
                    topics,
                    List.of(TestCluster.agreement(
                            NCA,
                            Tlp.AMBER,
                            AgreementScope.newBuilder()
                                    .setMalwareFamilies(List.of("shylock"))
                                    .setIndicatorTypes(List.of(IndicatorType.DOMAIN))
                                    .build(),
                            List.of())));
            Awaitility.await("the backfill under way")
                    .atMost(Duration.ofSeconds(120))
                    .pollInSameThread()
                    .until(() -> {
                        partners.poll();
                        return !partners.of(NCA).newIds().isEmpty();
                    });
            int beforeKill = partners.of(NCA).newIds().size();
            hub.kill();
            System.out.printf(
                    "[faults] hub killed with %d of %d backfilled indicators delivered%n",
                    beforeKill, ncaGranted.size());
            assertThat(beforeKill)
                    .as("the kill lands in the middle of the backfill")
                    .isLessThan(ncaGranted.size());
            hub = jvms.start("hub", 512, hubArgs);
            partners.awaitAll(Map.of(NCA, ncaGranted), () -> true, "the late partner's backfill");
            partners.readToEnd();

            // Then the late partner holds exactly what its terms grant, each as NEW once
            partners.assertEachGrantedNewExactlyOnce(NCA, ncaGranted, "backfill after kill -9");

            // When interpol's agreement narrows to domains only (version 2)
            PartnerAgreement narrowed = PartnerAgreement.newBuilder(interpol)
                    .setVersion(2)
                    .setScope(AgreementScope.newBuilder()
                            .setIndicatorTypes(List.of(IndicatorType.DOMAIN))
                            .build())
                    .build();
            cluster.putAgreements(topics, List.of(narrowed));
            Set<String> interpolUrls = ids(published, INTERPOL_GRANTS.and(s -> s.type() == IndicatorType.URL));
            Awaitility.await("interpol's URLs revoked")
                    .atMost(Duration.ofSeconds(120))
                    .pollInSameThread()
                    .until(() -> {
                        partners.poll();
                        return partners.of(INTERPOL).revokes().keySet().containsAll(interpolUrls);
                    });
            partners.readToEnd();

            // Then exactly the URLs it held are revoked, once each, under version 2, and its domains stay
            assertThat(new TreeSet<>(partners.of(INTERPOL).revokes().keySet())).isEqualTo(new TreeSet<>(interpolUrls));
            assertThat(partners.of(INTERPOL).revokes().values()).allMatch(n -> n == 1);
            assertThat(partners.of(INTERPOL).holds())
                    .isEqualTo(ids(published, INTERPOL_GRANTS.and(s -> s.type() == IndicatorType.DOMAIN)));
            assertThat(partners.of(INTERPOL).agreements()).containsExactly("MOU-interpol v1", "MOU-interpol v2");

            // When the operator asks for a replay of the late partner's feed (its SIEM lost its data)
            java.io.StringWriter said = new java.io.StringWriter();
            picocli.CommandLine cli = io.threatline.app.ThreatlineCommand.commandLine();
            cli.setOut(new java.io.PrintWriter(said, true));
            cli.setErr(new java.io.PrintWriter(said, true));
            List<String> replay = new ArrayList<>(
                    List.of("agreements", "replay", NCA, "--topic-prefix", prefix, "--operator", "liaison"));
            replay.addAll(cluster.connectionArgs());
            assertThat(cli.execute(replay.toArray(String[]::new)))
                    .as("agreements replay: %s", said)
                    .isZero();
            Awaitility.await("the replay")
                    .atMost(Duration.ofSeconds(120))
                    .pollInSameThread()
                    .until(() -> {
                        partners.poll();
                        return partners.of(NCA).newTwice().keySet().containsAll(ncaGranted);
                    });
            partners.readToEnd();

            // Then it receives its whole entitlement once more as NEW, and nothing else
            assertThat(partners.of(NCA).newTwice())
                    .as("each granted indicator NEW twice: backfill and replay")
                    .hasSize(ncaGranted.size())
                    .allSatisfy((id, n) -> assertThat(n).isEqualTo(2));
            assertThat(partners.of(NCA).anyIds()).isEqualTo(ncaGranted);
            assertThat(said.toString()).contains("replay requested: " + NCA);

            // When the late partner's agreement is ended with a tombstone
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                    Map.of("bootstrap.servers", cluster.bootstrapServers()),
                    new StringSerializer(),
                    new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(topics.agreements(), NCA, null))
                        .get();
            }
            Awaitility.await("the ended partner's indicators revoked")
                    .atMost(Duration.ofSeconds(120))
                    .pollInSameThread()
                    .until(() -> {
                        partners.poll();
                        return partners.of(NCA).holds().isEmpty();
                    });

            // Then it was told to revoke everything it held, once each, and holds nothing
            assertThat(new TreeSet<>(partners.of(NCA).revokes().keySet())).isEqualTo(new TreeSet<>(ncaGranted));
            assertThat(partners.of(NCA).revokes().values()).allMatch(n -> n == 1);
            assertThat(hub.stop()).isIn(0, ChildJvm.SIGTERM_EXIT);
            assertThat(cluster.records(topics.deadLetter())).as("dead letters").isZero();
        }
    }

    private static Set<String> ids(List<Sighting> sightings, Predicate<Sighting> granted) {
        return sightings.stream().filter(granted).map(Sighting::id).collect(Collectors.toSet());
    }
}
