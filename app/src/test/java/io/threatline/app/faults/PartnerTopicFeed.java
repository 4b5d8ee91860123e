package io.threatline.app.faults;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.Tlp;
import io.threatline.producer.simulator.EventPacer;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroSerializer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Fills a partner's indicator topic the way the hub does — one NEW per indicator, keyed by its id,
 * under the partner's agreement — at a steady pace in the background, and remembers every record
 * Kafka acknowledged by its delivery id ({@code topic/partition/offset}, what the channels and
 * receipts name) and indicator id. What delivery must hand on is exactly {@link #acknowledged()}.
 */
public final class PartnerTopicFeed implements AutoCloseable {

    private final KafkaProducer<String, PartnerIndicator> producer;
    private final String topic;
    private final String partner;
    private final String agreementId;
    private final long perSecond;
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final Set<String> failures = ConcurrentHashMap.newKeySet();
    private volatile boolean running;
    private Thread thread;

    public PartnerTopicFeed(TestCluster cluster, String topic, String partner, String agreementId, long perSecond) {
        ConfluentAvroSerializer<PartnerIndicator> values = new ConfluentAvroSerializer<>();
        values.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, cluster.registryUrl()), false);
        this.producer = new KafkaProducer<>(
                Map.<String, Object>of(
                        "bootstrap.servers",
                        cluster.bootstrapServers(),
                        "acks",
                        "all",
                        "enable.idempotence",
                        true,
                        "linger.ms",
                        5),
                new StringSerializer(),
                values);
        this.topic = topic;
        this.partner = partner;
        this.agreementId = agreementId;
        this.perSecond = perSecond;
    }

    public void start() {
        running = true;
        thread = new Thread(
                () -> {
                    EventPacer pacer = new EventPacer(perSecond);
                    for (int n = 0; running; n++) {
                        pacer.awaitNext();
                        send(n);
                    }
                },
                "partner-topic-feed");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops writing and waits for every acknowledgement; returns the reports Kafka refused (none, normally). */
    public Set<String> finish() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.MINUTES.toMillis(2));
        producer.flush();
        return Set.copyOf(failures);
    }

    /** Delivery id ({@code topic/partition/offset}) to indicator id of every record Kafka acknowledged so far. */
    public Map<String, String> acknowledged() {
        return Map.copyOf(acknowledged);
    }

    /** A GREEN domain's NEW for {@code partner} under version 1 of {@code agreementId}, seen and shared at {@code seen}. */
    public static PartnerIndicator newDomain(String partner, String agreementId, String domain, Instant seen) {
        return PartnerIndicator.newBuilder()
                .setPartnerId(partner)
                .setAgreementId(agreementId)
                .setAgreementVersion(1)
                .setIndicatorId("domain:" + domain)
                .setType(IndicatorType.DOMAIN)
                .setValue(domain)
                .setAction(LifecycleAction.NEW)
                .setFirstSeen(seen)
                .setLastSeen(seen)
                .setValidUntil(seen.plus(Duration.ofDays(90)))
                .setConfidence(80)
                .setTlp(Tlp.GREEN)
                .setSharedAt(seen)
                .build();
    }

    private void send(int n) {
        PartnerIndicator indicator = newDomain(partner, agreementId, "c2-" + n + ".delivery-kill.com", Instant.now());
        producer.send(new ProducerRecord<>(topic, indicator.getIndicatorId(), indicator), (metadata, error) -> {
            if (error == null) {
                acknowledged.put(
                        topic + "/" + metadata.partition() + "/" + metadata.offset(), indicator.getIndicatorId());
            } else {
                failures.add(indicator.getIndicatorId() + ": " + error);
            }
        });
    }

    @Override
    public void close() {
        running = false;
        producer.close(Duration.ofSeconds(30));
    }
}
