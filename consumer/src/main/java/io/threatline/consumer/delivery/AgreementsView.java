package io.threatline.consumer.delivery;

import io.threatline.consumer.ConsumerSerdes;
import io.threatline.contract.PartnerAgreement;
import io.threatline.schemas.retry.Backoff;
import io.threatline.schemas.serde.SchemaRegistryException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current agreement of every partner, read from the compacted agreements topic from its
 * beginning and followed while running (no consumer group: every delivery process sees all of
 * them). A tombstone removes the partner's agreement. Listeners hear of every change.
 *
 * <p>An agreement that cannot be read grants nothing (fail closed). When that is because the schema
 * registry is unavailable rather than the record being bad, the record is read again every
 * {@link #REGISTRY_RETRY} until the registry answers, so the partner's delivery resumes by itself;
 * meanwhile its partition is held at that record (later changes wait behind it) and the partner has
 * no agreement. Such a partition counts as read for {@link #start}: delivery starts for everyone
 * else during a registry outage.
 */
public final class AgreementsView implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(AgreementsView.class);
    static final Duration REGISTRY_RETRY = Duration.ofSeconds(1);

    /** What reading one agreement record did: changed the agreements, and/or must be read again later. */
    private enum Applied {
        UNCHANGED(false, false),
        CHANGED(true, false),
        HELD(false, true),
        HELD_CHANGED(true, true);

        final boolean changed;
        final boolean held;

        Applied(boolean changed, boolean held) {
            this.changed = changed;
            this.held = held;
        }
    }

    private final Map<String, PartnerAgreement> agreements = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final ConsumerSerdes serdes;
    private final String topic;
    private final Runnable onChange;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    /** Counted down by {@link #close}: a follower waiting before a retry stops at once, not at the end of its wait. */
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Between retries after a failure of the follower itself: the project's one backoff ({@link Backoff}). */
    private static final Backoff FAILURE_BACKOFF = new Backoff(REGISTRY_RETRY, Duration.ofSeconds(30));

    public AgreementsView(
            Map<String, Object> clientProperties, String topic, ConsumerSerdes serdes, Runnable onChange) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(
                ConsumerConfig.CLIENT_ID_CONFIG,
                "threatline-delivery-agreements-" + UUID.randomUUID().toString().substring(0, 8));
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.serdes = serdes;
        this.topic = topic;
        this.onChange = onChange;
        this.thread = new Thread(this::follow, "delivery-agreements");
        this.thread.setDaemon(true);
    }

    /** Starts following and waits until everything now in the topic has been read. */
    public void start(Duration timeout) throws InterruptedException {
        thread.start();
        if (!caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("could not read the agreements topic " + topic + " within " + timeout);
        }
    }

    public Optional<PartnerAgreement> agreement(String partnerId) {
        return Optional.ofNullable(agreements.get(partnerId));
    }

    public Map<String, PartnerAgreement> all() {
        return Map.copyOf(agreements);
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long resumeAt = 0;
            int failures = 0;
            while (running) {
                try {
                    if (!consumer.paused().isEmpty() && System.nanoTime() - resumeAt >= 0) {
                        consumer.resume(consumer.paused());
                    }
                    boolean changed = false;
                    Set<TopicPartition> held = new HashSet<>();
                    ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                    for (TopicPartition partition : records.partitions()) {
                        for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                            Applied applied = apply(record);
                            changed |= applied.changed;
                            if (applied.held) {
                                consumer.seek(partition, record.offset());
                                held.add(partition);
                                break;
                            }
                        }
                    }
                    if (caughtUp.getCount() > 0
                            && partitions.stream()
                                    .allMatch(p -> held.contains(p) || consumer.position(p) >= end.get(p))) {
                        caughtUp.countDown();
                        changed = true;
                    }
                    if (changed && caughtUp.getCount() == 0) {
                        notifyChange();
                    }
                    failures = 0;
                    if (!held.isEmpty()) {
                        // Back off without blocking: the held partitions sit out polls (which close() wakes at once)
                        // until the retry.
                        consumer.pause(held);
                        resumeAt = System.nanoTime() + REGISTRY_RETRY.toNanos();
                    }
                } catch (WakeupException stopping) {
                    throw stopping;
                } catch (RuntimeException e) {
                    // The follower never stops on its own: an agreement ended later must still be heard.
                    Duration wait = FAILURE_BACKOFF.delay(failures++);
                    LOGGER.error(
                            "Following agreements on {} failed, trying again in {}: {}", topic, wait, e.toString(), e);
                    pauseBeforeRetry(wait);
                }
            }
        } catch (WakeupException stopping) {
            // closing
        } catch (RuntimeException e) {
            LOGGER.error(
                    "Following agreements on {} failed; delivery keeps the agreements it knows: {}",
                    topic,
                    e.toString(),
                    e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void pauseBeforeRetry(Duration wait) {
        try {
            if (stopped.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                running = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /**
     * Tells the listener; whatever it throws is logged and following goes on, so that a later change
     * (an agreement ended, say) is still heard.
     */
    private void notifyChange() {
        try {
            onChange.run();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            LOGGER.error("Applying an agreements change failed; following the agreements goes on", e);
        }
    }

    private Applied apply(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            return Applied.UNCHANGED;
        }
        if (record.value() == null) {
            if (agreements.remove(record.key()) != null) {
                LOGGER.info("Agreement of {} ended (tombstone): its delivery stops", record.key());
            }
            return Applied.CHANGED;
        }
        try {
            PartnerAgreement agreement = serdes.agreement.deserializer().deserialize(topic, record.value());
            agreements.put(agreement.getPartnerId(), agreement);
            LOGGER.info(
                    "Agreement {} v{} of {} read",
                    agreement.getAgreementId(),
                    agreement.getVersion(),
                    agreement.getPartnerId());
            return Applied.CHANGED;
        } catch (RuntimeException e) {
            // Fail closed: an agreement we cannot read grants nothing.
            boolean removed = agreements.remove(record.key()) != null;
            Optional<SchemaRegistryException> outage = SchemaRegistryException.retriableIn(e);
            if (outage.isPresent()) {
                if (removed) {
                    LOGGER.warn(
                            "Agreement of {} at offset {} cannot be read while the schema registry is unavailable; its "
                                    + "delivery stops until it can be: {}",
                            record.key(),
                            record.offset(),
                            outage.get().getMessage());
                }
                return removed ? Applied.HELD_CHANGED : Applied.HELD;
            }
            LOGGER.error(
                    "Agreement of {} at offset {} cannot be read, its delivery stops: {}",
                    record.key(),
                    record.offset(),
                    e.getMessage());
            return Applied.CHANGED;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        stopped.countDown();
        consumer.wakeup();
        thread.join(10_000);
    }
}
