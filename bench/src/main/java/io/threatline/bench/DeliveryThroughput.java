package io.threatline.bench;

import com.sun.net.httpserver.HttpServer;
import io.threatline.bench.report.ResultLine;
import io.threatline.consumer.delivery.DeliveryConfig;
import io.threatline.consumer.delivery.DeliveryService;
import io.threatline.consumer.delivery.StandardChannels;
import io.threatline.contract.AgreementScope;
import io.threatline.contract.ChannelSettings;
import io.threatline.contract.DataKind;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.Redaction;
import io.threatline.contract.Tlp;
import io.threatline.platform.kafka.TopicProvisioner;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroSerializer;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Delivery throughput per channel: N partner indicators are pre-loaded on one partner topic per
 * channel, then the delivery service (with receipts and offset commits, as in production) drains
 * each one into a local peer — a TCP receiver that reads and discards for syslog, an HTTP server
 * answering 200 for webhooks, a directory for files, the JSON mirror topic for Kafka. Prints a
 * Markdown table of records/s per channel.
 *
 * <p>Usage: {@code DeliveryThroughput <bootstrap> <registry-url> <records> [channel,...]}, channels
 * named like {@code syslog-cef}; run by {@code bench/delivery-throughput.sh}.
 */
public final class DeliveryThroughput {

    private static final List<String> ALL = List.of(
            "syslog-cef",
            "syslog-leef",
            "webhook-stix",
            "webhook-ecs",
            "files-jsonl",
            "files-csv",
            "files-stix",
            "files-misp",
            "kafka-json");

    public static void main(String[] args) throws Exception {
        run(args, System.out);
        // The HTTP client's and Kafka clients' lingering threads must not keep a finished harness alive.
        System.exit(0);
    }

    public static void run(String[] args, PrintStream out) throws Exception {
        String bootstrap = args[0];
        String registry = args[1];
        int records = Integer.parseInt(args[2]);
        List<String> channels = args.length > 3 ? List.of(args[3].split(",")) : ALL;
        String prefix = "deliver-bench-" + System.currentTimeMillis() + ".";
        ThreatlineTopics topics = new ThreatlineTopics(prefix, Integer.getInteger("partitions", 6), (short) 1);
        Path work = Files.createTempDirectory("delivery-bench");
        Path secrets = Files.createDirectories(work.resolve("secrets"));
        Path hmac = secrets.resolve("hmac");
        Files.writeString(hmac, "bench-hmac-key-0123456789abcdef0123456789");
        Files.setPosixFilePermissions(hmac, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        AtomicLong syslogBytes = new AtomicLong();
        ServerSocket syslog = syslogReceiver(syslogBytes);
        AtomicLong webhookPosts = new AtomicLong();
        HttpServer webhook = webhookReceiver(webhookPosts);

        Map<String, Object> client = new HashMap<>();
        client.put("bootstrap.servers", bootstrap);
        client.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry);
        out.println(
                "| channel | records | of which dead-lettered | seconds | records/s | seconds until every receipt is chained |");
        out.println("|---|---|---|---|---|---|");
        List<ResultLine> results = new ArrayList<>();
        // Every channel's backlog is loaded before any delivery runs, so each drain starts from the same state.
        for (String channel : channels) {
            String partner = channel.replace('_', '-');
            try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
                List<NewTopic> all = new ArrayList<>(topics.coreTopics());
                all.addAll(topics.partnerTopics(partner, Duration.ofDays(1)));
                all.add(topics.partnerIndicatorsJsonTopic(partner, Duration.ofDays(1)));
                TopicProvisioner.ensure(admin, all);
            }
            Map<String, String> settings = settings(
                    channel, work, syslog.getLocalPort(), webhook.getAddress().getPort());
            preload(client, topics, partner, records, agreement(partner, channel, settings));
        }
        for (String channel : channels) {
            String partner = channel.replace('_', '-');
            Map<String, Object> deliverySettings = new HashMap<>(client);
            deliverySettings.put(DeliveryConfig.TOPIC_PREFIX, prefix);
            deliverySettings.put(DeliveryConfig.PARTNERS, partner);
            deliverySettings.put(DeliveryConfig.SECRETS_DIR, secrets.toString());
            System.getProperties().stringPropertyNames().stream()
                    .filter(k -> k.startsWith("threatline.delivery."))
                    .forEach(k -> deliverySettings.put(k, System.getProperty(k)));
            try (DeliveryService service =
                    new DeliveryService(deliverySettings, StandardChannels.pushChannels(deliverySettings))) {
                long start = System.nanoTime();
                service.start();
                if (service.runningWorkers().isEmpty()) {
                    throw new IllegalStateException(channel + " did not start: " + service.refusedChannels());
                }
                var counters = service.counters().all().values();
                long lastReport = System.nanoTime();
                while (counters.stream()
                                .mapToLong(c -> c.delivered.sum() + c.deadLettered.sum())
                                .sum()
                        < records) {
                    Thread.sleep(20);
                    if (System.nanoTime() - lastReport > 10_000_000_000L) {
                        System.err.println(channel + ": " + service.counters().summary());
                        lastReport = System.nanoTime();
                    }
                    counters = service.counters().all().values();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                // Receipts are chained by the audit sequencer a moment after delivery handed them in.
                long unchained = service.sequencer().awaitChained(java.time.Duration.ofSeconds(120));
                double chained = (System.nanoTime() - start) / 1e9;
                long dead =
                        counters.stream().mapToLong(c -> c.deadLettered.sum()).sum();
                out.printf(
                        "| %s | %,d | %,d | %.1f | %,.0f | %s |%n",
                        channel,
                        records,
                        dead,
                        seconds,
                        records / seconds,
                        unchained == 0 ? String.format(java.util.Locale.ROOT, "%.1f", chained) : unchained + " left");
                results.add(ResultLine.of(
                        "delivery-" + channel,
                        records / seconds,
                        "records/s",
                        String.format(java.util.Locale.ROOT, "delivery, %s, %,d records", channel, records)));
            }
        }
        syslog.close();
        webhook.stop(0);
        System.err.printf(
                "syslog receiver read %,d bytes; webhook receiver took %,d POSTs%n",
                syslogBytes.get(), webhookPosts.get());
        results.forEach(r -> out.println(r.format()));
        ProcessMemory.deleteRecursively(work);
    }

