package io.threatline.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.KillChainPhase;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.platform.testing.SharedPlatform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves wire-format and registry compatibility with Confluent's own client: Debian's
 * python3-confluent-kafka ({@code confluent_kafka.avro}) under Debian's /usr/bin/python3 reads
 * what Threatline's serializer wrote and writes what Threatline's deserializer reads, both through
 * Threatline's local registry over HTTP and a real broker. Without those packages the test is
 * reported skipped; with {@code THREATLINE_REQUIRE_PYTHON_INTEROP=1} (set by .ci/run) it fails instead.
 */
class ConfluentPythonClientInteropIT {

    private static final String PYTHON = "/usr/bin/python3";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    private static Path script;

    @BeforeAll
    static void requireConfluentPythonClient() throws Exception {
        String why = pythonClientProblem();
        if (why != null && "1".equals(System.getenv("THREATLINE_REQUIRE_PYTHON_INTEROP"))) {
            throw new AssertionError("Confluent's Python client is required here but " + why);
        }
        Assumptions.assumeTrue(
                why == null,
                () -> "Skipped: " + why + " (install Debian's python3-confluent-kafka and python3-avro; .ci/run does)");
        script = work.resolve("confluent_client.py");
        try (InputStream in =
                ConfluentPythonClientInteropIT.class.getResourceAsStream("/interop/confluent_client.py")) {
            Files.copy(in, script);
        }
    }

    @Test
    void shouldLetConfluentsPythonClientReadWhatThreatlineWrote() throws Exception {
        // Given records written by Threatline's serializer through the local registry
        String topic = createTopic("interop-java-to-python");
        List<ThreatEvent> events = List.of(
                event(1, Tlp.GREEN, null),
                event(2, Tlp.AMBER, KillChainPhase.DELIVERY),
                event(3, Tlp.RED, KillChainPhase.COMMAND_AND_CONTROL));
        try (KafkaProducer<String, ThreatEvent> producer = new KafkaProducer<>(
                producerProps(),
                new StringSerializer(),
                new ConfluentAvroSerializer<>(registryClient(), registryConfig(), false))) {
            for (ThreatEvent e : events) {
                producer.send(new ProducerRecord<>(topic, "domain:" + e.getEventId(), e))
                        .get();
            }
        }

        // When Confluent's Python client reads them
        List<String> lines = python(
                "read",
                SharedPlatform.bootstrapServers(),
                SharedPlatform.registryUrl().toString(),
                topic,
                Integer.toString(events.size()));

        // Then every field arrives as written
        assertThat(lines).hasSize(3);
        for (int i = 0; i < events.size(); i++) {
            JsonNode read = JSON.readTree(lines.get(i));
            ThreatEvent expected = events.get(i);
            JsonNode value = read.get("value");
            assertThat(read.get("key").asText()).isEqualTo("domain:" + expected.getEventId());
            assertThat(value.get("eventId").asText()).isEqualTo(expected.getEventId());
            assertThat(value.get("indicatorType").asText())
                    .isEqualTo(expected.getIndicatorType().name());
            assertThat(value.get("indicatorValue").asText()).isEqualTo(expected.getIndicatorValue());
            assertThat(value.get("observedAt").asLong())
                    .isEqualTo(expected.getObservedAt().toEpochMilli());
            assertThat(value.get("tlp").asText()).isEqualTo(expected.getTlp().name());
            assertThat(value.get("confidence").asInt()).isEqualTo(expected.getConfidence());
            assertThat(value.get("malwareFamilies").get(0).asText()).isEqualTo("Shylock");
            assertThat(
                            value.get("killChainPhase").isNull()
                                    ? null
                                    : value.get("killChainPhase").asText())
                    .isEqualTo(
                            expected.getKillChainPhase() == null
                                    ? null
                                    : expected.getKillChainPhase().name());
            assertThat(value.get("retraction").asBoolean()).isFalse();
        }
    }

