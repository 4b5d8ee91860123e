package io.threatline.consumer.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.threatline.consumer.audit.AuditVerifier;
import io.threatline.contract.DeadLetter;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.StatisticDimension;
import io.threatline.contract.StatisticWindow;
import io.threatline.contract.TrendStatistic;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The delivery service against the real broker and registry, with a recording channel as the peer. */
class DeliveryServiceIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Map<String, String> SETTINGS = Map.of("url", "https://siem.example/hook");

    private DeliveryFixture fixture;
    private RecordingSink.Factory factory;
    private DeliveryService service;

    @BeforeEach
    void setUp() {
        fixture = new DeliveryFixture();
        factory = new RecordingSink.Factory(DeliveryChannel.WEBHOOK);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (service != null) {
            service.close();
        }
        fixture.close();
    }

    private DeliveryService start() throws InterruptedException {
        service = new DeliveryService(fixture.deliverySettings(), List.of(factory));
        service.start();
        return service;
    }

    private List<DeliveryReceipt> receipts() throws InterruptedException {
        return fixture.receipts(service);
    }

    @Test
    void shouldDeliverEachPartnersFeedAndWriteAnIntactReceiptChain() throws Exception {
        // Given two partners with a channel each and 120 and 80 records waiting
        fixture.createPartnerTopics("alpha", "bravo");
        fixture.putAgreement(DeliveryFixture.agreement("alpha", 1, DeliveryChannel.WEBHOOK, SETTINGS));
        fixture.putAgreement(DeliveryFixture.agreement("bravo", 1, DeliveryChannel.WEBHOOK, SETTINGS));
        List<String> alpha = fixture.publishIndicators("alpha", 0, 120, 1);
        List<String> bravo = fixture.publishIndicators("bravo", 0, 80, 1);

        // When the service runs
        start();

        // Then each partner gets exactly its own records, and the receipts account for every one
        await().atMost(WAIT)
                .until(() -> factory.sink("alpha").deliveredIds().size() >= 120
                        && factory.sink("bravo").deliveredIds().size() >= 80);
        assertThat(factory.sink("alpha").deliveredIds()).containsExactlyInAnyOrderElementsOf(alpha);
        assertThat(factory.sink("bravo").deliveredIds()).containsExactlyInAnyOrderElementsOf(bravo);
        await().atMost(WAIT)
                .until(() -> AuditVerifier.verify(
                                        "alpha",
                                        receipts(),
                                        Instant.EPOCH,
                                        Instant.now().plusSeconds(60))
                                .recordIds()
                                .size()
                        == 120);
        AuditVerifier.Report report = AuditVerifier.verify(
                "alpha", receipts(), Instant.EPOCH, Instant.now().plusSeconds(60));
        assertThat(report.intact()).as("breaks: %s", report.breaks()).isTrue();
        assertThat(report.recordIds()).containsExactlyInAnyOrderElementsOf(DeliveryFixture.refs(alpha));
        assertThat(report.delivered()).singleElement().satisfies(d -> {
            assertThat(d.agreementId()).isEqualTo("MOU-alpha");
            assertThat(d.agreementVersion()).isEqualTo(1);
            assertThat(d.channel()).isEqualTo("WEBHOOK");
            assertThat(d.target()).isEqualTo("recording://alpha");
            assertThat(d.records()).isEqualTo(120);
        });
        assertThat(receipts())
                .filteredOn(r -> r.getPartnerId().equals("alpha"))
                .allSatisfy(r -> assertThat(r.getRecordIds()).hasSizeLessThanOrEqualTo(50));
        // and the offsets are committed up to the end
        await().atMost(WAIT).until(() -> committed("alpha") == 120);
    }

    @Test
    void shouldHoldAFailingPartnersFeedWithoutSlowingAnotherAndResumeWithTheSameIdempotencyKey() throws Exception {
        // Given partner alpha's receiver is down
        fixture.createPartnerTopics("alpha", "bravo");
        fixture.putAgreement(DeliveryFixture.agreement("alpha", 1, DeliveryChannel.WEBHOOK, SETTINGS));
        fixture.putAgreement(DeliveryFixture.agreement("bravo", 1, DeliveryChannel.WEBHOOK, SETTINGS));
        factory.sink("alpha").mode.set(RecordingSink.Mode.DOWN);
        List<String> alpha = fixture.publishIndicators("alpha", 0, 30, 1);
        List<String> bravo = fixture.publishIndicators("bravo", 0, 40, 1);

        // When the service runs while alpha's receiver is down
        start();

        // Then bravo is delivered in full, alpha is retried and nothing of it is confirmed or committed
        await().atMost(WAIT).until(() -> factory.sink("bravo").deliveredIds().size() >= 40);
        await().atMost(WAIT).until(() -> factory.sink("alpha").attemptedKeys.size() >= 3);
        assertThat(factory.sink("alpha").confirmed).isEmpty();
        assertThat(committed("alpha")).isZero();
        assertThat(service.counters().channel("alpha", "WEBHOOK").failingSince.get())
                .isPositive();
        Set<String> keysWhileDown = new HashSet<>(factory.sink("alpha").attemptedKeys);

        // When the receiver comes back
        factory.sink("alpha").mode.set(RecordingSink.Mode.WORKING);

        // Then everything arrives, once, and the batch held during the outage kept its idempotency key
        await().atMost(WAIT).until(() -> factory.sink("alpha").deliveredIds().size() >= 30);
        assertThat(factory.sink("alpha").deliveredIds()).containsExactlyInAnyOrderElementsOf(alpha);
        assertThat(keysWhileDown).hasSize(1);
        assertThat(factory.sink("alpha").confirmed.get(0).idempotencyKey())
                .isEqualTo(keysWhileDown.iterator().next());
        assertThat(factory.sink("bravo").deliveredIds()).containsExactlyInAnyOrderElementsOf(bravo);
        await().atMost(WAIT)
                .until(() -> service.counters()
                                .channel("alpha", "WEBHOOK")
                                .failingSince
                                .get()
                        == 0);
    }

    @Test
    void shouldSendPermanentlyRefusedAndInexpressibleRecordsToThePartnersDeadLetterWithTheReason() throws Exception {
        // Given a receiver that refuses everything for good, and a statistic the channel cannot carry
        fixture.createPartnerTopics("alpha");
        fixture.putAgreement(DeliveryFixture.agreement("alpha", 1, DeliveryChannel.WEBHOOK, SETTINGS));
        factory.sink("alpha").mode.set(RecordingSink.Mode.REJECTING);
        List<String> ids = fixture.publishIndicators("alpha", 0, 5, 1);
        String statsTopic = fixture.topics.partnerStatistics("alpha");
        TrendStatistic statistic = TrendStatistic.newBuilder()
                .setPartnerId("alpha")
                .setAgreementId("MOU-alpha")
                .setAgreementVersion(1)
                .setWindow(StatisticWindow.HOURLY)
                .setWindowStart(Instant.parse("2026-11-20T10:00:00Z"))
                .setWindowEnd(Instant.parse("2026-11-20T11:00:00Z"))
                .setDimension(StatisticDimension.MALWARE_FAMILY)
                .setDimensionValue("Shylock")
                .setCount(12)
                .build();
        fixture.send(
                statsTopic,
                "HOUR/FAMILY/Shylock/2026-11-20T10",
                fixture.serdes.trendStatistic.serializer().serialize(statsTopic, statistic));

        // When the service runs
        start();

        // Then all six land in alpha's dead letter with their reasons, nothing was confirmed, and the offsets moved on
        String deadLetterTopic = fixture.topics.partnerDeadLetter("alpha");
        await().atMost(WAIT)
                .until(() -> fixture.readValues(deadLetterTopic, fixture.serdes.deadLetter.deserializer())
                                .size()
                        >= 6);
        List<DeadLetter> letters = fixture.readValues(deadLetterTopic, fixture.serdes.deadLetter.deserializer());
        assertThat(letters).hasSize(6);
        assertThat(letters)
                .filteredOn(l -> l.getReasonCode().equals("CHANNEL_REJECTED"))
                .hasSize(5)
                .allSatisfy(l -> {
                    assertThat(l.getReason()).contains("HTTP 400");
                    assertThat(l.getStage()).isEqualTo("deliver:webhook");
                    assertThat(l.getPartnerId()).isEqualTo("alpha");
                    assertThat(l.getOriginalValue()).isNotNull();
                });
        assertThat(letters)
                .filteredOn(l -> l.getReasonCode().equals("CHANNEL_CANNOT_EXPRESS"))
                .singleElement()
                .satisfies(l -> assertThat(l.getSourceTopic()).isEqualTo(statsTopic));
        assertThat(factory.sink("alpha").confirmed).isEmpty();
        assertThat(ids).hasSize(5);
        await().atMost(WAIT).until(() -> committed("alpha") == 5);
    }

    @Test
    void shouldCommitPastABadRecordOnlyAfterTheGoodOnesBeforeItAreDelivered() throws Exception {
        // Given five good records and then one that is not Avro, in one partition (one poll, most likely)
        fixture.createPartnerTopics("alpha");
        fixture.putAgreement(DeliveryFixture.agreement("alpha", 1, DeliveryChannel.WEBHOOK, SETTINGS));
        String topic = fixture.topics.partnerIndicators("alpha");
        List<String> ids = new java.util.ArrayList<>();
        for (int n = 0; n < 5; n++) {
            io.threatline.contract.PartnerIndicator indicator = DeliveryFixture.indicator("alpha", n, 1);
            ids.add(indicator.getIndicatorId());
            fixture.send(
                    topic,
                    0,
                    indicator.getIndicatorId(),
                    fixture.serdes.partnerIndicator.serializer().serialize(topic, indicator));
        }
        fixture.send(topic, 0, "garbage", "not avro".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        // When the service runs
        start();

        // Then the five are delivered, the bad one dead-lettered, and the committed offset ends after all six — it
        // never
        // moved past the good ones before they were delivered, nor back behind the bad one afterwards
        await().atMost(WAIT)
                .until(() -> factory.sink("alpha").deliveredIds().size() == 5
                        && fixture.readAll(fixture.topics.partnerDeadLetter("alpha"), (k, v) -> v)
                                        .size()
                                == 1);
        assertThat(factory.sink("alpha").deliveredIds()).containsExactlyElementsOf(ids);
        await().atMost(WAIT).until(() -> committed("alpha") == 6);
        await().during(Duration.ofMillis(1500)).atMost(WAIT).until(() -> committed("alpha") == 6);
    }

    @Test
    void shouldContinueTheChainAfterARestartWithoutRedeliveringConfirmedBatches() throws Exception {
        // Given a first run that delivered 60 records
        fixture.createPartnerTopics("alpha");
        fixture.putAgreement(DeliveryFixture.agreement("alpha", 1, DeliveryChannel.WEBHOOK, SETTINGS));
        fixture.publishIndicators("alpha", 0, 60, 1);
        start();
        await().atMost(WAIT).until(() -> committed("alpha") == 60);
        service.close();
        service = null;
        long receiptsBefore = receipts().size();

        // When 40 more arrive under a new agreement version and the service starts again
        fixture.putAgreement(DeliveryFixture.agreement("alpha", 2, DeliveryChannel.WEBHOOK, SETTINGS));
        List<String> later = fixture.publishIndicators("alpha", 60, 100, 2);
        start();

        // Then only the 40 new ones are delivered again, and the chain continues intact over both runs
        await().atMost(WAIT).until(() -> committed("alpha") == 100);
        assertThat(factory.sink("alpha").deliveredIds()).hasSize(100);
        assertThat(factory.sink("alpha").deliveredIds().subList(60, 100)).containsExactlyInAnyOrderElementsOf(later);
        // (the sequencer chains the last receipts a moment after the offsets are committed)
        await().atMost(WAIT)
                .until(() -> AuditVerifier.verify("alpha", receipts(), Instant.EPOCH, Instant.MAX)
                                .recordIds()
                                .size()
                        == 100);
        AuditVerifier.Report report = AuditVerifier.verify(
                "alpha", receipts(), Instant.EPOCH, Instant.now().plusSeconds(60));
        assertThat(report.intact()).as("breaks: %s", report.breaks()).isTrue();
        assertThat(report.receipts()).isGreaterThan(receiptsBefore);
        assertThat(report.delivered())
                .extracting(AuditVerifier.Delivered::agreementVersion, AuditVerifier.Delivered::records)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(1, 60L), org.assertj.core.groups.Tuple.tuple(2, 40L));
    }

    @Test
    void shouldStopDeliveringWhenTheAgreementEnds() throws Exception {
        // Given a partner being delivered
        fixture.createPartnerTopics("alpha");
        fixture.putAgreement(DeliveryFixture.agreement("alpha", 1, DeliveryChannel.WEBHOOK, SETTINGS));
        fixture.publishIndicators("alpha", 0, 10, 1);
        start();
        await().atMost(WAIT).until(() -> factory.sink("alpha").deliveredIds().size() == 10);

        // When its agreement ends (tombstone) and more records appear on its topic
        fixture.endAgreement("alpha");
        await().atMost(WAIT).until(() -> service.runningWorkers().isEmpty());
        fixture.publishIndicators("alpha", 10, 20, 1);

        // Then none of them is delivered
        await().during(Duration.ofMillis(1500))
                .atMost(WAIT)
                .until(() -> factory.sink("alpha").deliveredIds().size() == 10);
        assertThat(factory.sink("alpha").deliveredIds()).hasSize(10);
    }

    @Test
    void shouldRefuseAChannelWithBadSettingsNamingTheSettingAndKeepOtherPartnersRunning() throws Exception {
        // Given alpha's channel lacks its url, bravo's is fine
        fixture.createPartnerTopics("alpha", "bravo");
        fixture.putAgreement(DeliveryFixture.agreement("alpha", 1, DeliveryChannel.WEBHOOK, Map.of()));
        fixture.putAgreement(DeliveryFixture.agreement("bravo", 1, DeliveryChannel.WEBHOOK, SETTINGS));
        fixture.publishIndicators("bravo", 0, 5, 1);

        // When the service runs
        start();

        // Then alpha's channel is refused with a message naming the setting, bravo is delivered
        await().atMost(WAIT).until(() -> factory.sink("bravo").deliveredIds().size() == 5);
        assertThat(service.refusedChannels()).containsOnlyKeys("alpha/WEBHOOK");
        assertThat(service.refusedChannels().get("alpha/WEBHOOK"))
                .contains("partner 'alpha'", "setting 'url'", "required");
        assertThat(service.runningWorkers()).containsExactly("bravo/WEBHOOK");
    }

    @Test
    void shouldRefuseOnlyTheChannelWhoseBuildThrowsAndKeepFollowingAgreements() throws Exception {
        // Given alpha and bravo delivered over the recording channel, and a service that also runs the real files
        // channel and a syslog channel whose build fails with an Error (a stand-in for a channel's bug)
        fixture.createPartnerTopics("alpha", "bravo", "broken", "crashing");
        fixture.putAgreement(DeliveryFixture.agreement("alpha", 1, DeliveryChannel.WEBHOOK, SETTINGS));
        fixture.putAgreement(DeliveryFixture.agreement("bravo", 1, DeliveryChannel.WEBHOOK, SETTINGS));
        fixture.publishIndicators("alpha", 0, 5, 1);
        fixture.publishIndicators("bravo", 0, 5, 1);
        java.nio.file.Path outbox = java.nio.file.Files.createTempDirectory("broken-outbox");
        ChannelSinkFactory crashing = new ChannelSinkFactory() {
            @Override
            public DeliveryChannel channel() {
                return DeliveryChannel.SYSLOG;
            }

            @Override
            public void validate(ChannelSettings settings) {
                settings.required("host");
            }

            @Override
            public ChannelSink create(ChannelSettings settings) {
                throw new NoClassDefFoundError("io/example/MissingSyslogCodec");
            }
        };
        service = new DeliveryService(
                fixture.deliverySettings(),
                List.of(factory, new io.threatline.consumer.files.FileSinkFactory(), crashing));
        service.start();
        await().atMost(WAIT)
                .until(() -> factory.sink("alpha").deliveredIds().size() == 5
                        && factory.sink("bravo").deliveredIds().size() == 5);

        // When agreements whose channels throw on build arrive straight on the agreements topic (no apply validated
        // them): a files channel whose rotation overflows a long, and the crashing syslog channel
        fixture.putAgreement(DeliveryFixture.agreement(
                "broken",
                1,
                DeliveryChannel.FILES,
                Map.of("directory", outbox.toString(), "rotate", "P200000000000D")));
        fixture.putAgreement(
                DeliveryFixture.agreement("crashing", 1, DeliveryChannel.SYSLOG, Map.of("host", "siem.example")));
        await().atMost(WAIT)
                .until(() ->
                        service.refusedChannels().keySet().containsAll(List.of("broken/FILES", "crashing/SYSLOG")));

        // and then alpha's agreement ends
        fixture.endAgreement("alpha");

        // Then alpha's channel stops, bravo's still delivers, and only the two throwing channels are refused, named
        await().atMost(WAIT).until(() -> !service.runningWorkers().contains("alpha/WEBHOOK"));
        fixture.publishIndicators("alpha", 5, 10, 1);
        List<String> laterBravo = fixture.publishIndicators("bravo", 5, 10, 1);
        await().atMost(WAIT).until(() -> factory.sink("bravo").deliveredIds().containsAll(laterBravo));
        await().during(Duration.ofMillis(1500))
                .atMost(WAIT)
                .until(() -> factory.sink("alpha").deliveredIds().size() == 5);
        assertThat(service.runningWorkers()).containsExactly("bravo/WEBHOOK");
        assertThat(service.refusedChannels()).containsOnlyKeys("broken/FILES", "crashing/SYSLOG");
        assertThat(service.refusedChannels().get("broken/FILES")).contains("partner 'broken'", "FILES", "rotate");
        assertThat(service.refusedChannels().get("crashing/SYSLOG"))
                .contains("partner 'crashing'", "SYSLOG", "MissingSyslogCodec");
        assertThat(service.counters().channel("broken", "FILES").refusals.sum()).isEqualTo(1);
        assertThat(service.counters().channel("crashing", "SYSLOG").refusals.sum())
                .isEqualTo(1);
    }

    private long committed(String partnerId) throws Exception {
        String group = fixture.topics.prefix() + "deliver." + partnerId + ".webhook";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", fixture.client.get("bootstrap.servers")))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            return offsets.entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(fixture.topics.partnerIndicators(partnerId))
                            && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset())
                    .sum();
        }
    }
}