    private static Map<String, String> settings(String channel, Path work, int syslogPort, int webhookPort) {
        String[] parts = channel.split("-", 2);
        Map<String, String> s = new LinkedHashMap<>();
        switch (parts[0]) {
            case "syslog" -> {
                s.put("host", "127.0.0.1");
                s.put("port", Integer.toString(syslogPort));
                s.put("format", parts[1]);
            }
            case "webhook" -> {
                s.put("url", "http://127.0.0.1:" + webhookPort + "/hook");
                s.put("format", parts[1]);
                s.put("hmac_key", "secret:hmac");
            }
            case "files" -> {
                s.put("directory", work.resolve(channel).toString());
                s.put("format", parts[1]);
            }
            case "kafka" -> s.put("format", parts[1]);
            default -> throw new IllegalArgumentException("unknown channel " + channel + "; known: " + ALL);
        }
        return s;
    }

    private static PartnerAgreement agreement(String partner, String channel, Map<String, String> settings) {
        return PartnerAgreement.newBuilder()
                .setPartnerId(partner)
                .setPartnerName(partner)
                .setAgreementId("mou-" + partner)
                .setVersion(1)
                .setValidFrom(Instant.parse("2026-01-01T00:00:00Z"))
                .setDataKinds(List.of(DataKind.INDICATORS))
                .setTlpCeiling(Tlp.AMBER)
                .setScope(AgreementScope.newBuilder().build())
                .setRedaction(Redaction.newBuilder().build())
                .setChannels(List.of(ChannelSettings.newBuilder()
                        .setChannel(DeliveryChannel.valueOf(channel.split("-")[0].toUpperCase(java.util.Locale.ROOT)))
                        .setSettings(settings)
                        .build()))
                .build();
    }

    private static void preload(
            Map<String, Object> client,
            ThreatlineTopics topics,
            String partner,
            int records,
            PartnerAgreement agreement)
            throws Exception {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 131072);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // A second idempotent pre-loading producer in this JVM stalled on the embedded broker (batches
        // expired unsent after 120 s; see docs/benchmarks.md); loading does not need idempotence.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.getBoolean("preload.idempotence"));
        ConfluentAvroSerializer<Object> values = new ConfluentAvroSerializer<>();
        values.configure(client, false);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(props, new StringSerializer(), values)) {
            String topic = topics.partnerIndicators(partner);
            Instant t0 = Instant.parse("2026-11-20T00:00:00Z");
            List<java.util.concurrent.Future<?>> sends = new ArrayList<>(records);
            IndicatorType[] types = {IndicatorType.IPV4, IndicatorType.DOMAIN, IndicatorType.URL, IndicatorType.SHA256};
            for (int i = 0; i < records; i++) {
                IndicatorType type = types[i % types.length];
                String value = switch (type) {
                    case IPV4 -> "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
                    case DOMAIN -> "host" + i + ".example.com";
                    case URL -> "http://host" + i + ".example.com/login.php?id=" + i;
                    default -> String.format("%064x", i);
                };
                PartnerIndicator indicator = PartnerIndicator.newBuilder()
                        .setPartnerId(partner)
                        .setAgreementId("mou-" + partner)
                        .setAgreementVersion(1)
                        .setIndicatorId(type.name().toLowerCase(java.util.Locale.ROOT) + ":" + value)
                        .setType(type)
                        .setValue(value)
                        .setAction(LifecycleAction.NEW)
                        .setFirstSeen(t0.plusSeconds(i))
                        .setLastSeen(t0.plusSeconds(i))
                        .setValidUntil(t0.plus(Duration.ofDays(90)))
                        .setConfidence(70 + i % 30)
                        .setScore(60)
                        .setTlp(Tlp.GREEN)
                        .setMalwareFamilies(List.of("Shylock"))
                        .setTags(List.of("banking"))
                        .setSharedAt(t0.plusSeconds(i + 1))
                        .build();
                sends.add(producer.send(new ProducerRecord<>(topic, indicator.getIndicatorId(), indicator)));
            }
            for (java.util.concurrent.Future<?> send : sends) {
                send.get(); // every pre-loaded record acknowledged, or the run fails naming why
            }
            producer.send(new ProducerRecord<>(topics.agreements(), partner, agreement))
                    .get();
        }
    }

    private static ServerSocket syslogReceiver(AtomicLong bytes) throws Exception {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    Thread reader = new Thread(() -> {
                        byte[] buffer = new byte[65536];
                        try (InputStream in = socket.getInputStream()) {
                            for (int n; (n = in.read(buffer)) >= 0; ) {
                                bytes.addAndGet(n);
                            }
                        } catch (Exception ignored) {
                            // connection closed
                        }
                    });
                    reader.setDaemon(true);
                    reader.start();
                } catch (Exception closed) {
                    return;
                }
            }
        });
        accept.setDaemon(true);
        accept.start();
        return server;
    }

    private static HttpServer webhookReceiver(AtomicLong posts) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            exchange.getRequestBody().transferTo(java.io.OutputStream.nullOutputStream());
            posts.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return server;
    }
}