    @Test
    void shouldReadWhatConfluentsPythonClientWrote() throws Exception {
        // Given records written by Confluent's Python client with the ThreatEvent schema
        String topic = createTopic("interop-python-to-java");
        Path schemaFile = Files.writeString(
                work.resolve(topic + ".avsc"), ThreatEvent.getClassSchema().toString());
        String input = String.join(
                "\n",
                "{\"__key\": \"url:k1\", \"eventId\": \"py-1\", \"indicatorType\": \"URL\", \"indicatorValue\": \"hxxp://evil[.]example/a\","
                        + " \"observedAt\": 1795947330123, \"vendor\": \"python-vendor\", \"sensorId\": \"s-1\", \"confidence\": 70,"
                        + " \"tlp\": \"CLEAR\", \"malwareFamilies\": [\"Caphaw\"], \"campaign\": \"op-x\", \"tags\": [\"t1\", \"t2\"],"
                        + " \"killChainPhase\": \"EXPLOITATION\", \"retraction\": false, \"retractionReason\": null}",
                "{\"__key\": \"md5:k2\", \"eventId\": \"py-2\", \"indicatorType\": \"MD5\", \"indicatorValue\": \"D41D8CD98F00B204E9800998ECF8427E\","
                        + " \"observedAt\": 1795947331000, \"vendor\": \"python-vendor\", \"sensorId\": \"s-2\", \"confidence\": 10,"
                        + " \"tlp\": \"AMBER_STRICT\", \"malwareFamilies\": [], \"campaign\": null, \"tags\": [],"
                        + " \"killChainPhase\": null, \"retraction\": true, \"retractionReason\": \"false positive\"}");

        List<String> out = pythonWithInput(
                input,
                "write",
                SharedPlatform.bootstrapServers(),
                SharedPlatform.registryUrl().toString(),
                topic,
                schemaFile.toString());
        assertThat(out).containsExactly("wrote 2");

        // When Threatline's deserializer reads them into the generated class
        List<ConsumerRecord<String, ThreatEvent>> records = consume(topic, 2);

        // Then they are exactly what Python wrote
        assertThat(records).extracting(ConsumerRecord::key).containsExactly("url:k1", "md5:k2");
        ThreatEvent first = records.get(0).value();
        assertThat(first.getEventId()).isEqualTo("py-1");
        assertThat(first.getIndicatorType()).isEqualTo(IndicatorType.URL);
        assertThat(first.getIndicatorValue()).isEqualTo("hxxp://evil[.]example/a");
        assertThat(first.getObservedAt()).isEqualTo(Instant.ofEpochMilli(1795947330123L));
        assertThat(first.getTlp()).isEqualTo(Tlp.CLEAR);
        assertThat(first.getMalwareFamilies()).containsExactly("Caphaw");
        assertThat(first.getCampaign()).isEqualTo("op-x");
        assertThat(first.getTags()).containsExactly("t1", "t2");
        assertThat(first.getKillChainPhase()).isEqualTo(KillChainPhase.EXPLOITATION);
        ThreatEvent second = records.get(1).value();
        assertThat(second.getTlp()).isEqualTo(Tlp.AMBER_STRICT);
        assertThat(second.getRetraction()).isTrue();
        assertThat(second.getRetractionReason()).isEqualTo("false positive");
        assertThat(second.getCampaign()).isNull();
        assertThat(second.getKillChainPhase()).isNull();
        // and Python registered the same schema Threatline's classes use: one id for both
        assertThat(registryClient().latest(topic + "-value").schema()).isEqualTo(ThreatEvent.getClassSchema());
    }

    private static ThreatEvent event(int n, Tlp tlp, KillChainPhase phase) {
        return ThreatEvent.newBuilder()
                .setEventId("java-" + n)
                .setIndicatorType(IndicatorType.DOMAIN)
                .setIndicatorValue("c2-" + n + ".example.com")
                .setObservedAt(Instant.parse("2026-11-29T10:00:00Z").plusSeconds(n))
                .setVendor("acme-security")
                .setSensorId("sensor-" + n)
                .setConfidence(60 + n)
                .setTlp(tlp)
                .setMalwareFamilies(List.of("Shylock"))
                .setKillChainPhase(phase)
                .build();
    }

    private static SchemaRegistryClient registryClient() {
        return new CachingSchemaRegistryClient(new RestSchemaRegistryClient(SharedPlatform.registryUrl()));
    }

    private static Map<String, Object> registryConfig() {
        return Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                SharedPlatform.registryUrl().toString());
    }

    private static Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedPlatform.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }

    private static List<ConsumerRecord<String, ThreatEvent>> consume(String topic, int count) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedPlatform.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "interop-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, ThreatEvent>> records = new ArrayList<>();
        try (KafkaConsumer<String, ThreatEvent> consumer = new KafkaConsumer<>(
                p,
                new StringDeserializer(),
                new ConfluentAvroDeserializer<>(registryClient(), ThreatEvent.class, registryConfig(), false))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    private static String createTopic(String base) throws Exception {
        String topic = base + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedPlatform.bootstrapServers()))) {
            io.threatline.platform.kafka.TopicProvisioner.ensure(admin, List.of(new NewTopic(topic, 1, (short) 1)));
        }
        return topic;
    }

    private static List<String> python(String... args) throws Exception {
        return pythonWithInput(null, args);
    }

    private static List<String> pythonWithInput(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        if (stdin != null) {
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("python finished").isTrue();
        assertThat(process.exitValue()).as("python exit code; output: " + out).isZero();
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    private static String pythonClientProblem() {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return PYTHON + " is not installed";
        }
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import confluent_kafka.avro, avro")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "Confluent's Python client cannot be imported by " + PYTHON + ": " + out.trim();
            }
            return null;
        } catch (IOException | InterruptedException e) {
            return PYTHON + " could not be run: " + e.getMessage();
        }
    }
}
