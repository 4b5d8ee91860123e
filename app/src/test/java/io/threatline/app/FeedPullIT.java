package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.consumer.taxii.PasswordVerifier;
import io.threatline.consumer.taxii.StaticTaxiiPartners;
import io.threatline.consumer.taxii.TaxiiCollection;
import io.threatline.consumer.taxii.TaxiiPartner;
import io.threatline.consumer.taxii.TaxiiServer;
import io.threatline.consumer.taxii.TaxiiServerConfig;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.platform.testing.SharedPlatform;
import io.threatline.schemas.serde.ConfluentAvroDeserializer;
import io.threatline.schemas.serde.ConfluentAvroSerializer;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.schemas.topics.TopicSnapshot;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code threatline pull} against real peers (docs/sharing-back.md, "External feeds"): Threatline's
 * own TAXII server over HTTP Basic, and a Jetty server holding a MISP feed and a CSV file, with the
 * real broker and registry. Each feed's events arrive on its vendor's topic; a second pull takes only
 * what is new; a feed that fails holds none of the others.
 */
class FeedPullIT {

    private static final String PASSWORD = "peer-password-0123";

    @TempDir
    Path dir;

    private final String prefix = "pull" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final ThreatlineTopics topics = new ThreatlineTopics(prefix, 1, (short) 1);
    private TaxiiServer taxii;
    private Server files;
    private Path web;

    @BeforeEach
    void start() throws Exception {
        try (Admin admin = Admin.create(client())) {
            List<org.apache.kafka.clients.admin.NewTopic> all = new ArrayList<>(topics.coreTopics());
            all.addAll(topics.partnerTopics("peer", java.time.Duration.ofDays(1)));
            admin.createTopics(all).all().get(60, TimeUnit.SECONDS);
        }
        Map<String, Object> taxiiConfig = new HashMap<>();
        taxiiConfig.put(TaxiiServerConfig.BOOTSTRAP_SERVERS, SharedPlatform.bootstrapServers());
        taxiiConfig.put(
                TaxiiServerConfig.SCHEMA_REGISTRY_URL,
                SharedPlatform.registryUrl().toString());
        taxiiConfig.put(TaxiiServerConfig.TOPIC_PREFIX, prefix);
        taxiiConfig.put(TaxiiServerConfig.HOST, "localhost");
        taxiiConfig.put(TaxiiServerConfig.PORT, 0);
        taxiiConfig.put(TaxiiServerConfig.TLS_ENABLED, false);
        taxii = TaxiiServer.start(
                new TaxiiServerConfig(taxiiConfig),
                new StaticTaxiiPartners(List.of(new TaxiiPartner(
                        "peer", "Peer", Set.of(TaxiiCollection.INDICATORS), PasswordVerifier.of(PASSWORD)))),
                d -> {});
        web = Files.createDirectories(dir.resolve("web"));
        Files.createDirectories(web.resolve("misp"));
        files = new Server();
        ServerConnector connector = new ServerConnector(files);
        connector.setHost("localhost");
        connector.setPort(0);
        files.addConnector(connector);
        ResourceHandler resources = new ResourceHandler();
        resources.setBaseResource(ResourceFactory.of(files).newResource(web));
        resources.setDirAllowed(false);
        files.setHandler(resources);
        files.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (taxii != null) {
            taxii.close();
        }
        if (files != null) {
            files.stop();
        }
    }

