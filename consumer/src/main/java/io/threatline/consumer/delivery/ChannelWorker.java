package io.threatline.consumer.delivery;

import io.threatline.consumer.ConsumerSerdes;
import io.threatline.consumer.audit.AuditLog;
import io.threatline.contract.DeliveryChannel;
import io.threatline.schemas.retry.Backoff;
import io.threatline.schemas.serde.SchemaRegistryException;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one partner's feed through one push channel: a consumer group of its own
 * ({@code <group prefix>.<partner>.<channel>}) over the partner's topics, reading committed records
 * only. For each batch the channel confirms, a receipt goes to the audit log, and only then are the
 * batch's offsets committed — at-least-once, and a kill at any moment loses nothing. Transient
 * failures are retried with backoff (the partitions paused, the consumer kept in its group) until
 * the channel works again; permanent ones put the batch in the partner's dead letter with the
 * reason. Each worker runs on its own thread with its own consumer, so one partner's outage never
 * slows another's delivery.
 *
 * <p>A record that cannot be decoded goes to the partner's dead letter ({@code
 * DESERIALIZATION_FAILED}) — but only when the bytes are at fault (not the wire format, Avro that
 * does not decode, a schema id the registry never had). A schema registry that cannot answer (see
 * {@link SchemaRegistryException#isRetriable()}) is an outage like a channel's: the feed is held
 * at that record and retried with the same backoff, partitions paused and the consumer kept in its
 * group, the channel counted as failing, until the registry answers; the same for a dead letter or
 * a receipt whose schema the registry must first take.
 */
public final class ChannelWorker implements Runnable {

    private static final Logger LOGGER = LoggerFactory.getLogger(ChannelWorker.class);
    private static final Duration POLL = Duration.ofMillis(250);

    private final String partnerId;
    private final DeliveryChannel channel;
    private final ChannelSink sink;
    private final List<String> topics;
    private final String indicatorsTopic;
    private final Map<String, Object> consumerProperties;
    private final ConsumerSerdes serdes;
    private final AuditLog audit;
    private final PartnerDeadLetters deadLetters;
    private final Backoff backoff;
    private final DeliveryCounters.Channel counters;
    private volatile boolean running = true;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    /**
     * @param groupId          consumer group of this partner and channel
     * @param clientProperties Kafka client settings (bootstrap servers, security)
     * @param maxBatch         most records per batch
     */
    public ChannelWorker(
            String partnerId,
            DeliveryChannel channel,
            ChannelSink sink,
            ThreatlineTopics topics,
            String groupId,
            Map<String, Object> clientProperties,
            int maxBatch,
            ConsumerSerdes serdes,
            AuditLog audit,
            PartnerDeadLetters deadLetters,
            Backoff backoff,
            DeliveryCounters counters) {
        this.partnerId = Objects.requireNonNull(partnerId, "partnerId");
        this.channel = channel;
        this.sink = sink;
        this.indicatorsTopic = topics.partnerIndicators(partnerId);
        this.topics = List.of(indicatorsTopic, topics.partnerStatistics(partnerId));
        this.serdes = serdes;
        this.audit = audit;
        this.deadLetters = deadLetters;
        this.backoff = backoff;
        this.counters = counters.channel(partnerId, channel.name());
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(
                ConsumerConfig.CLIENT_ID_CONFIG,
                groupId + "-" + UUID.randomUUID().toString().substring(0, 8));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxBatch);
        this.consumerProperties = props;
    }

    public String name() {
        return partnerId + "/" + channel;
    }

    @Override
    public void run() {
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(consumerProperties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            c.subscribe(topics);
            LOGGER.info("Delivering {} to {} ({})", partnerId, sink.target(), channel);
            while (running) {
                ConsumerRecords<byte[], byte[]> records = c.poll(POLL);
                updateLag(c);
                if (!records.isEmpty()) {
                    deliverPolled(c, records);
                } else {
                    idle();
                }
            }
        } catch (WakeupException stopping) {
            // stop() woke the consumer; offsets of unconfirmed batches stay uncommitted.
        } catch (RuntimeException e) {
            LOGGER.error("Delivery of {} via {} stopped: {}", partnerId, channel, e.toString(), e);
        } finally {
            consumer = null;
            try {
                sink.close();
            } catch (Exception e) {
                LOGGER.warn("Closing the {} sink of {} failed: {}", channel, partnerId, e.toString());
            }
        }
    }

    private void idle() {
        try {
            sink.idle();
        } catch (Exception e) {
            LOGGER.warn("{}: idle work of the channel failed, trying again later: {}", name(), e.toString());
        }
    }

    /** Stops the worker; a batch being retried is abandoned uncommitted and delivered again on restart. */
    public void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private void deliverPolled(KafkaConsumer<byte[], byte[]> c, ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            List<Pending> run = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> raw : records.records(partition)) {
                if (!running) {
                    return;
                }
                Optional<Pending> pending = decode(c, raw);
                if (!running) {
                    return;
                }
                if (pending.isEmpty()) {
                    // The records before it first: committing past them before they are delivered loses them in a
                    // crash.
                    if (!run.isEmpty() && !deliverRun(c, run)) {
                        return;
                    }
                    run = new ArrayList<>();
                    commit(c, raw);
                    continue;
                }
                if (!run.isEmpty() && !sameAgreement(run.get(0), pending.get())) {
                    if (!deliverRun(c, run)) {
                        return;
                    }
                    run = new ArrayList<>();
                }
                run.add(pending.get());
            }
            if (!run.isEmpty() && running) {
                deliverRun(c, run);
            }
        }
    }

    /** A record and its bytes, kept whole for the dead letter. */
    private record Pending(DeliveryRecord record, ConsumerRecord<byte[], byte[]> raw) {}

    /** The record to deliver; empty for a tombstone, a dead-lettered record, or when the worker was stopped. */
    private Optional<Pending> decode(KafkaConsumer<byte[], byte[]> c, ConsumerRecord<byte[], byte[]> raw) {
        if (raw.value() == null) {
            return Optional.empty();
        }
        Deserializer<? extends SpecificRecord> deserializer = raw.topic().equals(indicatorsTopic)
                ? serdes.partnerIndicator.deserializer()
                : serdes.trendStatistic.deserializer();
        Optional<SpecificRecord> value;
        try {
            value = withRegistry(
                    c,
                    "read " + raw.topic() + "-" + raw.partition() + "@" + raw.offset(),
                    () -> deserializer.deserialize(raw.topic(), raw.value()));
        } catch (RuntimeException e) {
            // The deserializer's contract is a SerializationException; anything else is still about these bytes.
            deadLetter(c, List.of(raw), "DESERIALIZATION_FAILED", "cannot read the record: " + e.getMessage());
            return Optional.empty();
        }
        String key = raw.key() == null ? "" : new String(raw.key(), java.nio.charset.StandardCharsets.UTF_8);
        return value.map(v -> new Pending(
                new DeliveryRecord(raw.topic(), raw.partition(), raw.offset(), raw.timestamp(), key, v), raw));
    }

    /**
     * Runs a step that may need the schema registry, holding the feed while the registry is
     * unavailable: the partitions paused (the consumer still polled, so it stays in its group), the
     * channel counted as failing, the step retried with backoff until it works. Any other failure
     * is the step's to report.
     *
     * @return the step's result, or empty when the worker was stopped while waiting
     */
    private <T> Optional<T> withRegistry(KafkaConsumer<byte[], byte[]> c, String what, Supplier<T> step) {
        int attempt = 0;
        Set<TopicPartition> paused = Set.of();
        try {
            while (running) {
                try {
                    T result = step.get();
                    if (attempt > 0 && counters.failingSince.getAndSet(0) > 0) {
                        LOGGER.info("{}: the schema registry answers again; went on after {} retries", name(), attempt);
                    }
                    return Optional.of(result);
                } catch (RuntimeException e) {
                    Optional<SchemaRegistryException> outage = SchemaRegistryException.retriableIn(e);
                    if (outage.isEmpty()) {
                        throw e;
                    }
                    if (counters.failingSince.compareAndSet(0, System.currentTimeMillis())) {
                        LOGGER.warn(
                                "{}: schema registry unavailable, holding the feed and retrying with backoff (could not {}): {}",
                                name(),
                                what,
                                outage.get().getMessage());
                    } else {
                        LOGGER.debug(
                                "{}: schema registry still unavailable (attempt {}): {}",
                                name(),
                                attempt + 1,
                                outage.get().getMessage());
                    }
                    counters.retries.increment();
                    if (paused.isEmpty()) {
                        paused = pauseUnpaused(c);
                    }
                    sleepPolling(c, backoff.delay(attempt++));
                }
            }
            return Optional.empty();
        } finally {
            c.resume(paused);
        }
    }

    private static boolean sameAgreement(Pending a, Pending b) {
        return a.record().agreementId().equals(b.record().agreementId())
                && a.record().agreementVersion() == b.record().agreementVersion();
    }

    /** Delivers records of one partition under one agreement version, then commits after them. */
    /** @return false when the worker was stopped before the run was delivered and committed */
    private boolean deliverRun(KafkaConsumer<byte[], byte[]> c, List<Pending> run) {
        List<Pending> sendable = new ArrayList<>();
        for (Pending p : run) {
            Optional<String> why = sink.cannotExpress(p.record());
            if (why.isPresent()) {
                if (!deadLetter(c, List.of(p.raw()), "CHANNEL_CANNOT_EXPRESS", why.get())) {
                    return false;
                }
            } else {
                sendable.add(p);
            }
        }
        if (!sendable.isEmpty()) {
            DeliveryRecord first = sendable.get(0).record();
            DeliveryBatch batch = new DeliveryBatch(
                    partnerId,
                    channel,
                    first.agreementId(),
                    first.agreementVersion(),
                    sendable.stream().map(Pending::record).toList());
            if (!deliverWithRetry(c, batch, sendable)) {
                return false;
            }
        }
        commit(c, run.get(run.size() - 1).raw());
        return true;
    }

    /** @return false when the worker was stopped before the batch was confirmed */
    private boolean deliverWithRetry(KafkaConsumer<byte[], byte[]> c, DeliveryBatch batch, List<Pending> pending) {
        int attempt = 0;
        Set<TopicPartition> paused = Set.of();
        try {
            while (running) {
                try {
                    deliverOrTransientFailure(batch);
                    Instant confirmed = Instant.now();
                    if (counters.failingSince.getAndSet(0) > 0) {
                        LOGGER.info(
                                "{} works again; delivered the held batch of {} record(s) after {} retries",
                                name(),
                                batch.size(),
                                attempt);
                    }
                    writeReceipt(c, batch, confirmed);
                    counters.delivered.add(batch.size());
                    counters.batches.increment();
                    return true;
                } catch (DeliveryException e) {
                    if (e.isPermanent()) {
                        LOGGER.warn(
                                "{} refused a batch of {} record(s) for good ({}): {}; sent to {}'s dead letter",
                                name(),
                                batch.size(),
                                e.reasonCode(),
                                e.getMessage(),
                                partnerId);
                        return deadLetter(
                                c, pending.stream().map(Pending::raw).toList(), e.reasonCode(), e.getMessage());
                    }
                    if (counters.failingSince.compareAndSet(0, System.currentTimeMillis())) {
                        LOGGER.warn(
                                "{} unavailable, holding its feed and retrying with backoff: {}",
                                name(),
                                e.getMessage());
                    } else {
                        LOGGER.debug("{} still unavailable (attempt {}): {}", name(), attempt + 1, e.getMessage());
                    }
                    counters.retries.increment();
                    if (paused.isEmpty()) {
                        paused = pauseUnpaused(c);
                    }
                    sleepPolling(c, backoff.delay(attempt++));
                }
            }
            return false;
        } finally {
            c.resume(paused);
        }
    }

    /**
     * A sink that throws anything but a {@link DeliveryException} has a bug or met something
     * unforeseen; the batch is held and retried like a transient failure (nothing lost, the channel
     * shows as failing) rather than the worker dying silently.
     */
    private void deliverOrTransientFailure(DeliveryBatch batch) throws DeliveryException {
        try {
            sink.deliver(batch);
        } catch (RuntimeException e) {
            LOGGER.error("{}: the channel failed unexpectedly; holding the batch and retrying", name(), e);
            throw DeliveryException.transientFailure("unexpected " + e, e);
        }
    }

    /** Waits, polling the paused consumer so it stays in its group past max.poll.interval.ms. */
    private void sleepPolling(KafkaConsumer<byte[], byte[]> c, Duration delay) {
        long until = System.nanoTime() + delay.toNanos();
        while (running && System.nanoTime() < until) {
            ConsumerRecords<byte[], byte[]> none =
                    c.poll(Duration.ofMillis(Math.min(200, Math.max(1, (until - System.nanoTime()) / 1_000_000))));
            if (!none.isEmpty()) {
                throw new IllegalStateException("a paused consumer returned records");
            }
        }
    }

    private void writeReceipt(KafkaConsumer<byte[], byte[]> c, DeliveryBatch batch, Instant confirmed) {
        int attempt = 0;
        Set<TopicPartition> paused = Set.of();
        try {
            while (true) {
                try {
                    audit.append(
                            partnerId,
                            channel,
                            sink.target(),
                            batch.agreementId(),
                            batch.agreementVersion(),
                            batch.recordIds(),
                            batch.offsetRanges(),
                            confirmed);
                    return;
                } catch (AuditLog.AuditException e) {
                    if (!running) {
                        throw e;
                    }
                    // The batch is delivered; without its receipt its offsets must not be committed.
                    LOGGER.warn("{}: receipt not written yet, retrying: {}", name(), e.getMessage());
                    if (paused.isEmpty()) {
                        paused = pauseUnpaused(c);
                    }
                    sleepPolling(c, backoff.delay(attempt++));
                }
            }
        } finally {
            c.resume(paused);
        }
    }

    /** Pauses every assigned partition not paused yet, and returns those, for the caller to resume. */
    private static Set<TopicPartition> pauseUnpaused(KafkaConsumer<byte[], byte[]> c) {
        Set<TopicPartition> toPause = new java.util.HashSet<>(c.assignment());
        toPause.removeAll(c.paused());
        c.pause(toPause);
        return toPause;
    }

    /** @return false when the worker was stopped before the dead letters were written */
    private boolean deadLetter(
            KafkaConsumer<byte[], byte[]> c, List<ConsumerRecord<byte[], byte[]>> records, String code, String reason) {
        Optional<Boolean> written = withRegistry(c, "write a dead letter", () -> {
            deadLetters.write(
                    partnerId, "deliver:" + channel.name().toLowerCase(java.util.Locale.ROOT), code, reason, records);
            return true;
        });
        written.ifPresent(w -> counters.deadLettered.add(records.size()));
        return written.isPresent();
    }

    private void commit(KafkaConsumer<byte[], byte[]> c, ConsumerRecord<byte[], byte[]> last) {
        c.commitSync(
                Map.of(new TopicPartition(last.topic(), last.partition()), new OffsetAndMetadata(last.offset() + 1)));
    }

    private void updateLag(KafkaConsumer<byte[], byte[]> c) {
        long lag = 0;
        for (TopicPartition p : c.assignment()) {
            lag += c.currentLag(p).orElse(0);
        }
        counters.lag.set(lag);
    }
}
