package io.threatline.platform.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SchemaLog} on a single-partition compacted Kafka topic ({@code _schemas} by default), with records in
 * the JSON layout of Confluent's schemas topic (see {@link SchemaLogCodec}).
 *
 * <p>The constructor creates the topic if absent ({@code cleanup.policy=compact}, one partition) and refuses an
 * existing topic that is not compacted or has several partitions. {@link #append} writes with {@code acks=all} and
 * an idempotent producer and waits for the acknowledgement; {@link #readAll} reads the partition from the beginning
 * up to the end offset it finds when called.
 */
public final class KafkaSchemaLog implements SchemaLog {

    /** The topic Confluent Schema Registry uses by default. */
    public static final String DEFAULT_TOPIC = "_schemas";
    /** How long a single Kafka operation may take by default. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOGGER = LoggerFactory.getLogger(KafkaSchemaLog.class);

    private final String bootstrapServers;
    private final String topic;
    private final TopicPartition partition;
    private final Map<String, Object> clientProperties;
    private final Duration timeout;
    private final KafkaProducer<String, String> producer;

    /**
     * Opens the log with replication factor 1 and {@link #DEFAULT_TIMEOUT}.
     *
     * @param clientProperties extra client settings (security, SASL, ...) applied to the admin, producer and
     *                         consumer
     */
    public KafkaSchemaLog(String bootstrapServers, String topic, Map<String, Object> clientProperties) {
        this(bootstrapServers, topic, (short) 1, DEFAULT_TIMEOUT, clientProperties);
    }

    /**
     * Opens the log, creating its topic if absent.
     *
     * @param replicationFactor replication factor used if the topic has to be created
     * @param timeout           bound on each Kafka operation (topic check, append, reading the end offset)
     * @param clientProperties  extra client settings (security, SASL, ...) applied to the admin, producer and
     *                          consumer
     * @throws SchemaLogException if the topic cannot be created or is unsuitable
     */
    public KafkaSchemaLog(
            String bootstrapServers,
            String topic,
            short replicationFactor,
            Duration timeout,
            Map<String, Object> clientProperties) {
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.partition = new TopicPartition(topic, 0);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.clientProperties = Map.copyOf(clientProperties);
        ensureTopic(replicationFactor);
        this.producer = new KafkaProducer<>(producerConfig());
    }

    @Override
    public List<SchemaLogEntry> readAll() {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
            List<SchemaLogEntry> entries = new ArrayList<>();
            long lastProgress = System.nanoTime();
            while (consumer.position(partition, timeout) < end) {
                boolean progressed = false;
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    progressed = true;
                    if (record.offset() < end) {
                        SchemaLogCodec.decode(record.key(), record.value()).ifPresent(entries::add);
                    }
                }
                if (progressed) {
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > timeout.toNanos()) {
                    throw new SchemaLogException("Timed out reading topic " + topic + " up to offset " + end);
                }
            }
            LOGGER.info("Read {} entries from schema topic {} (end offset {})", entries.size(), topic, end);
            return entries;
        } catch (SchemaLogException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SchemaLogException("Cannot read schema topic " + topic, e);
        }
    }

    @Override
    public void append(SchemaLogEntry entry) {
        SchemaLogCodec.Record record = SchemaLogCodec.encode(entry);
        try {
            Future<RecordMetadata> sent = producer.send(new ProducerRecord<>(topic, 0, record.key(), record.value()));
            RecordMetadata metadata = sent.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            LOGGER.debug("Appended {} to {} at offset {}", record.key(), topic, metadata.offset());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaLogException("Interrupted while appending to schema topic " + topic, e);
        } catch (ExecutionException e) {
            throw new SchemaLogException("Cannot append to schema topic " + topic, e.getCause());
        } catch (TimeoutException | RuntimeException e) {
            throw new SchemaLogException("Cannot append to schema topic " + topic, e);
        }
    }

    @Override
    public void close() {
        producer.close(timeout);
    }

    private void ensureTopic(short replicationFactor) {
        try (Admin admin = Admin.create(adminConfig())) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, 1, replicationFactor)
                                .configs(
                                        Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                        .all()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                LOGGER.info("Created compacted schema topic {} (replication factor {})", topic, replicationFactor);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new SchemaLogException("Cannot create schema topic " + topic, e.getCause());
                }
            }
            verifyTopic(admin);
            io.threatline.platform.kafka.TopicProvisioner.awaitWritable(admin, List.of(topic));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaLogException("Interrupted while preparing schema topic " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new SchemaLogException("Cannot inspect schema topic " + topic, e);
        }
    }

    private void verifyTopic(Admin admin) throws InterruptedException, ExecutionException, TimeoutException {
        TopicDescription description = describeOnceKnown(admin);
        if (description.partitions().size() != 1) {
            throw new SchemaLogException("Schema topic " + topic + " must have exactly 1 partition, found "
                    + description.partitions().size());
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource))
                .all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .get(resource);
        String policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG) == null
                ? null
                : config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
        if (!TopicConfig.CLEANUP_POLICY_COMPACT.equals(policy)) {
            throw new SchemaLogException(
                    "Schema topic " + topic + " must have cleanup.policy=compact, found " + policy);
        }
    }

    /** A topic just created may take a moment to reach the broker's metadata; wait for it within the timeout. */
    private TopicDescription describeOnceKnown(Admin admin)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .get(topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private Map<String, Object> adminConfig() {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "schema-registry-admin");
        return config;
    }

    private Map<String, Object> producerConfig() {
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutMs);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (long) timeoutMs);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "schema-registry-writer");
        config.putAll(clientProperties);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return config;
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "schema-registry-reader");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.putAll(clientProperties);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return config;
    }
}