    @Test
    void shouldPublishEachFeedsNewIndicatorsAsItsVendorAndNoMoreOnTheNextPull() throws Exception {
        // Given a TAXII collection of three indicators, a MISP feed of one event, a CSV file of three rows
        shareWithPeer("c2-one.example.net", "c2-two.example.net", "c2-three.example.net");
        mispEvent("5f0c2a8e-1b3d-4e6f-9a01-2b3c4d5e6f71", 1709546400L, "198.51.100.23", "drop.example.org");
        // and a manifest entry that tries to make the feed fetch a file outside its folder
        addToManifest("../feed", 1709546400L);
        Files.writeString(
                web.resolve("feed.csv"),
                "ioc,ioc_type,first_seen\n"
                        + "203.0.113.10,ip,2026-12-01T10:00:00Z\n"
                        + "203.0.113.11,ip,2026-12-01T10:00:00Z\n"
                        + "evil.example.com,domain,2026-12-01T10:00:00Z\n");
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Path secret = secrets.resolve("peer-taxii");
        Files.writeString(secret, PASSWORD);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        String base = "http://localhost:" + ((ServerConnector) files.getConnectors()[0]).getLocalPort();
        Path feeds = dir.resolve("feeds.yaml");
        Files.writeString(feeds, """
                feeds:
                  - name: peer-taxii
                    kind: taxii
                    url: %s/peer/collections/indicators/
                    vendor: peer-cti
                    username: peer
                    password: secret:peer-taxii
                    tlp: TLP:GREEN
                  - name: peer-misp
                    kind: misp
                    url: %s/misp/
                    vendor: peer-misp
                  - name: peer-csv
                    kind: csv
                    url: %s/feed.csv
                    vendor: peer-csv
                    columns:
                      value: ioc
                      observed_at: first_seen
                  - name: gone
                    kind: jsonl
                    url: %s/no-such-file.jsonl
                    vendor: peer-csv
                """.formatted(taxii.baseUrl(), base, base, base));

        // When the feeds are pulled once
        Pulled first = pull(feeds, secrets);

        // Then each feed's indicators are on its vendor's topic, as that vendor, with the feed as sensor
        assertThat(first.exit).as(first.output).isEqualTo(PullCommand.FEED_FAILED);
        assertThat(first.output)
                .contains("peer-taxii: 3 read, 3 published")
                .contains("peer-misp: 3 read, 2 published, 0 rejected, 1 unreadable")
                .contains("NOT_A_UUID")
                .contains("peer-csv: 3 read, 3 published")
                .containsPattern("gone: .*FAILED: GET .*no-such-file.jsonl answered 404");
        assertThat(values(events("peer-cti")))
                .containsExactlyInAnyOrder("c2-one.example.net", "c2-two.example.net", "c2-three.example.net");
        assertThat(events("peer-cti")).allSatisfy(e -> {
            assertThat(e.getVendor()).isEqualTo("peer-cti");
            assertThat(e.getSensorId()).isEqualTo("peer-taxii");
            assertThat(e.getTlp()).isEqualTo(Tlp.GREEN);
        });
        assertThat(values(events("peer-misp"))).containsExactlyInAnyOrder("198.51.100.23", "drop.example.org");
        assertThat(values(events("peer-csv")))
                .containsExactlyInAnyOrder("203.0.113.10", "203.0.113.11", "evil.example.com");
        assertThat(events("peer-csv"))
                .allSatisfy(e -> assertThat(e.getObservedAt()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z")));

        // When each feed has one thing more and is pulled again
        shareWithPeer("c2-four.example.net");
        mispEvent("5f0c2a8e-1b3d-4e6f-9a01-2b3c4d5e6f72", 1709550000L, "192.0.2.77");
        Files.writeString(
                web.resolve("feed.csv"), "evil2.example.com,domain,2026-12-02T10:00:00Z\n", StandardOpenOption.APPEND);
        Pulled second = pull(feeds, secrets);

        // Then only what is new is published
        assertThat(second.output)
                .contains("peer-taxii: 1 read, 1 published")
                .contains("peer-misp: 2 read, 1 published, 0 rejected, 1 unreadable")
                .contains("peer-csv: 1 read, 1 published");
        assertThat(values(events("peer-cti"))).hasSize(4).contains("c2-four.example.net");
        assertThat(values(events("peer-misp"))).hasSize(3).contains("192.0.2.77");
        assertThat(values(events("peer-csv"))).hasSize(4).contains("evil2.example.com");
    }

    @Test
    void shouldRefuseABadFeedsFileNamingTheLine() {
        Path feeds = dir.resolve("bad.yaml");
        Pulled pulled;
        try {
            Files.writeString(feeds, """
                    feeds:
                      - name: ok
                        kind: taxii
                        url: https://taxii.example.org/api/collections/x/
                        vendor: v
                        password: hunter2
                        username: me
                    """);
            pulled = pull(feeds, dir);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(pulled.exit).isEqualTo(2);
        assertThat(pulled.output).contains("bad.yaml:6: password: must be a secret reference");
    }

    private record Pulled(int exit, String output) {}

    private Pulled pull(Path feeds, Path secrets) {
        StringWriter text = new StringWriter();
        CommandLine cli = ThreatlineCommand.commandLine();
        cli.setOut(new PrintWriter(text, true));
        cli.setErr(new PrintWriter(text, true));
        int exit = cli.execute(
                "pull",
                feeds.toString(),
                "--once",
                "--secrets-dir",
                secrets.toString(),
                "--topic-prefix",
                prefix,
                "--bootstrap-servers",
                SharedPlatform.bootstrapServers(),
                "--schema-registry-url",
                SharedPlatform.registryUrl().toString());
        return new Pulled(exit, text.toString());
    }

    private void shareWithPeer(String... domains) throws Exception {
        Map<String, Object> props = new HashMap<>(client());
        props.put("schema.registry.url", SharedPlatform.registryUrl().toString());
        ConfluentAvroSerializer<PartnerIndicator> values = new ConfluentAvroSerializer<>();
        values.configure(props, false);
        try (KafkaProducer<String, PartnerIndicator> producer =
                new KafkaProducer<>(client(), new StringSerializer(), values)) {
            for (String domain : domains) {
                Instant t = Instant.parse("2026-12-01T10:00:00Z");
                PartnerIndicator record = PartnerIndicator.newBuilder()
                        .setPartnerId("peer")
                        .setAgreementId("MOU-PEER")
                        .setAgreementVersion(1)
                        .setIndicatorId("domain:" + domain)
                        .setType(IndicatorType.DOMAIN)
                        .setValue(domain)
                        .setAction(LifecycleAction.NEW)
                        .setFirstSeen(t)
                        .setLastSeen(t)
                        .setValidUntil(t.plusSeconds(86_400 * 90))
                        .setConfidence(80)
                        .setTlp(Tlp.GREEN)
                        .setSharedAt(Instant.now())
                        .build();
                producer.send(new ProducerRecord<>(topics.partnerIndicators("peer"), record.getIndicatorId(), record))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Adds a MISP event of these attribute values to the feed, and lists it in the manifest. */
    private void mispEvent(String uuid, long timestamp, String... values) throws Exception {
        StringBuilder attributes = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            String type = values[i].matches("[0-9.]+") ? "ip-dst" : "domain";
            attributes
                    .append(i == 0 ? "" : ",")
                    .append("{\"type\":\"")
                    .append(type)
                    .append("\",\"category\":\"Network activity\",\"to_ids\":true,\"uuid\":\"")
                    .append(UUID.randomUUID())
                    .append("\",\"timestamp\":\"")
                    .append(timestamp)
                    .append("\",\"value\":\"")
                    .append(values[i])
                    .append("\"}");
        }
        Files.writeString(
                web.resolve("misp/" + uuid + ".json"),
                "{\"Event\":{\"uuid\":\"" + uuid + "\",\"info\":\"test\",\"timestamp\":\"" + timestamp
                        + "\",\"date\":\"2026-12-01\",\"Orgc\":{\"name\":\"PEER\"},\"Attribute\":[" + attributes
                        + "]}}");
        addToManifest(uuid, timestamp);
    }

    private void addToManifest(String uuid, long timestamp) throws Exception {
        Path manifest = web.resolve("misp/manifest.json");
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode entries = Files.exists(manifest)
                ? (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(manifest.toFile())
                : json.createObjectNode();
        entries.putObject(uuid).put("timestamp", Long.toString(timestamp)).put("info", "test");
        Files.writeString(manifest, entries.toString());
    }

    private List<ThreatEvent> events(String vendor) {
        Map<String, Object> props = new HashMap<>(client());
        props.put("schema.registry.url", SharedPlatform.registryUrl().toString());
        props.put("specific.avro.reader", true);
        ConfluentAvroDeserializer<ThreatEvent> values = new ConfluentAvroDeserializer<>();
        values.configure(props, false);
        List<ThreatEvent> events = new ArrayList<>();
        TopicSnapshot.read(
                client(), topics.vendorEvents(vendor), r -> events.add(values.deserialize(r.topic(), r.value())));
        return events;
    }

    private static List<String> values(List<ThreatEvent> events) {
        return events.stream().map(ThreatEvent::getIndicatorValue).toList();
    }

    private static Map<String, Object> client() {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", SharedPlatform.bootstrapServers());
        return props;
    }
}
