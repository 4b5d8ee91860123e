package io.threatline.app.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.threatline.consumer.audit.AuditVerifier;
import io.threatline.contract.AgreementScope;
import io.threatline.contract.ChannelSettings;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.Tlp;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * `threatline deliver` in its own JVM, writing a partner's feed to a files channel (JSON Lines,
 * small files so that they rotate often), killed with SIGKILL {@value #KILLS} times at random
 * moments while the partner's topic keeps filling, and started again each time: every record
 * reaches the folder at least once, no line is torn and no file left half-written, and the
 * partner's receipt chain verifies and accounts for every record — each receipted record is in
 * the folder, and the receipts' offsets cover the whole topic.
 */
class DeliveryKillRestartIT {

    private static final int KILLS = 2;
    private static final String PARTNER = "interpol";

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms("DeliveryKillRestartIT");

    @TempDir
    Path work;

    @Test
    void shouldDeliverEveryRecordAtLeastOnceAndReceiptItAcrossKillNines() throws Exception {
        FaultSeed seed = FaultSeed.forTest("DeliveryKillRestartIT");
        Random random = seed.random();
        TestCluster cluster = TestCluster.shared();

        // Given a partner whose agreement delivers to a folder in JSON Lines, files completed every 16 KiB
        ThreatlineTopics topics = TestCluster.freshTopics("deliverkill");
        String prefix = topics.prefix();
        Path folder = work.resolve("outbox");
        JsonlOutbox outbox = new JsonlOutbox(folder);
        cluster.createTopics(topics, List.of(PARTNER));
        cluster.putAgreements(
                topics,
                List.of(TestCluster.agreement(
                        PARTNER,
                        Tlp.AMBER,
                        AgreementScope.newBuilder().build(),
                        List.of(ChannelSettings.newBuilder()
                                .setChannel(DeliveryChannel.FILES)
                                .setSettings(
                                        Map.of("directory", folder.toString(), "format", "jsonl", "max_bytes", "16384"))
                                .build()))));
        String group = prefix + "deliver";
        // The deployment's indicator key: receipts name records by keyed hash (docs/data-protection.md).
        Path keyFile = work.resolve("indicator-key");
        io.threatline.schemas.privacy.IndicatorKey key = io.threatline.schemas.privacy.IndicatorKey.ensure(keyFile);
        List<String> deliverArgs = new ArrayList<>(List.of("deliver"));
        deliverArgs.addAll(cluster.connectionArgs());
        deliverArgs.addAll(List.of(
                "--topic-prefix",
                prefix,
                "--partner",
                PARTNER,
                "--channel",
                "files",
                "--ops-port",
                "-1",
                "--set",
                "threatline.delivery.group.prefix=" + group,
                "--set",
                "threatline.delivery.batch.max.records=20",
                "--set",
                "session.timeout.ms=6000",
                "--set",
                io.threatline.schemas.privacy.IndicatorKey.FILE_SETTING + "=" + keyFile));

        List<String> kills = new ArrayList<>();
        Map<String, String> produced;
        String context;
        try (PartnerTopicFeed feed =
                new PartnerTopicFeed(cluster, topics.partnerIndicators(PARTNER), PARTNER, "MOU-" + PARTNER, 100)) {
            // and the partner's topic filling while delivery runs
            feed.start();

            // When delivery is killed -9 at random moments and started again after each kill
            for (int kill = 0; kill < KILLS; kill++) {
                int k = kill;
                ChildJvm deliver = jvms.start("deliver", 256, deliverArgs);
                KillMoment moment = KillMoment.draw(random, k, Duration.ofSeconds(2), Duration.ofSeconds(10));
                Duration lived = moment.awaitAndKill(
                        deliver,
                        () -> awaitMoreWritten(outbox, "delivery incarnation " + (k + 1) + " writing (" + seed + ")"));
                kills.add(moment.describe(
                        k,
                        lived,
                        outbox.written().lines() + " lines written by then, "
                                + feed.acknowledged().size() + " records on the topic"));
                System.out.println("[faults] " + kills.get(kills.size() - 1));
            }
            ChildJvm last = jvms.start("deliver", 256, deliverArgs);
            awaitMoreWritten(outbox, "the last delivery writing (" + seed + ")");
            assertThat(feed.finish()).as("records Kafka refused (%s)", seed).isEmpty();
            produced = feed.acknowledged();
            context = seed + ", " + kills + ", " + produced.size() + " records on the topic";

            // and runs until its consumer group has read the whole topic, then is stopped with SIGTERM
            try {
                await().atMost(Duration.ofSeconds(240))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> outbox.written().copies().keySet().containsAll(produced.keySet())
                                && cluster.lag(group + "." + PARTNER + ".files", topics.partnerIndicators(PARTNER))
                                        == 0);
            } catch (ConditionTimeoutException e) {
                System.out.println(
                        "[faults] delivery did not catch up within 240 s; what is missing follows (" + context + ")");
            }
            assertThat(last.stop())
                    .as("exit code of the last delivery, stopped with SIGTERM (%s)", context)
                    .isIn(0, ChildJvm.SIGTERM_EXIT);
            assertThat(last.printed("Delivery stopping:"))
                    .as("the last delivery closed cleanly (%s)", context)
                    .isTrue();
        }

        // Then the folder holds every record at least once, in whole lines and completed files only
        JsonlOutbox.Contents files = outbox.completed();
        long redelivered = files.copies().values().stream().filter(n -> n > 1).count();
        System.out.printf(
                "[faults] %s; %d lines in the folder, %d records delivered more than once%n",
                context, files.lines(), redelivered);
        assertThat(files.unfinished())
                .as("files left half-written (%s)", context)
                .isEmpty();
        assertThat(files.torn()).as("torn lines (%s)", context).isEmpty();
        assertThat(missing(produced.keySet(), files.copies().keySet()))
                .as("records never delivered, the first 20 (%s)", context)
                .isEmpty();
        assertThat(missing(files.copies().keySet(), produced.keySet()))
                .as("lines of records that were never on the topic (%s)", context)
                .isEmpty();
        produced.forEach(
                (deliveryId, indicatorId) -> assertThat(files.indicator().get(deliveryId))
                        .as("indicator of %s (%s)", deliveryId, context)
                        .isEqualTo(indicatorId));

        // and the receipt chain is intact by `threatline audit verify`
        assertThat(AuditChains.verifyIntact(cluster, prefix, PARTNER, context))
                .as("(%s)", context)
                .contains("agreement MOU-" + PARTNER + " v1 via FILES (" + folder + ")");

        // and accounts for every record: each receipted record is in the folder, and the receipts cover every offset
        List<DeliveryReceipt> receipts = AuditChains.receipts(cluster, topics);
        AuditVerifier.Report report = AuditVerifier.verify(
                PARTNER, receipts, Instant.EPOCH, Instant.now().plusSeconds(60));
        assertThat(report.breaks()).as("breaks in the chain (%s)", context).isEmpty();
        for (DeliveryReceipt receipt : receipts) {
            assertThat(AuditChains.deliveryIds(receipt).stream()
                            .map(produced::get)
                            .map(key::ref)
                            .toList())
                    .as("records of receipt %d, by its offsets and by its ids (%s)", receipt.getSequence(), context)
                    .isEqualTo(receipt.getRecordIds());
        }
        Set<String> receipted = AuditChains.covered(receipts);
        System.out.printf(
                "[faults] %d receipts for %d records (%s)%n",
                receipts.size(), report.recordIds().size(), context);
        assertThat(missing(produced.keySet(), receipted))
                .as("records no receipt accounts for, the first 20 (%s)", context)
                .isEmpty();
        assertThat(missing(receipted, files.copies().keySet()))
                .as("receipted records that are not in the folder (%s)", context)
                .isEmpty();
    }

    private static void awaitMoreWritten(JsonlOutbox outbox, String what) {
        long before = outbox.written().lines();
        await(what)
                .atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> outbox.written().lines() > before);
    }

    private static List<String> missing(Set<String> expected, Set<String> actual) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        return missing.stream().limit(20).toList();
    }
}
