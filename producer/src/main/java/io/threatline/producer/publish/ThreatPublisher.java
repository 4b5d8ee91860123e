package io.threatline.producer.publish;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.producer.publish.PublisherConfig.InvalidEventPolicy;
import io.threatline.schemas.Result;
import io.threatline.schemas.identity.CanonicalIndicator;
import io.threatline.schemas.serde.ConfluentAvroSerializer;
import io.threatline.schemas.serde.SchemaRegistryClient;
import io.threatline.schemas.serde.SchemaRegistryException;
import io.threatline.schemas.validation.ThreatEventValidator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a sensor embeds to publish its sightings: validates every event against the contract,
 * keys it by the canonical indicator id, adds sensor and trace headers and sends it as Avro in
 * Confluent's wire format through an idempotent producer ({@code acks=all}).
 *
 * <p>Asynchronous with bounded memory: at most {@code threatline.publisher.max.pending.events}
 * events are in flight; past that, {@link #publish} blocks until Kafka acknowledges earlier ones.
 * Thread-safe.
 *
 * <p>The schema registry is needed once, for the event schema's id, on the first publish; after
 * that the publisher does without it. If it is unavailable then (unreachable, HTTP 5xx), publish
 * waits for it as Kafka's producer waits for the broker: retrying with backoff, blocking the
 * caller for up to {@code max.block.ms} (Kafka's default 60 s) — the one bound a Kafka client
 * gives on how long {@code send} may block, and the knob a sensor that would rather not wait turns
 * down. Past that the result is {@link PublishResult.Failed} with {@code retriable} set and a
 * message naming the registry; nothing was sent, so publishing the same event again later makes no
 * duplicate. Nothing is dropped silently: every event ends Accepted, Rejected or Failed, and Failed
 * ones are counted in {@link #metrics()}.
 */
public final class ThreatPublisher implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(ThreatPublisher.class);
    public static final String SENSOR_HEADER = "threatline.sensor-id";
    public static final String TRACE_HEADER = "threatline.trace-id";

    /**
     * Producer settings chosen for throughput without giving up safety: idempotence and acks=all
     * keep each event exactly once in the log across retries; 128 KiB batches with 10 ms linger and
     * lz4 roughly double loopback throughput over the defaults; 64 MiB of buffer is the hard memory cap.
     */
    static final Map<String, Object> PRODUCER_DEFAULTS = Map.of(
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.COMPRESSION_TYPE_CONFIG,
            "lz4",
            ProducerConfig.LINGER_MS_CONFIG,
            10,
            ProducerConfig.BATCH_SIZE_CONFIG,
            131_072,
            ProducerConfig.BUFFER_MEMORY_CONFIG,
            64L * 1024 * 1024,
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
            5,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
            120_000);

    private static final Duration FIRST_REGISTRY_RETRY = Duration.ofMillis(100);
    private static final Duration MAX_REGISTRY_RETRY = Duration.ofSeconds(2);

    private final Producer<String, ThreatEvent> producer;
    private final Duration registryWait;
    private final String topic;
    private final InvalidEventPolicy policy;
    private final PublisherConfig.RecordTimestamp timestamps;
    private final Semaphore pending;
    private final int maxPending;
    private final PublisherMetrics metrics = new PublisherMetrics();

    /**
     * @param config Kafka producer settings ({@code bootstrap.servers}, security), serde settings
     *               ({@code schema.registry.url}) and {@link PublisherConfig}'s own; the publisher's
     *               throughput defaults apply where the map says nothing
     * @param registry registry client to share, or null to create one from {@code schema.registry.url}
     */
    public ThreatPublisher(Map<String, Object> config, SchemaRegistryClient registry) {
        PublisherConfig own = new PublisherConfig(config);
        this.topic = own.topic();
        this.policy = own.invalidEventPolicy();
        this.timestamps = own.recordTimestamp();
        this.maxPending = own.maxPendingEvents();
        this.pending = new Semaphore(maxPending);
        Map<String, Object> props = new HashMap<>(PRODUCER_DEFAULTS);
        config.forEach((k, v) -> {
            if (!k.startsWith(PublisherConfig.PREFIX)) {
                props.put(k, v);
            }
        });
        ConfluentAvroSerializer<ThreatEvent> serializer = registry == null
                ? new ConfluentAvroSerializer<>()
                : new ConfluentAvroSerializer<>(registry, props, false);
        if (registry == null) {
            serializer.configure(props, false);
        }
        this.producer = new KafkaProducer<>(props, new StringSerializer(), serializer);
        // The producer has just parsed and checked the same value.
        this.registryWait = Duration.ofMillis((Long) ConfigDef.parseType(
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                props.getOrDefault(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000L),
                ConfigDef.Type.LONG));
    }

    /** For tests: publish through a given producer (for example Kafka's MockProducer). */
    ThreatPublisher(Producer<String, ThreatEvent> producer, PublisherConfig config) {
        this(producer, config, Duration.ofMillis(60_000));
    }

    /** For tests: publish through a given producer, waiting for an unavailable registry up to {@code registryWait}. */
    ThreatPublisher(Producer<String, ThreatEvent> producer, PublisherConfig config, Duration registryWait) {
        this.producer = producer;
        this.registryWait = registryWait;
        this.topic = config.topic();
        this.policy = config.invalidEventPolicy();
        this.timestamps = config.recordTimestamp();
        this.maxPending = config.maxPendingEvents();
        this.pending = new Semaphore(maxPending);
    }

    /** Validates and sends the event with a fresh trace id. */
    public CompletableFuture<PublishResult> publish(ThreatEvent event) {
        return publish(event, null);
    }

    /**
     * Validates and sends the event. Blocks while too many events are pending, and while the schema
     * registry is unavailable before the event schema's id is known (up to {@code max.block.ms}).
     *
     * @param traceId id that follows the event through the pipeline; null for a fresh one
     * @return completes when Kafka acknowledged (Accepted) or gave up (Failed); completes at once for a Rejected
     */
    public CompletableFuture<PublishResult> publish(ThreatEvent event, String traceId) {
        Objects.requireNonNull(event, "event");
        Result<CanonicalIndicator> valid = ThreatEventValidator.validate(event);
        String key;
        if (valid.isOk()) {
            key = valid.value().id();
        } else if (policy == InvalidEventPolicy.SEND_AS_IS) {
            key = rawKey(event);
        } else {
            metrics.rejected(valid.rejection().code());
            return CompletableFuture.completedFuture(new PublishResult.Rejected(event.getEventId(), valid.rejection()));
        }
        RecordHeaders headers = new RecordHeaders();
        if (event.getSensorId() != null) {
            headers.add(SENSOR_HEADER, event.getSensorId().getBytes(StandardCharsets.UTF_8));
        }
        headers.add(TRACE_HEADER, (traceId == null ? newTraceId() : traceId).getBytes(StandardCharsets.UTF_8));
        Long timestamp = null;
        if (timestamps == PublisherConfig.RecordTimestamp.OBSERVED_AT && event.getObservedAt() != null) {
            timestamp = Math.min(event.getObservedAt().toEpochMilli(), System.currentTimeMillis());
        }
        ProducerRecord<String, ThreatEvent> record = new ProducerRecord<>(topic, null, timestamp, key, event, headers);
        CompletableFuture<PublishResult> result = new CompletableFuture<>();
        pending.acquireUninterruptibly();
        long deadline = System.nanoTime() + registryWait.toNanos();
        Duration pause = FIRST_REGISTRY_RETRY;
        for (int attempt = 1; ; attempt++) {
            try {
                producer.send(record, (metadata, error) -> {
                    pending.release();
                    if (error == null) {
                        metrics.sent();
                        result.complete(new PublishResult.Accepted(
                                event.getEventId(), key, metadata.partition(), metadata.offset()));
                    } else {
                        metrics.failed();
                        result.complete(new PublishResult.Failed(
                                event.getEventId(), describe(error), error instanceof RetriableException));
                    }
                });
                return result;
            } catch (RuntimeException e) {
                // Serialization and registry failures surface here, before anything is in flight: sending again
                // cannot make a duplicate.
                boolean registryOutage = SchemaRegistryException.retriableIn(e).isPresent();
                long left = deadline - System.nanoTime();
                if (registryOutage && left > 0 && !Thread.currentThread().isInterrupted()) {
                    if (attempt == 1) {
                        LOGGER.warn(
                                "Schema registry unavailable; event {} waits for it for up to {}: {}",
                                event.getEventId(),
                                registryWait,
                                describe(e));
                    }
                    sleep(Duration.ofNanos(Math.min(pause.toNanos(), left)));
                    pause = pause.multipliedBy(2).compareTo(MAX_REGISTRY_RETRY) > 0
                            ? MAX_REGISTRY_RETRY
                            : pause.multipliedBy(2);
                    continue;
                }
                pending.release();
                metrics.failed();
                String why = registryOutage
                        ? "schema registry unavailable for " + registryWait
                                + " (max.block.ms), nothing was sent; publish the event " + "again later: "
                                + describe(e)
                        : describe(e);
                LOGGER.warn("Event {} could not be sent: {}", event.getEventId(), why);
                result.complete(new PublishResult.Failed(
                        event.getEventId(), why, registryOutage || e instanceof RetriableException));
                return result;
            }
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis(), (int) (pause.toNanos() % 1_000_000));
        } catch (InterruptedException e) {
            // Stop waiting; the caller gets a Failed and the interrupt stays set.
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Retracts an indicator this sensor published earlier as a false positive: an event with
     * {@code retraction = true} that the hub turns into a REVOKE.
     */
    public CompletableFuture<PublishResult> retract(
            IndicatorType type, String value, String vendor, String sensorId, String reason) {
        ThreatEvent retraction = ThreatEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setIndicatorType(type)
                .setIndicatorValue(value)
                .setObservedAt(Instant.now())
                .setVendor(vendor)
                .setSensorId(sensorId)
                .setConfidence(0)
                // The marking of a retraction is irrelevant to sharing; CLEAR keeps it from being rejected.
                .setTlp(Tlp.CLEAR)
                .setMalwareFamilies(List.of())
                .setTags(List.of())
                .setRetraction(true)
                .setRetractionReason(reason)
                .build();
        return publish(retraction);
    }

    /** Events sent and not yet acknowledged. */
    public int pendingEvents() {
        return maxPending - pending.availablePermits();
    }

    public PublisherMetrics metrics() {
        return metrics;
    }

    /** Sends everything buffered and waits for the acknowledgements. */
    public void flush() {
        producer.flush();
    }

    /** Flushes, then closes within the timeout. */
    public void close(Duration timeout) {
        producer.flush();
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    private static String rawKey(ThreatEvent event) {
        String type = event.getIndicatorType() == null
                ? "unknown"
                : event.getIndicatorType().name().toLowerCase(java.util.Locale.ROOT);
        return type + ":" + event.getIndicatorValue();
    }

    private static String newTraceId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && (message == null || !message.contains(cause.getMessage()))) {
            message = (message == null ? "" : message + ": ") + cause.getMessage();
        }
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
