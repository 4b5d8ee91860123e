package io.threatline.producer.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.platform.kafka.FreePorts;
import io.threatline.schemas.serde.ConfluentAvroSerializer;
import io.threatline.schemas.serde.InMemorySchemaRegistryClient;
import io.threatline.schemas.serde.RestSchemaRegistryClient;
import io.threatline.schemas.serde.SchemaRegistryClient;
import io.threatline.schemas.serde.SchemaRegistryException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class ThreatPublisherTest {

    private final MockProducer<String, ThreatEvent> producer = new MockProducer<>(
            false,
            null,
            new StringSerializer(),
            new ConfluentAvroSerializer<>(new InMemorySchemaRegistryClient(), Map.of(), false));

    private ThreatPublisher publisher(Map<String, Object> settings) {
        return new ThreatPublisher(producer, new PublisherConfig(settings));
    }

    @Test
    void shouldStampRecordsWithObservedAtButNeverInTheFutureWhenAskedTo() {
        ThreatPublisher byPublishTime = publisher(Map.of());
        ThreatPublisher byObservedAt = publisher(Map.of(PublisherConfig.RECORD_TIMESTAMP, "observed_at"));
        ThreatEvent past = event("1", IndicatorType.IPV4, "203.0.113.9");
        past.setObservedAt(java.time.Instant.parse("2026-11-01T08:00:00Z"));
        ThreatEvent future = event("2", IndicatorType.IPV4, "203.0.113.10");
        future.setObservedAt(java.time.Instant.now().plus(java.time.Duration.ofDays(2)));

        byPublishTime.publish(past);
        byObservedAt.publish(past);
        long before = System.currentTimeMillis();
        byObservedAt.publish(future);

        assertThat(producer.history().get(0).timestamp())
                .as("the Kafka default: stamped by the producer")
                .isNull();
        assertThat(producer.history().get(1).timestamp())
                .isEqualTo(java.time.Instant.parse("2026-11-01T08:00:00Z").toEpochMilli());
        assertThat(producer.history().get(2).timestamp()).isBetween(before, System.currentTimeMillis());
    }

    @Test
    void shouldKeyByTheCanonicalIdAndAddSensorAndTraceHeaders() throws Exception {
        ThreatPublisher publisher = publisher(Map.of());

        CompletableFuture<PublishResult> result = publisher.publish(
                event("1", IndicatorType.URL, "hxxps://Evil[.]Example[.]com:443/gate.php#x"), "trace-1");
        producer.completeNext();

        ProducerRecord<String, ThreatEvent> sent = producer.history().get(0);
        assertThat(sent.topic()).isEqualTo("ti.sensor-events.v1");
        assertThat(sent.key()).isEqualTo("url:https://evil.example.com/gate.php");
        assertThat(sent.value().getIndicatorValue())
                .as("the value travels as the sensor saw it")
                .isEqualTo("hxxps://Evil[.]Example[.]com:443/gate.php#x");
        assertThat(new String(
                        sent.headers().lastHeader(ThreatPublisher.SENSOR_HEADER).value(), StandardCharsets.UTF_8))
                .isEqualTo("sensor-1");
        assertThat(new String(
                        sent.headers().lastHeader(ThreatPublisher.TRACE_HEADER).value(), StandardCharsets.UTF_8))
                .isEqualTo("trace-1");
        assertThat(result.get(1, TimeUnit.SECONDS))
                .isInstanceOfSatisfying(
                        PublishResult.Accepted.class,
                        a -> assertThat(a.indicatorId()).isEqualTo("url:https://evil.example.com/gate.php"));
        assertThat(publisher.metrics().sentCount()).isEqualTo(1);
    }

    @Test
    void shouldRejectAnInvalidEventWithItsReasonAndSendNothing() throws Exception {
        ThreatPublisher publisher = publisher(Map.of());

        PublishResult bad =
                publisher.publish(event("2", IndicatorType.IPV4, "300.1.2.3")).get(1, TimeUnit.SECONDS);
        ThreatEvent unknownTlp = event("3", IndicatorType.DOMAIN, "example.com");
        unknownTlp.setTlp(Tlp.UNKNOWN);
        PublishResult unmarked = publisher.publish(unknownTlp).get(1, TimeUnit.SECONDS);

        assertThat(producer.history()).isEmpty();
        assertThat(bad)
                .isInstanceOfSatisfying(
                        PublishResult.Rejected.class,
                        r -> assertThat(r.reason().message()).contains("300.1.2.3"));
        assertThat(unmarked)
                .isInstanceOfSatisfying(
                        PublishResult.Rejected.class,
                        r -> assertThat(r.reason().code()).isEqualTo("UNKNOWN_TLP"));
        assertThat(publisher.metrics().rejectedCount()).isEqualTo(2);
        assertThat(publisher.metrics().rejectedByReason()).containsEntry("UNKNOWN_TLP", 1L);
    }

    @Test
    void shouldSendAnInvalidEventAsIsWhenThePolicySaysSo() {
        ThreatPublisher publisher = publisher(Map.of(PublisherConfig.INVALID_EVENT_POLICY, "send_as_is"));

        publisher.publish(event("4", IndicatorType.MD5, "not-a-hash"));

        assertThat(producer.history())
                .singleElement()
                .satisfies(r -> assertThat(r.key()).isEqualTo("md5:not-a-hash"));
    }

    @Test
    void shouldBlockThePublisherWhenTooManyEventsArePending() throws Exception {
        // Given at most two unacknowledged events
        ThreatPublisher publisher = publisher(Map.of(PublisherConfig.MAX_PENDING_EVENTS, 2));
        publisher.publish(event("5", IndicatorType.DOMAIN, "a.example.com"));
        publisher.publish(event("6", IndicatorType.DOMAIN, "b.example.com"));

        // When a third is published
        CompletableFuture<Void> third =
                CompletableFuture.runAsync(() -> publisher.publish(event("7", IndicatorType.DOMAIN, "c.example.com")));

        // Then it waits (for as long as we watch) until Kafka acknowledges one
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(2))
                .until(() -> !third.isDone() && producer.history().size() == 2);
        assertThat(publisher.pendingEvents()).isEqualTo(2);
        producer.completeNext();
        third.get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 3);
        assertThat(publisher.pendingEvents()).isEqualTo(2);
    }

    @Test
    void shouldReportABrokerFailureAsFailed() throws Exception {
        ThreatPublisher publisher = publisher(Map.of());

        CompletableFuture<PublishResult> result =
                publisher.publish(event("8", IndicatorType.SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709"));
        producer.errorNext(new TimeoutException("Expiring 1 record(s) after 120000 ms"));

        assertThat(result.get(1, TimeUnit.SECONDS)).isInstanceOfSatisfying(PublishResult.Failed.class, f -> {
            assertThat(f.error()).contains("Expiring 1 record");
            assertThat(f.retriable()).as("a broker timeout may pass").isTrue();
        });
        assertThat(publisher.metrics().failedCount()).isEqualTo(1);
        assertThat(publisher.pendingEvents()).isZero();
    }

    @Test
    void shouldWaitForAnUnreachableRegistryWithinItsBoundThenFailRetriablyNamingIt() throws Exception {
        // Given a publisher whose registry refuses connections, before it ever got its schema's id, and a short bound
        URI nobody = URI.create("http://localhost:" + FreePorts.any());
        MockProducer<String, ThreatEvent> withoutRegistry = new MockProducer<>(
                false,
                null,
                new StringSerializer(),
                new ConfluentAvroSerializer<>(
                        new RestSchemaRegistryClient(List.of(nobody), Duration.ofSeconds(2), Optional.empty()),
                        Map.of(),
                        false));
        ThreatPublisher publisher =
                new ThreatPublisher(withoutRegistry, new PublisherConfig(Map.of()), Duration.ofMillis(300));

        // When an event is published
        PublishResult result = publisher
                .publish(event("9", IndicatorType.DOMAIN, "c2.example.com"))
                .get(1, TimeUnit.SECONDS);

        // Then, the registry still away, the sensor learns that nothing was sent and that publishing it again later may
        // work
        assertThat(result).isInstanceOfSatisfying(PublishResult.Failed.class, f -> {
            assertThat(f.retriable()).isTrue();
            assertThat(f.error())
                    .contains("schema registry unavailable", "publish the event again later", nobody.toString());
        });
        assertThat(withoutRegistry.history()).isEmpty();
        assertThat(publisher.metrics().failedCount()).isEqualTo(1);
        assertThat(publisher.pendingEvents()).isZero();
    }

    @Test
    void shouldRideOutABriefRegistryOutageAndSendTheEventOnce() throws Exception {
        // Given a registry that cannot answer the publisher's first two calls
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        java.util.concurrent.atomic.AtomicInteger outages = new java.util.concurrent.atomic.AtomicInteger(2);
        SchemaRegistryClient flaky = new DelegatingRegistry(registry) {
            @Override
            public int register(String subject, org.apache.avro.Schema schema) {
                if (outages.getAndDecrement() > 0) {
                    throw new SchemaRegistryException(
                            "Schema registry at http://registry:8081 is unreachable",
                            SchemaRegistryException.UNREACHABLE,
                            0,
                            null);
                }
                return super.register(subject, schema);
            }
        };
        MockProducer<String, ThreatEvent> producer = new MockProducer<>(
                true, null, new StringSerializer(), new ConfluentAvroSerializer<>(flaky, Map.of(), false));
        ThreatPublisher publisher =
                new ThreatPublisher(producer, new PublisherConfig(Map.of()), Duration.ofSeconds(30));

        // When an event is published
        PublishResult result = publisher
                .publish(event("11", IndicatorType.DOMAIN, "c2.example.com"))
                .get(5, TimeUnit.SECONDS);

        // Then it went out, once, after the registry answered
        assertThat(result).isInstanceOf(PublishResult.Accepted.class);
        assertThat(producer.history()).hasSize(1);
        assertThat(outages.get()).isNegative();
        assertThat(publisher.metrics().failedCount()).isZero();
    }

    @Test
    void shouldFailWithoutRetryWhenTheRegistryRefusesTheSchemaForGood() throws Exception {
        // Given a registry whose subject holds a schema ThreatEvent is not compatible with
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        registry.register(
                "ti.sensor-events.v1-value",
                org.apache.avro.SchemaBuilder.record("Other")
                        .fields()
                        .requiredInt("something")
                        .endRecord());
        MockProducer<String, ThreatEvent> refusing = new MockProducer<>(
                false, null, new StringSerializer(), new ConfluentAvroSerializer<>(registry, Map.of(), false));
        ThreatPublisher publisher = new ThreatPublisher(refusing, new PublisherConfig(Map.of()));

        // When an event is published
        PublishResult result = publisher
                .publish(event("10", IndicatorType.DOMAIN, "c2.example.com"))
                .get(1, TimeUnit.SECONDS);

        // Then it failed, and trying again as is will not help
        assertThat(result).isInstanceOfSatisfying(PublishResult.Failed.class, f -> {
            assertThat(f.retriable()).isFalse();
            assertThat(f.error()).contains("Incompatible schema");
        });
    }

    @Test
    void shouldPublishARetractionTheHubCanRevoke() {
        ThreatPublisher publisher = publisher(Map.of());

        publisher.retract(IndicatorType.DOMAIN, "benign[.]example[.]org", "acme", "sensor-9", "sinkhole, not C2");

        ThreatEvent sent = producer.history().get(0).value();
        assertThat(producer.history().get(0).key()).isEqualTo("domain:benign.example.org");
        assertThat(sent.getRetraction()).isTrue();
        assertThat(sent.getRetractionReason()).isEqualTo("sinkhole, not C2");
        assertThat(sent.getSensorId()).isEqualTo("sensor-9");
    }

    static ThreatEvent event(String id, IndicatorType type, String value) {
        return ThreatEvent.newBuilder()
                .setEventId("evt-" + id)
                .setIndicatorType(type)
                .setIndicatorValue(value)
                .setObservedAt(Instant.parse("2026-11-29T10:00:00Z"))
                .setVendor("acme")
                .setSensorId("sensor-1")
                .setConfidence(80)
                .setTlp(Tlp.GREEN)
                .setMalwareFamilies(List.of("Shylock"))
                .build();
    }
}
