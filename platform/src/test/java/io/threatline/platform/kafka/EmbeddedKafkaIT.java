package io.threatline.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {

    @TempDir
    Path dataDir;

    @Test
    void shouldCommitTransactionsAndKeepTopicsAndDataAcrossARestart() throws Exception {
        // Given a fresh embedded broker with a declared compacted topic
        NewTopic topic = new NewTopic("restart-test", 3, (short) 1).configs(Map.of("cleanup.policy", "compact"));
        String firstBootstrap;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.inDirectory(dataDir))) {
            firstBootstrap = kafka.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                assertThat(TopicProvisioner.ensure(admin, List.of(topic))).containsExactly("restart-test");
                // a second call creates nothing
                assertThat(TopicProvisioner.ensure(admin, List.of(topic))).isEmpty();
            }
            // When records are written in a committed and an aborted transaction
            try (KafkaProducer<String, String> producer = transactionalProducer(kafka.bootstrapServers())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("restart-test", "k1", "committed"));
                producer.commitTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("restart-test", "k2", "aborted"));
                producer.flush();
                producer.abortTransaction();
            }
        }

        // Then after a restart on the same directory the topic, its config and the committed record are there
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.inDirectory(dataDir))) {
            assertThat(kafka.bootstrapServers()).as("a restart reuses the port").isEqualTo(firstBootstrap);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                assertThat(admin.describeTopics(List.of("restart-test"))
                                .allTopicNames()
                                .get()
                                .get("restart-test")
                                .partitions())
                        .hasSize(3);
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "restart-test");
                assertThat(admin.describeConfigs(List.of(resource))
                                .all()
                                .get()
                                .get(resource)
                                .get("cleanup.policy")
                                .value())
                        .isEqualTo("compact");
            }
            assertThat(readCommitted(kafka.bootstrapServers(), "restart-test")).containsExactly("k1=committed");
        }
    }

    @Test
    void shouldNameTheDirectoryWhenItCannotBeUsed() throws Exception {
        Path file = java.nio.file.Files.writeString(dataDir.resolve("not-a-dir"), "x");
        assertThatThrownBy(() -> EmbeddedKafka.start(EmbeddedKafkaSettings.inDirectory(file)))
                .isInstanceOf(EmbeddedKafkaException.class)
                .hasMessageContaining(file.toString());
    }

    private static KafkaProducer<String, String> transactionalProducer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-kafka-it");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return new KafkaProducer<>(p);
    }

    static List<String> readCommitted(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.key() + "=" + r.value());
                }
            }
        }
        return values;
    }
}
