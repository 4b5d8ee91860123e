package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.threatline.consumer.stix.StixIds;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partners reporting back (docs/sharing-back.md) against `threatline run`: the real broker with SCRAM
 * and ACLs, the real registry, the TAXII server over HTTPS, the hub and delivery. INTERPOL posts
 * sightings over TAXII (shared onwards at TLP:AMBER, its agreement's share_as) and the national agency,
 * whose agreement grants sighting counts up to AMBER, sees them in its feed, while INTERPOL (ceiling
 * GREEN) is never shown its own AMBER reports; INTERPOL reports a false positive, the operator accepts
 * it, and every partner that held the indicator gets REVOKE; no partner can post to another's API root
 * or write another's inbound topic.
 */
class SharingBackIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NCA = "nca-operation-tovar";

    @TempDir
    Path dataDir;

    @Test
    void shouldTakePartnersReportsByTheirAgreementsAndActOnThem() throws Exception {
        // A moderate rate: the simulation raises TLPs and retracts as it goes, so fewer events mean less churn under
        // the indicators the partners report on.
        RunInProcess run = RunInProcess.start(dataDir, 300);
        try {
            Path outbox = dataDir.resolve("outbox");
            // Given indicators both INTERPOL and the national agency hold (GREEN Shylock ones): delivered to both,
            // and, as the hub says now, still held by both (the simulation raises TLPs and retracts as it goes,
            // and the outboxes lag the hub)
            String ops = run.ops();
            List<String> shared = new ArrayList<>();
            await().atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> {
                        shared.clear();
                        for (String id : heldByBoth(outbox)) {
                            if (shared.size() < 6 && heldNow(ops, id)) {
                                shared.add(id);
                            }
                        }
                        return shared.size() >= 6;
                    });
            Matcher taxiiLine =
                    Pattern.compile("TAXII 2.1 at (https://\\S+)/taxii2/").matcher(run.output());
            assertThat(taxiiLine.find()).as(run.output()).isTrue();
            String taxii = taxiiLine.group(1);
            HttpClient http = HttpClient.newBuilder()
                    .sslContext(trusting(dataDir.resolve("taxii/taxii-cert.pem")))
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();

            // When INTERPOL posts a sighting of five of them, seven times each
            List<String> sighted = List.copyOf(shared.subList(0, 5));
            long interpolBefore = RunInProcess.outbox(outbox.resolve("interpol")).stream()
                    .filter(r -> sighted.contains(r.path("indicator_id").asText()))
                    .count();
            ArrayNode objects = JSON.createArrayNode();
            for (String indicatorId : sighted) {
                objects.add(sighting(indicatorId, 7, firstSeen(outbox.resolve("interpol"), indicatorId)));
            }
            objects.add(JSON.createObjectNode()
                    .put("type", "malware")
                    .put("id", "malware--" + UUID.randomUUID())
                    .put("spec_version", "2.1"));
            HttpResponse<String> posted = post(http, taxii, "interpol", "interpol", envelope(objects));
            // Then the status says what succeeded and what failed and why
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
            JsonNode status = JSON.readTree(posted.body());
            assertThat(status.path("status").asText()).isEqualTo("complete");
            assertThat(status.path("success_count").asInt()).as(posted.body()).isEqualTo(5);
            assertThat(status.path("failure_count").asInt()).isEqualTo(1);
            assertThat(status.path("failures").get(0).path("message").asText()).contains("type 'malware'");
            HttpResponse<String> again = http.send(
                    request(taxii + "/interpol/status/" + status.path("id").asText() + "/", "interpol")
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(again.body()).path("success_count").asInt())
                    .isEqualTo(5);
            // and the national agency, whose agreement grants sighting counts, sees them (the indicators still alive)
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> RunInProcess.outbox(outbox.resolve(NCA)).stream()
                            .anyMatch(
                                    r -> sighted.contains(r.path("indicator_id").asText())
                                            && r.path("partner_sightings").asLong() >= 7));
            // while INTERPOL, which holds them too, gets the UPDATE but never the count: they were shared onwards
            // at AMBER, above its ceiling
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> RunInProcess.outbox(outbox.resolve("interpol")).stream()
                                    .filter(r -> sighted.contains(
                                            r.path("indicator_id").asText()))
                                    .count()
                            > interpolBefore);
            assertThat(RunInProcess.outbox(outbox.resolve("interpol")))
                    .allSatisfy(r ->
                            assertThat(r.path("partner_sightings").asLong()).isZero());

            // When INTERPOL reports them as false positives (opinions that disagree); any that left its hands since
            // are not taken, the others wait for the operator
            // (chosen afresh: held by both as the hub says now, since indicators leave partners' hands as it runs)
            List<String> candidates = new ArrayList<>();
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> {
                        candidates.clear();
                        for (String id : heldByBoth(outbox)) {
                            if (candidates.size() < 6 && !sighted.contains(id) && heldNow(ops, id)) {
                                candidates.add(id);
                            }
                        }
                        return candidates.size() >= 6;
                    });
            ArrayNode opinions = JSON.createArrayNode();
            for (String id : candidates) {
                ObjectNode opinion = JSON.createObjectNode()
                        .put("type", "opinion")
                        .put("spec_version", "2.1")
                        .put("id", "opinion--" + UUID.randomUUID())
                        .put("created", "2026-12-01T10:00:00.000Z")
                        .put("modified", "2026-12-01T10:00:00.000Z")
                        .put("opinion", "strongly-disagree")
                        .put("explanation", "our own sinkhole");
                opinion.putArray("object_refs").add(StixIds.indicator(id));
                opinions.add(opinion);
            }
            HttpResponse<String> reported = post(http, taxii, "interpol", "interpol", envelope(opinions));
            assertThat(reported.statusCode()).as(reported.body()).isEqualTo(202);
            assertThat(JSON.readTree(reported.body()).path("success_count").asInt())
                    .as(reported.body())
                    .isEqualTo(candidates.size());
            // Then the operator sees them open, accepts one and rejects another
            List<String> open = await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(
                            () -> {
                                String listed = run.asOperator("indicators", "false-positives", "list");
                                return candidates.stream()
                                        .filter(id -> listed.contains("OPEN     " + id + " reported by interpol"))
                                        .toList();
                            },
                            l -> l.size() >= 2);
            String falsePositive = open.get(0);
            String kept = open.get(1);
            String value = falsePositive.substring(falsePositive.indexOf(':') + 1);
            assertThat(run.asOperator(
                            "indicators",
                            "false-positives",
                            "accept",
                            value,
                            "--partner",
                            "interpol",
                            "--reason",
                            "TICKET-42"))
                    .contains("accepted", "every partner that holds it gets REVOKE");
            // and every partner that held it gets REVOKE
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> revoked(outbox.resolve("interpol"), falsePositive)
                            && revoked(outbox.resolve(NCA), falsePositive));
            assertThat(run.asOperator("indicators", "false-positives", "list", "--all"))
                    .contains("ACCEPTED " + falsePositive + " reported by interpol")
                    .contains("(TICKET-42)");

            // And the second is rejected in the console, with the operator password run made
            String operatorPassword = Files.readString(dataDir.resolve("secrets/operator-console.password"))
                    .strip();
            String decision = JSON.createObjectNode()
                    .put("value", kept.substring(kept.indexOf(':') + 1))
                    .put("partner", "interpol")
                    .put("decision", "reject")
                    .put("operator", "alice")
                    .put("reason", "TICKET-43 seen in our own sinkhole data, not a false positive")
                    .toString();
            HttpResponse<String> rejected = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(ops + "/api/false-positives/decide"))
                                    .header("Content-Type", "application/json")
                                    .header("X-Threatline-Console", "decide")
                                    .header(
                                            "Authorization",
                                            "Basic "
                                                    + Base64.getEncoder()
                                                            .encodeToString(("operator:" + operatorPassword)
                                                                    .getBytes(StandardCharsets.UTF_8)))
                                    .POST(HttpRequest.BodyPublishers.ofString(decision))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(200);
            assertThat(run.asOperator("indicators", "false-positives", "list", "--all"))
                    .contains("REJECTED " + kept + " reported by interpol")
                    .contains("decided by operator:alice")
                    .contains("TICKET-43");

            // And no partner writes for another: not through another's API root
            HttpResponse<String> intruder = post(http, taxii, NCA, "interpol", envelope(objects));
            assertThat(intruder.statusCode()).isEqualTo(405);
            // nor with anything but a TAXII envelope, nor by reading the reports back
            HttpResponse<String> wrongType = http.send(
                    request(taxii + "/interpol/collections/reports/objects/", "interpol")
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(envelope(objects)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(wrongType.statusCode()).isEqualTo(415);
            HttpResponse<String> readBack = http.send(
                    request(taxii + "/interpol/collections/reports/objects/", "interpol")
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(readBack.statusCode()).isEqualTo(403);
            // nor through a collection its agreement does not grant (Europol EC3 reports nothing)
            HttpResponse<String> europol = post(http, taxii, "europol-ec3", "europol-ec3", envelope(objects));
            assertThat(europol.statusCode()).isEqualTo(405);
            // nor into another's inbound topic, with its own Kafka credentials
            Map<String, Object> asInterpol = kafkaClient("interpol");
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(asInterpol, new ByteArraySerializer(), new ByteArraySerializer())) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(
                                        "ti.partner." + NCA + ".inbound.v1", new byte[] {0, 0, 0, 0, 1}))
                                .get(30, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(TopicAuthorizationException.class);
            }
            // while its own inbound topic takes its reports (what it writes there, the hub decides on)
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(asInterpol, new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>("ti.partner.interpol.inbound.v1", "not avro".getBytes()))
                        .get(30, TimeUnit.SECONDS);
            }
            // and that unreadable record is dead-lettered, and receipted in INTERPOL's chain, which still verifies
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> run.asOperator("audit", "verify", "--partner", "interpol")
                            .contains("REPORTS_RECEIVED_VIA_KAFKA"));
            assertThat(run.asOperator("audit", "verify", "--partner", "interpol"))
                    .contains("INTACT");
            // and the console shows the reports: the accepted false positive, and what was received
            JsonNode reports = JSON.readTree(HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(ops + "/api/reports"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            assertThat(reports.path("falsePositives").toString())
                    .contains(falsePositive, "\"status\":\"ACCEPTED\"", "TICKET-42");
            // (receipts name an indicator by its keyed hash, never in clear: docs/data-protection.md)
            String sightedRef = io.threatline.schemas.privacy.IndicatorKey.read(
                            dataDir.resolve("secrets/indicator-key"))
                    .ref(sighted.get(0));
            assertThat(reports.path("received").toString())
                    .contains("interpol", sightedRef, "refused:DESERIALIZATION_FAILED")
                    .doesNotContain(sighted.get(0));
        } finally {
            Matcher opsAtEnd = Pattern.compile("Operations: (http://localhost:\\d+)/metrics")
                    .matcher(run.output());
            if (opsAtEnd.find()) {
                // What a failure needs to be read: the hub's rejections by reason as the test ends.
                System.out.println("hub rejections: " + hubRejections(opsAtEnd.group(1)));
            }
            assertThat(run.stop()).isZero();
        }
    }

    /** The hub's rejections by reason, from run's metrics. */
    private static String hubRejections(String ops) {
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(ops + "/metrics")).build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body()
                    .lines()
                    .filter(l -> l.startsWith("threatline_hub_rejected_total"))
                    .toList()
                    .toString();
        } catch (Exception e) {
            return "(metrics not read: " + e + ")";
        }
    }

    /** Whether the hub's state says both partners hold the indicator now (the console's hub-state answer). */
    private static boolean heldNow(String ops, String indicatorId) throws Exception {
        JsonNode answer = RunInProcess.hubState(ops, indicatorId);
        String heldBy = answer.path("state").path("heldBy").toString();
        return heldBy.contains("\"interpol\"") && heldBy.contains("\"" + NCA + "\"");
    }

    /** Indicator ids whose latest record in both partners' outboxes is a NEW or UPDATE. */
    private static List<String> heldByBoth(Path outbox) throws Exception {
        Map<String, String> interpol = latest(outbox.resolve("interpol"));
        Map<String, String> nca = latest(outbox.resolve(NCA));
        Set<String> both = new LinkedHashSet<>();
        interpol.forEach((id, action) -> {
            if (!action.equals("REVOKE")
                    && !action.equals("EXPIRE")
                    && "NEW UPDATE".contains(nca.getOrDefault(id, "-"))) {
                both.add(id);
            }
        });
        return new ArrayList<>(both);
    }

    private static Map<String, String> latest(Path folder) throws Exception {
        Map<String, String> latest = new LinkedHashMap<>();
        for (JsonNode r : RunInProcess.outbox(folder)) {
            if (r.has("indicator_id")) {
                latest.put(r.path("indicator_id").asText(), r.path("action").asText());
            }
        }
        return latest;
    }

    private static boolean revoked(Path folder, String indicatorId) throws Exception {
        return RunInProcess.outbox(folder).stream()
                .anyMatch(r -> r.path("indicator_id").asText().equals(indicatorId)
                        && r.path("action").asText().equals("REVOKE"));
    }

    /**
     * When INTERPOL saw it: its first sighting as shared. `run`'s hub replays the last day on a fast clock
     * (SimulatedClock), and a report more than an hour ahead of the hub's clock is refused.
     */
    private static String firstSeen(Path folder, String indicatorId) throws Exception {
        return RunInProcess.outbox(folder).stream()
                .filter(r -> r.path("indicator_id").asText().equals(indicatorId))
                .map(r -> r.path("first_seen").asText())
                .findFirst()
                .orElseThrow();
    }

    private ObjectNode sighting(String indicatorId, int count, String seen) {
        String now = StixIds.timestamp(Instant.parse(seen));
        return JSON.createObjectNode()
                .put("type", "sighting")
                .put("spec_version", "2.1")
                .put("id", "sighting--" + UUID.randomUUID())
                .put("created", now)
                .put("modified", now)
                .put("sighting_of_ref", StixIds.indicator(indicatorId))
                .put("count", count)
                .put("last_seen", now);
    }

    private static String envelope(ArrayNode objects) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.set("objects", objects);
        return envelope.toString();
    }

    private HttpResponse<String> post(HttpClient http, String taxii, String user, String root, String body)
            throws Exception {
        return http.send(
                request(taxii + "/" + root + "/collections/reports/objects/", user)
                        .header("Content-Type", "application/taxii+json;version=2.1")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String url, String partner) throws Exception {
        String password = Files.readString(dataDir.resolve("secrets/local/" + partner + "-taxii"))
                .strip();
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/taxii+json;version=2.1")
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString((partner + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private Map<String, Object> kafkaClient(String partner) throws Exception {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(dataDir.resolve("secrets/kafka/" + partner + ".properties"))) {
            props.load(in);
        }
        Map<String, Object> client = new HashMap<>();
        props.forEach((k, v) -> client.put(k.toString(), v));
        client.put("max.block.ms", "30000");
        client.put("delivery.timeout.ms", "30000");
        client.put("request.timeout.ms", "20000");
        return client;
    }

    private static SSLContext trusting(Path certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            trust.setCertificateEntry(
                    "taxii", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }
}
