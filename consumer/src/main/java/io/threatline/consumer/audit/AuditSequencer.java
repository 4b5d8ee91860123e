package io.threatline.consumer.audit;

import io.threatline.contract.DeliveryReceipt;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.SchemaRegistryException;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chains the receipts that delivery services and TAXII servers hand in ({@link AuditLog}) into each
 * partner's chain in the audit topic: a small Kafka Streams application, exactly-once, that every
 * delivery service runs. The requests topic has one partition, so one instance at a time holds the
 * task and the others stand by; when it dies, Kafka's group protocol moves the task and the heads
 * (a store with a changelog) to another, and exactly-once means no request is chained twice or
 * lost in between. That is what lets several services deliver one partner and its receipts still
 * form one chain (docs/architecture.md, "Receipts").
 *
 * <p>The store keeps, per partner, the chain's head and the ids of the last {@value #RECENT_IDS}
 * requests chained: a request sent again after a timed-out write ({@link AuditLog}) is chained once.
 * When the store is empty — a deployment whose receipts were written before the sequencer, or one
 * whose changelog was lost — the heads are first read from the audit topic itself.
 */
public final class AuditSequencer implements AutoCloseable {

    static final String HEADS_STORE = "audit-chain-heads";
    static final int RECENT_IDS = 32;
    /** The store's mark that its heads were seeded from the audit topic; no partner id can spell it. */
    static final String SEEDED = "\u0000seeded";

    private static final Logger LOGGER = LoggerFactory.getLogger(AuditSequencer.class);

    private final KafkaStreams streams;
    private final Path stateDir;
    private final Counters counters;
    private final Map<String, Object> adminProperties;
    private final String applicationId;
    private final String requestsTopic;

    /** What the sequencer did: receipts chained, requests sent twice and chained once, requests that were not receipts. */
    public static final class Counters {
        public final AtomicLong chained = new AtomicLong();
        public final AtomicLong repeated = new AtomicLong();
        public final AtomicLong unreadable = new AtomicLong();
    }

    private AuditSequencer(
            KafkaStreams streams,
            Path stateDir,
            Counters counters,
            Map<String, Object> adminProperties,
            ThreatlineTopics topics) {
        this.streams = streams;
        this.stateDir = stateDir;
        this.counters = counters;
        this.adminProperties = adminProperties;
        this.applicationId = applicationId(topics);
        this.requestsTopic = topics.deliveryReceiptRequests();
    }

    /** The application id: one sequencer per audit topic, whichever services run it. */
    public static String applicationId(ThreatlineTopics topics) {
        return topics.deliveryAudit() + ".sequencer";
    }

