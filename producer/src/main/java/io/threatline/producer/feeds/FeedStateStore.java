package io.threatline.producer.feeds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.schemas.topics.TopicSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Each feed's progress, in the compacted topic {@link ThreatlineTopics#feedState()}: read once when
 * {@code pull} starts, written after each successful pull ({@code acks=all}), so that a pull on any
 * machine resumes where the last one stopped. The values are the feeds' own JSON, private to them.
 */
public final class FeedStateStore implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final Map<String, Object> client;

    public FeedStateStore(Map<String, Object> clientProperties, ThreatlineTopics topics) {
        this.client = AvroSerdeConfig.kafkaOnly(clientProperties);
        Map<String, Object> props = new HashMap<>(client);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.topic = topics.feedState();
    }

    /** The last kept state of every feed. */
    public Map<String, ObjectNode> readAll() {
        Map<String, ObjectNode> states = new HashMap<>();
        TopicSnapshot.read(client, topic, r -> {
            if (r.key() == null) {
                return;
            }
            if (r.value() == null) {
                states.remove(r.key());
                return;
            }
            try {
                JsonNode node = JSON.readTree(r.value());
                if (node instanceof ObjectNode object) {
                    states.put(r.key(), object);
                }
            } catch (IOException e) {
                // A state nobody can read starts the feed afresh: the hub's dedup absorbs what comes again.
                states.remove(r.key());
            }
        });
        return states;
    }

    public void save(String feed, ObjectNode state) throws InterruptedException {
        try {
            producer.send(new ProducerRecord<>(
                            topic, feed, JSON.writeValueAsString(state).getBytes(StandardCharsets.UTF_8)))
                    .get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new UncheckedIOException(new IOException(
                    "could not keep the state of feed " + feed + " in " + topic + ": " + e.getMessage(), e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
