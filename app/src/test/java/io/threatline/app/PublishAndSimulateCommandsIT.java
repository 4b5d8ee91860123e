package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.platform.testing.SharedPlatform;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code threatline publish} and {@code threatline simulate} against a real broker and registry. */
class PublishAndSimulateCommandsIT {

    @TempDir
    Path dir;

    @Test
    void shouldPublishTheGoodRowsNameEachBadOneAndExitWithThree() throws Exception {
        String topic = topic("publish");
        Path csv = Files.writeString(
                dir.resolve("feed.csv"),
                String.join(
                                "\n",
                                "type,value,tlp,confidence,families",
                                "domain,c2.shylock-example[.]com,amber,80,Caphaw",
                                "ipv4,198.51.100.7,orange,60,",
                                "url,hxxp://evil.example.org/gate.php,green,70,Shylock",
                                "ipv4,10.0.0.5/8,green,60,",
                                "md5,D41D8CD98F00B204E9800998ECF8427E,clear,40,")
                        + "\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = run(
                out,
                err,
                "publish",
                csv.toString(),
                dir.resolve("missing.json").toString(),
                "--topic",
                topic,
                "--bootstrap-servers",
                SharedPlatform.bootstrapServers(),
                "--schema-registry-url",
                SharedPlatform.registryUrl().toString());

        assertThat(exit).as(err.toString()).isEqualTo(PublishCommand.SOME_REJECTED);
        assertThat(out.toString())
                .contains("accepted            3")
                .contains("rejected            1  {HOST_BITS_SET=1}")
                .contains("unreadable          1  {BAD_TLP=1}");
        assertThat(err.toString())
                .contains(csv + ":3: BAD_TLP")
                .contains(csv + ":5: REJECTED HOST_BITS_SET")
                .contains("missing.json: no such file");
        assertThat(count(topic, 3)).isEqualTo(3);
    }

    @Test
    void shouldRefuseAnUnknownFormatAsAUsageError() {
        StringWriter err = new StringWriter();
        assertThat(run(new StringWriter(), err, "publish", "--format", "xml", "x.xml"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--format").contains("accepted: stix, misp, csv, jsonl");
    }

    @Test
    void shouldSimulateTheRequestedNumberOfEventsMalformedOnesIncluded() throws Exception {
        String topic = topic("simulate");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = run(
                out,
                err,
                "simulate",
                "--count",
                "3000",
                "--rate",
                "0",
                "--malformed-share",
                "0.05",
                "--seed",
                "7",
                "--topic",
                topic,
                "--bootstrap-servers",
                SharedPlatform.bootstrapServers(),
                "--schema-registry-url",
                SharedPlatform.registryUrl().toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("Simulated 3,000 events").contains("acknowledged by Kafka      3,000");
        assertThat(count(topic, 3000))
                .as("malformed events reach the hub's input too")
                .isEqualTo(3000);
    }

    @Test
    void shouldRefuseAShareOutOfRangeNamingIt() {
        StringWriter err = new StringWriter();
        assertThat(run(new StringWriter(), err, "simulate", "--duplicate-share", "1.5", "--count", "1"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("duplicateShare must be in [0, 1], was 1.5");
    }

    private static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cli = ThreatlineCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private static String topic(String base) throws Exception {
        String topic = base + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin =
                Admin.create(Map.<String, Object>of("bootstrap.servers", SharedPlatform.bootstrapServers()))) {
            io.threatline.platform.kafka.TopicProvisioner.ensure(admin, List.of(new NewTopic(topic, 2, (short) 1)));
        }
        return topic;
    }

    private static long count(String topic, long expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedPlatform.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "count-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        long n = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                n += consumer.poll(Duration.ofMillis(200)).count();
                if (n >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                }
            }
        }
        return n;
    }
}