    /**
     * Starts this process's instance of the sequencer.
     *
     * @param clientProperties Kafka client and serde settings (bootstrap servers, registry URL, security)
     */
    public static AuditSequencer start(
            Map<String, Object> clientProperties, ThreatlineTopics topics, Serde<DeliveryReceipt> receipts) {
        Counters counters = new Counters();
        Topology topology = topology(
                topics.deliveryReceiptRequests(),
                topics.deliveryAudit(),
                receipts,
                () -> headsInTopic(clientProperties, topics.deliveryAudit()),
                counters);
        Path stateDir;
        try {
            // The store lives in memory and is restored from its changelog: the directory only holds Kafka Streams'
            // lock.
            stateDir = Files.createTempDirectory("threatline-audit-sequencer");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the audit sequencer's state directory", e);
        }
        Properties props = new Properties();
        props.putAll(AvroSerdeConfig.kafkaOnly(clientProperties));
        props.remove("group.id");
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId(topics));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        // The changelog takes the broker's default replication factor (1 on the local node, 3 on a cluster).
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        // A killed instance's task moves after the session timeout: receipts wait that long, so not Kafka's 45 s.
        props.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        KafkaStreams streams = new KafkaStreams(topology, props);
        streams.setUncaughtExceptionHandler(failure -> {
            if (SchemaRegistryException.retriableIn(failure).isPresent()) {
                LOGGER.warn(
                        "Audit sequencer thread failed because the schema registry is unavailable; replacing it: {}",
                        failure.toString());
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
            LOGGER.error(
                    "Audit sequencer failed; receipts stay in {} until a sequencer chains them: {}",
                    topics.deliveryReceiptRequests(),
                    failure.toString(),
                    failure);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.start();
        LOGGER.info(
                "Audit sequencer {} chaining {} into {}",
                applicationId(topics),
                topics.deliveryReceiptRequests(),
                topics.deliveryAudit());
        return new AuditSequencer(streams, stateDir, counters, AvroSerdeConfig.kafkaOnly(clientProperties), topics);
    }

    /**
     * The sequencer's topology: requests (raw bytes) → chained receipts.
     *
     * @param existingHeads the heads already in the audit topic, read when the store is empty
     */
    static Topology topology(
            String requestsTopic,
            String auditTopic,
            Serde<DeliveryReceipt> receipts,
            Supplier<Map<String, ReceiptChain.Head>> existingHeads,
            Counters counters) {
        Topology topology = new Topology();
        topology.addSource(
                "receipt-requests",
                Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer(),
                requestsTopic);
        topology.addProcessor(
                "chain", () -> new Chainer(receipts, requestsTopic, existingHeads, counters), "receipt-requests");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(HEADS_STORE), Serdes.String(), Serdes.String()),
                "chain");
        topology.addSink("audit", auditTopic, Serdes.String().serializer(), receipts.serializer(), "chain");
        return topology;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public Counters counters() {
        return counters;
    }

    /**
     * Waits until every request handed in so far is chained — by this instance or another — or
     * {@code timeout} has passed: a service that stops leaves no receipt waiting for the next start.
     *
     * @return the requests still waiting (0 when all are chained)
     */
    public long awaitChained(Duration timeout) throws InterruptedException {
        TopicPartition requests = new TopicPartition(requestsTopic, 0);
        long deadline = System.nanoTime() + timeout.toNanos();
        long waiting = -1;
        try (Admin admin = Admin.create(adminProperties)) {
            while (true) {
                try {
                    long end = admin.listOffsets(Map.of(requests, OffsetSpec.latest()))
                            .partitionResult(requests)
                            .get(5, TimeUnit.SECONDS)
                            .offset();
                    OffsetAndMetadata committed = admin.listConsumerGroupOffsets(applicationId)
                            .partitionsToOffsetAndMetadata()
                            .get(5, TimeUnit.SECONDS)
                            .get(requests);
                    waiting = end - (committed == null ? 0 : committed.offset());
                    if (waiting <= 0) {
                        return 0;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    LOGGER.debug("Cannot tell yet whether every receipt is chained: {}", e.toString());
                }
                if (System.nanoTime() >= deadline) {
                    return Math.max(waiting, 0);
                }
                // The chaining may be another instance's, so this process has no event to wait on: the
                // group's committed offset, read again every 100 ms until the deadline, is the signal.
                Thread.sleep(100);
            }
        }
    }

    @Override
    public void close() {
        // Leaving the group hands the task to another instance at once, not after the session timeout.
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        try (var files = Files.walk(stateDir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOGGER.debug("Could not remove {}: {}", stateDir, e.toString());
        }
    }

    private static Map<String, ReceiptChain.Head> headsInTopic(
            Map<String, Object> clientProperties, String auditTopic) {
        Map<String, ReceiptChain.Head> heads = new HashMap<>();
        try (AuditReader reader = AuditReader.open(clientProperties, auditTopic)) {
            reader.readAll(receipt -> heads.put(receipt.getPartnerId(), ReceiptChain.Head.of(receipt)));
        }
        LOGGER.info("Audit sequencer seeded from {}: {} partner chain(s)", auditTopic, heads.size());
        return heads;
    }

    /** Chains each request after its partner's head; the head and the recent request ids live in the store. */
    static final class Chainer implements Processor<String, byte[], String, DeliveryReceipt> {

        private final Serde<DeliveryReceipt> receipts;
        private final String requestsTopic;
        private final Supplier<Map<String, ReceiptChain.Head>> existingHeads;
        private final Counters counters;
        private ProcessorContext<String, DeliveryReceipt> context;
        private KeyValueStore<String, String> heads;

        Chainer(
                Serde<DeliveryReceipt> receipts,
                String requestsTopic,
                Supplier<Map<String, ReceiptChain.Head>> existingHeads,
                Counters counters) {
            this.receipts = receipts;
            this.requestsTopic = requestsTopic;
            this.existingHeads = existingHeads;
            this.counters = counters;
        }

        @Override
        public void init(ProcessorContext<String, DeliveryReceipt> context) {
            this.context = context;
            this.heads = context.getStateStore(HEADS_STORE);
            if (heads.get(SEEDED) == null) {
                existingHeads
                        .get()
                        .forEach((partner, head) ->
                                heads.put(partner, Stored.of(head).encode()));
                heads.put(SEEDED, "");
            }
        }

        @Override
        public void process(Record<String, byte[]> record) {
            DeliveryReceipt request;
            try {
                request = record.value() == null
                        ? null
                        : receipts.deserializer().deserialize(requestsTopic, record.value());
            } catch (RuntimeException e) {
                if (SchemaRegistryException.retriableIn(e).isPresent()) {
                    throw e;
                }
                request = null;
            }
            if (request == null) {
                // Only Threatline's services write here: something else is logged where it is, and left there.
                counters.unreadable.incrementAndGet();
                LOGGER.error(
                        "Not a receipt request at {}-{}@{}; skipped",
                        requestsTopic,
                        context.recordMetadata().map(m -> m.partition()).orElse(-1),
                        context.recordMetadata().map(m -> m.offset()).orElse(-1L));
                return;
            }
            String partner = request.getPartnerId();
            Stored stored = Stored.decode(heads.get(partner));
            if (stored.recent().contains(request.getReceiptId())) {
                counters.repeated.incrementAndGet();
                return;
            }
            DeliveryReceipt receipt = ReceiptChain.next(stored.head(), request);
            heads.put(partner, stored.after(receipt).encode());
            context.forward(record.withKey(partner).withValue(receipt));
            counters.chained.incrementAndGet();
        }
    }

    /** A partner's entry in the store: the head, and the ids of the last requests chained (oldest first). */
    record Stored(ReceiptChain.Head head, List<String> recent) {

        static Stored of(ReceiptChain.Head head) {
            return new Stored(head, List.of());
        }

        /** {@code "<sequence> <hash> <id> <id> ..."}; a missing entry is an empty chain. */
        static Stored decode(String value) {
            if (value == null || value.isEmpty()) {
                return of(ReceiptChain.Head.EMPTY);
            }
            String[] parts = value.split(" ", -1);
            String hash = parts.length > 1 ? parts[1] : "";
            List<String> recent = new ArrayList<>();
            for (int i = 2; i < parts.length; i++) {
                recent.add(parts[i]);
            }
            return new Stored(new ReceiptChain.Head(Long.parseLong(parts[0]), hash), recent);
        }

        Stored after(DeliveryReceipt receipt) {
            List<String> ids = new ArrayList<>(recent);
            // Receipt ids are UUIDs; one with a space could not be kept apart, and is simply not remembered.
            if (!receipt.getReceiptId().contains(" ")) {
                ids.add(receipt.getReceiptId());
            }
            while (ids.size() > RECENT_IDS) {
                ids.remove(0);
            }
            return new Stored(ReceiptChain.Head.of(receipt), ids);
        }

        String encode() {
            StringBuilder out =
                    new StringBuilder().append(head.sequence()).append(' ').append(head.hash());
            recent.forEach(id -> out.append(' ').append(id));
            return out.toString();
        }
    }
}
