package io.threatline.consumer.taxii;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.threatline.consumer.stix.StixIds;
import io.threatline.consumer.stix.StixIndicators;
import io.threatline.consumer.stix.StixSchemas;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.StatisticDimension;
import io.threatline.contract.StatisticWindow;
import io.threatline.contract.TrendStatistic;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TAXII server against the real embedded broker and registry, driven by a client of plain
 * HTTPS GETs: partner A (indicators and statistics) has 45 indicators plus 5 updates written in
 * transactions, partner B (indicators only) 20 indicators of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaxiiServerIT {

    private static final String A = "partner-a";
    private static final String B = "partner-b";
    private static final String PW_A = "a-secret-pw";
    private static final String PW_B = "b-secret-pw";
    private static final int A_DISTINCT = 45;
    private static final int A_UPDATES = 5;
    private static final int B_COUNT = 20;

    private final List<TaxiiDelivery> deliveries = new CopyOnWriteArrayList<>();
    private final Map<String, Long> aTimestamps = new LinkedHashMap<>();
    private final List<String> bValues = new ArrayList<>();
    private TaxiiServer server;
    private TaxiiTestClient client;
    /** What a second instance needs to serve the same collections. */
    private Map<String, Object> serverConfig;

    private TaxiiPartners partners;
    private Path keystore;

    @BeforeAll
    void startServerOverTwoPartnersTopics() throws Exception {
        String prefix = TaxiiFixture.uniquePrefix();
        ThreatlineTopics topics = new ThreatlineTopics(prefix, 3, (short) 1);
        List<org.apache.kafka.clients.admin.NewTopic> all =
                new ArrayList<>(topics.partnerTopics(A, java.time.Duration.ofDays(30)));
        all.addAll(topics.partnerTopics(B, java.time.Duration.ofDays(30)));
        TaxiiFixture.createTopics(all);

        Instant base = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        try (KafkaProducer<String, PartnerIndicator> producer =
                TaxiiFixture.producer(PartnerIndicator.class, "taxii-it-" + prefix)) {
            for (int i = 0; i < A_DISTINCT + A_UPDATES; i++) {
                if (i % 10 == 0) {
                    producer.beginTransaction();
                }
                boolean update = i >= A_DISTINCT;
                PartnerIndicator in = aIndicator(update ? i - A_DISTINCT : i, update, base);
                long ts = base.plusSeconds(i).toEpochMilli();
                producer.send(new ProducerRecord<>(topics.partnerIndicators(A), null, ts, in.getIndicatorId(), in));
                aTimestamps.put(in.getIndicatorId() + "@" + update, ts);
                if (i % 10 == 9) {
                    producer.commitTransaction();
                }
            }
        }
        try (KafkaProducer<String, PartnerIndicator> producer = TaxiiFixture.producer(PartnerIndicator.class, null)) {
            for (int i = 0; i < B_COUNT; i++) {
                String value = "b-" + i + ".example.org";
                bValues.add(value);
                PartnerIndicator in = StixIndicators.builder(B, IndicatorType.DOMAIN, value)
                        .setAgreementId("mou-b")
                        .build();
                producer.send(new ProducerRecord<>(
                        topics.partnerIndicators(B),
                        null,
                        base.plusSeconds(i).toEpochMilli(),
                        in.getIndicatorId(),
                        in));
            }
        }
        try (KafkaProducer<String, TrendStatistic> producer = TaxiiFixture.producer(TrendStatistic.class, null)) {
            for (int day = 0; day < 3; day++) {
                TrendStatistic s = TrendStatistic.newBuilder()
                        .setPartnerId(A)
                        .setAgreementId("mou-a")
                        .setAgreementVersion(1)
                        .setWindow(StatisticWindow.DAILY)
                        .setWindowStart(Instant.parse("2026-11-20T00:00:00Z").plus(day, ChronoUnit.DAYS))
                        .setWindowEnd(Instant.parse("2026-11-21T00:00:00Z").plus(day, ChronoUnit.DAYS))
                        .setDimension(StatisticDimension.MALWARE_FAMILY)
                        .setDimensionValue("Shylock")
                        .setCount(10 + day)
                        .build();
                producer.send(
                        new ProducerRecord<>(topics.partnerStatistics(A), "daily/malware-family/Shylock/" + day, s));
            }
        }

        keystore = TaxiiFixture.keystore();
        partners = new StaticTaxiiPartners(List.of(
                new TaxiiPartner(
                        A,
                        "Partner A",
                        Set.of(TaxiiCollection.INDICATORS, TaxiiCollection.STATISTICS),
                        PasswordVerifier.of(PW_A)),
                new TaxiiPartner(B, "Partner B", Set.of(TaxiiCollection.INDICATORS), PasswordVerifier.of(PW_B))));
        serverConfig = TaxiiFixture.serverConfig(prefix, keystore);
        server = TaxiiServer.start(new TaxiiServerConfig(serverConfig), partners, deliveries::add);
        client = new TaxiiTestClient(server.baseUrl(), keystore, TaxiiFixture.KEYSTORE_PASSWORD);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static PartnerIndicator aIndicator(int i, boolean update, Instant base) {
        IndicatorType[] types = {
            IndicatorType.IPV4,
            IndicatorType.IPV6,
            IndicatorType.DOMAIN,
            IndicatorType.URL,
            IndicatorType.MD5,
            IndicatorType.SHA1,
            IndicatorType.SHA256,
            IndicatorType.EMAIL
        };
        IndicatorType type = types[i % types.length];
        String hex = String.format("%064x", i + 1);
        String value = switch (type) {
            case IPV4 -> "203.0.113." + i;
            case IPV6 -> "2001:db8::" + Integer.toHexString(i + 1);
            case DOMAIN -> "a-" + i + ".example.com";
            case URL -> "http://a-" + i + ".example.com/it's\\here";
            case MD5 -> hex.substring(64 - 32);
            case SHA1 -> hex.substring(64 - 40);
            case SHA256 -> hex;
            case EMAIL -> "x" + i + "@a.example.com";
            case UNKNOWN -> throw new IllegalStateException();
        };
        return StixIndicators.builder(A, type, value)
                .setAgreementId("mou-a")
                .setAction(update ? LifecycleAction.UPDATE : LifecycleAction.NEW)
                .setSharedAt(base.plus(update ? 2 : 1, ChronoUnit.DAYS))
                .setFirstSeen(base.minus(1, ChronoUnit.DAYS))
                .build();
    }

    @Test
    void shouldDiscoverOnlyTheCallersOwnApiRoot() throws Exception {
        TaxiiTestClient.Response r = client.get("/taxii2/", A, PW_A);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).contains(TaxiiMediaTypes.TAXII);
        String root = server.baseUrl() + "/" + A + "/";
        assertThat(r.body().path("default").asText()).isEqualTo(root);
        assertThat(texts(r.body().path("api_roots"))).containsExactly(root);
        assertThat(r.body().toString()).doesNotContain(B);
    }

    @Test
    void shouldDescribeTheApiRootAndListOnlyGrantedCollections() throws Exception {
        TaxiiTestClient.Response root = client.get("/" + A + "/", A, PW_A);
        TaxiiTestClient.Response aCollections = client.get("/" + A + "/collections/", A, PW_A);
        TaxiiTestClient.Response bCollections = client.get("/" + B + "/collections/", B, PW_B);
        TaxiiTestClient.Response bStatistics = client.get("/" + B + "/collections/statistics/objects/", B, PW_B);
        TaxiiTestClient.Response aIndicators = client.get("/" + A + "/collections/indicators/", A, PW_A);

        assertThat(texts(root.body().path("versions"))).containsExactly(TaxiiMediaTypes.TAXII);
        assertThat(aCollections.body().path("collections").findValuesAsText("id"))
                .containsExactly("indicators", "statistics");
        assertThat(bCollections.body().path("collections").findValuesAsText("id"))
                .containsExactly("indicators");
        assertThat(bStatistics.status()).isEqualTo(404);
        assertThat(aIndicators.status()).isEqualTo(200);
        assertThat(aIndicators.body().path("can_read").asBoolean()).isTrue();
        assertThat(aIndicators.body().path("can_write").asBoolean()).isFalse();
        assertThat(texts(aIndicators.body().path("media_types"))).containsExactly(TaxiiMediaTypes.STIX);
    }

    @ParameterizedTest(name = "limit {0}")
    @ValueSource(ints = {7, 50, 1000})
    void shouldPageThroughEveryRecordExactlyOnceInDateAddedOrder(int limit) throws Exception {
        // Given the deliveries recorded so far
        int before = deliveries.size();

        // When A pages through every version of its indicators with limit and next
        List<JsonNode> objects = pageAll(
                A, PW_A, "indicators", Map.of("limit", Integer.toString(limit), "match[version]", "all"), limit);

        // Then every record (45 indicators, 5 of them in two versions) came exactly once, valid STIX, in date_added
        // order
        assertThat(objects).hasSize(A_DISTINCT + A_UPDATES);
        assertThat(objects.stream()
                        .map(o ->
                                o.path("id").asText() + "@" + o.path("modified").asText())
                        .distinct())
                .hasSize(A_DISTINCT + A_UPDATES);
        assertThat(objects.stream().map(o -> o.path("id").asText()).distinct()).hasSize(A_DISTINCT);
        objects.forEach(o ->
                assertThat(StixSchemas.indicatorViolations(o)).as(o.toString()).isEmpty());
        assertThat(objects.stream().map(o -> o.path("x_threatline_indicator_id").asText()))
                .noneMatch(id -> id.contains("example.org"));
        // And each page was told to the delivery listener with the agreement of each record
        List<TaxiiDelivery> mine = deliveries.subList(before, deliveries.size());
        assertThat(mine)
                .allMatch(d -> d.partnerId().equals(A)
                        && d.collectionId().equals("indicators")
                        && d.kind() == TaxiiDelivery.Kind.OBJECTS);
        assertThat(mine.stream().mapToInt(d -> d.items().size()).sum()).isEqualTo(A_DISTINCT + A_UPDATES);
        assertThat(mine.stream().flatMap(d -> d.items().stream()))
                .allMatch(i -> i.agreementId().equals("mou-a") && i.agreementVersion() == 3);
        assertThat(mine.get(0).offsetRanges()).isNotEmpty();
    }

    @Test
    void shouldGiveTheSamePagesFromASecondInstanceAndTakeTheCursorsOfTheFirst() throws Exception {
        // Given a second server on the same topics (as a deployment runs several behind a load balancer)
        try (TaxiiServer second = TaxiiServer.start(new TaxiiServerConfig(serverConfig), partners, d -> {})) {
            TaxiiTestClient other = new TaxiiTestClient(second.baseUrl(), keystore, TaxiiFixture.KEYSTORE_PASSWORD);
            Map<String, String> query = Map.of("limit", "7", "match[version]", "all");

            // When A asks both for its first page
            String path = "/" + A + "/collections/indicators/objects/" + TaxiiTestClient.query(query);
            TaxiiTestClient.Response one = client.get(path, A, PW_A);
            TaxiiTestClient.Response two = other.get(path, A, PW_A);

            // Then both give the same objects and the same next
            assertThat(two.status()).isEqualTo(200);
            assertThat(two.body().path("objects")).isEqualTo(one.body().path("objects"));
            assertThat(two.body().path("next").asText())
                    .isNotEmpty()
                    .isEqualTo(one.body().path("next").asText());

            // and paging on, each page from the other instance than the last, gives what one instance gives
            List<JsonNode> alternating = new ArrayList<>();
            Map<String, String> next = new HashMap<>(query);
            TaxiiTestClient[] servers = {client, other};
            for (int page = 0; ; page++) {
                TaxiiTestClient.Response r = servers[page % 2].get(
                        "/" + A + "/collections/indicators/objects/" + TaxiiTestClient.query(next), A, PW_A);
                assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
                r.body().path("objects").forEach(alternating::add);
                if (!r.body().path("more").asBoolean()) {
                    break;
                }
                assertThat(page).as("pages").isLessThan(1_000);
                next.put("next", r.body().path("next").asText());
            }
            assertThat(alternating).isEqualTo(pageAll(A, PW_A, "indicators", query, 7));
            assertThat(alternating).hasSize(A_DISTINCT + A_UPDATES);
        }
    }

    @Test
    void shouldServeOnlyTheLatestVersionOfEachObjectByDefault() throws Exception {
        // Given the deliveries recorded so far
        int before = deliveries.size();

        // When A pages through its indicators without match[version]
        List<JsonNode> objects = pageAll(A, PW_A, "indicators", Map.of("limit", "7"), 7);

        // Then each of the 45 objects came once, the 5 updated ones in their updated version only
        assertThat(objects).hasSize(A_DISTINCT);
        assertThat(objects.stream().map(o -> o.path("id").asText()).distinct()).hasSize(A_DISTINCT);
        assertThat(objects.stream()
                        .filter(o -> o.path("x_threatline_action").asText().equals("update")))
                .hasSize(A_UPDATES);
        for (int i = 0; i < A_UPDATES; i++) {
            String id = StixIds.indicator(aIndicator(i, false, Instant.EPOCH).getIndicatorId());
            assertThat(objects)
                    .filteredOn(o -> o.path("id").asText().equals(id))
                    .singleElement()
                    .satisfies(o ->
                            assertThat(o.path("x_threatline_action").asText()).isEqualTo("update"));
        }
        // And only what was served was told to the delivery listener
        assertThat(deliveries.subList(before, deliveries.size()).stream()
                        .mapToInt(d -> d.items().size())
                        .sum())
                .isEqualTo(A_DISTINCT);
    }

    @Test
    void shouldListTheVersionsOfOneObjectOldestFirstWithoutAuditingADelivery() throws Exception {
        // Given an object in two versions and one in a single version
        String updated = StixIds.indicator(aIndicator(2, false, Instant.EPOCH).getIndicatorId());
        String once = StixIds.indicator(aIndicator(20, false, Instant.EPOCH).getIndicatorId());
        int before = deliveries.size();

        // When A asks for their versions
        TaxiiTestClient.Response two =
                client.get("/" + A + "/collections/indicators/objects/" + updated + "/versions/", A, PW_A);
        TaxiiTestClient.Response one =
                client.get("/" + A + "/collections/indicators/objects/" + once + "/versions/", A, PW_A);
        TaxiiTestClient.Response all =
                client.get("/" + A + "/collections/indicators/objects/" + updated + "/?match[version]=all", A, PW_A);
        TaxiiTestClient.Response missing = client.get(
                "/" + A + "/collections/indicators/objects/" + StixIds.indicator("domain:nowhere.example")
                        + "/versions/",
                A,
                PW_A);
        TaxiiTestClient.Response badParam = client.get(
                "/" + A + "/collections/indicators/objects/" + updated + "/versions/?match[version]=all", A, PW_A);

        // Then the versions are the objects' modified timestamps, oldest first, and no more
        assertThat(two.status()).isEqualTo(200);
        assertThat(two.header("Content-Type")).contains(TaxiiMediaTypes.TAXII);
        assertThat(texts(two.body().path("versions")))
                .containsExactlyElementsOf(all.body().path("objects").findValuesAsText("modified"));
        assertThat(texts(two.body().path("versions"))).hasSize(2).isSorted();
        assertThat(two.body().path("more").asBoolean()).isFalse();
        assertThat(texts(one.body().path("versions"))).hasSize(1);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(badParam.status()).isEqualTo(400);
        // And listing versions delivered no object content: only the objects request was recorded
        assertThat(deliveries.subList(before, deliveries.size()))
                .singleElement()
                .satisfies(d -> assertThat(d.items()).hasSize(2));
    }

    @Test
    void shouldServeOnlyWhatWasAddedAfterTheGivenTime() throws Exception {
        // Given the timestamp of the 30th record
        List<Long> times = new ArrayList<>(aTimestamps.values());
        long cut = times.get(29);

        // When A asks for what was added after it
        List<JsonNode> objects = pageAll(
                A,
                PW_A,
                "indicators",
                Map.of("added_after", StixIds.timestamp(Instant.ofEpochMilli(cut)), "limit", "8"),
                8);

        // Then exactly the 20 later records come
        assertThat(objects).hasSize(times.size() - 30);
    }

    @Test
    void shouldFilterByTypeAndId() throws Exception {
        String updated = StixIds.indicator(aIndicator(2, false, Instant.EPOCH).getIndicatorId());
        String once = StixIds.indicator(aIndicator(20, false, Instant.EPOCH).getIndicatorId());

        List<JsonNode> indicators = pageAll(A, PW_A, "indicators", Map.of("match[type]", "indicator"), 1000);
        TaxiiTestClient.Response malware = client.get(
                "/" + A + "/collections/indicators/objects/" + TaxiiTestClient.query(Map.of("match[type]", "malware")),
                A,
                PW_A);
        List<JsonNode> byId = pageAll(A, PW_A, "indicators", Map.of("match[id]", updated + "," + once), 1000);
        List<JsonNode> byIdAll = pageAll(
                A, PW_A, "indicators", Map.of("match[id]", updated + "," + once, "match[version]", "all"), 1000);
        String path = "/" + A + "/collections/indicators/objects/" + updated + "/";
        TaxiiTestClient.Response latest = client.get(path, A, PW_A);
        TaxiiTestClient.Response every =
                client.get(path + TaxiiTestClient.query(Map.of("match[version]", "all")), A, PW_A);
        TaxiiTestClient.Response first =
                client.get(path + TaxiiTestClient.query(Map.of("match[version]", "first")), A, PW_A);
        String firstModified =
                first.body().path("objects").path(0).path("modified").asText();
        TaxiiTestClient.Response exact =
                client.get(path + TaxiiTestClient.query(Map.of("match[version]", firstModified)), A, PW_A);
        TaxiiTestClient.Response both =
                client.get(path + TaxiiTestClient.query(Map.of("match[version]", "first,last")), A, PW_A);
        TaxiiTestClient.Response bad =
                client.get(path + TaxiiTestClient.query(Map.of("match[version]", "newest")), A, PW_A);
        TaxiiTestClient.Response missing = client.get(
                "/" + A + "/collections/indicators/objects/" + StixIds.indicator("domain:nowhere.example") + "/",
                A,
                PW_A);

        assertThat(indicators).hasSize(A_DISTINCT);
        assertThat(malware.status()).isEqualTo(200);
        assertThat(malware.body().has("objects")).isFalse();
        assertThat(malware.body().path("more").asBoolean()).isFalse();
        assertThat(byId).extracting(o -> o.path("id").asText()).containsExactlyInAnyOrder(updated, once);
        assertThat(byIdAll).extracting(o -> o.path("id").asText()).containsExactlyInAnyOrder(updated, updated, once);
        assertThat(latest.body().path("objects").findValuesAsText("x_threatline_action"))
                .containsExactly("update");
        assertThat(every.body().path("objects").findValuesAsText("x_threatline_action"))
                .containsExactly("new", "update");
        assertThat(first.body().path("objects").findValuesAsText("x_threatline_action"))
                .containsExactly("new");
        assertThat(exact.body().path("objects").findValuesAsText("x_threatline_action"))
                .containsExactly("new");
        assertThat(both.body().path("objects").findValuesAsText("x_threatline_action"))
                .containsExactly("new", "update");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(missing.status()).isEqualTo(404);
    }

    @Test
    void shouldListTheManifestWithVersionsAndDateAdded() throws Exception {
        TaxiiTestClient.Response r = client.get("/" + A + "/collections/indicators/manifest/?limit=1000", A, PW_A);
        TaxiiTestClient.Response every =
                client.get("/" + A + "/collections/indicators/manifest/?limit=1000&match%5Bversion%5D=all", A, PW_A);

        JsonNode entries = r.body().path("objects");
        assertThat(entries.size()).isEqualTo(A_DISTINCT);
        assertThat(every.body().path("objects").size()).isEqualTo(A_DISTINCT + A_UPDATES);
        assertThat(r.body().path("more").asBoolean()).isFalse();
        for (JsonNode e : entries) {
            assertThat(e.path("id").asText()).startsWith("indicator--");
            assertThat(e.path("media_type").asText()).isEqualTo(TaxiiMediaTypes.STIX);
            assertThat(e.path("version").asText()).matches("\\d{4}-.*\\.\\d{3}Z");
            assertThat(aTimestamps.values())
                    .contains(Instant.parse(e.path("date_added").asText()).toEpochMilli());
        }
        assertThat(r.header(TaxiiHandler.DATE_ADDED_FIRST))
                .contains(entries.get(0).path("date_added").asText());
        assertThat(r.header(TaxiiHandler.DATE_ADDED_LAST))
                .contains(entries.get(entries.size() - 1).path("date_added").asText());
    }

    @Test
    void shouldServeStatisticsAsValidCustomObjectsToAPartnerGrantedThem() throws Exception {
        List<JsonNode> objects = pageAll(A, PW_A, "statistics", Map.of(), 1000);

        assertThat(objects).hasSize(3);
        assertThat(objects).allMatch(o -> o.path("type").asText().equals("x-threatline-trend-statistic"));
        objects.forEach(o -> assertThat(StixSchemas.objectViolations(o)).isEmpty());
    }

    @ParameterizedTest(name = "Accept: {0}")
    @ValueSource(strings = {"application/taxii+json;version=2.1", "application/taxii+json", "*/*"})
    void shouldAnswerAcceptableMediaTypes(String accept) throws Exception {
        TaxiiTestClient.Response r = client.get("/taxii2/", Optional.of(TaxiiPiecesTest.basic(A, PW_A)), accept);

        assertThat(r.status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "Accept: {0}")
    @ValueSource(strings = {"application/json", "application/taxii+json;version=2.0", "text/html"})
    void shouldRefuseUnacceptableMediaTypesWith406(String accept) throws Exception {
        TaxiiTestClient.Response r = client.get(
                "/" + A + "/collections/indicators/objects/", Optional.of(TaxiiPiecesTest.basic(A, PW_A)), accept);

        assertThat(r.status()).isEqualTo(406);
        assertThat(r.body().path("http_status").asText()).isEqualTo("406");
        assertThat(r.body().has("objects")).isFalse();
    }

    @Test
    void shouldChallengeMissingOrWrongCredentialsWith401() throws Exception {
        TaxiiTestClient.Response none =
                client.get("/" + A + "/collections/indicators/objects/", Optional.empty(), TaxiiMediaTypes.TAXII);
        TaxiiTestClient.Response wrong = client.get("/" + A + "/collections/indicators/objects/", A, PW_B);
        TaxiiTestClient.Response unknown = client.get("/taxii2/", "partner-z", PW_A);

        for (TaxiiTestClient.Response r : List.of(none, wrong, unknown)) {
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.header("WWW-Authenticate"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm="));
            assertThat(r.body().path("http_status").asText()).isEqualTo("401");
            assertThat(r.body().has("objects")).isFalse();
        }
    }

    @Test
    void shouldNeverShowAnotherPartnersData() throws Exception {
        // When A uses its own credentials on B's API root, collections, objects and manifest
        List<TaxiiTestClient.Response> responses = new ArrayList<>();
        for (String path : List.of(
                "/" + B + "/",
                "/" + B + "/collections/",
                "/" + B + "/collections/indicators/",
                "/" + B + "/collections/indicators/objects/",
                "/" + B + "/collections/indicators/manifest/")) {
            responses.add(client.get(path, A, PW_A));
        }
        // And pages through everything of its own
        List<JsonNode> own = pageAll(A, PW_A, "indicators", Map.of(), 1000);

        // Then every request to B's root is 404, like a root that does not exist, and no B value appears anywhere
        TaxiiTestClient.Response nonexistent = client.get("/partner-nobody/collections/", A, PW_A);
        for (TaxiiTestClient.Response r : responses) {
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body()).isEqualTo(nonexistent.body());
        }
        String everything = own.toString()
                + responses.stream().map(r -> r.body().toString()).toList();
        bValues.forEach(v -> assertThat(everything).doesNotContain(v));
        // And B with its own credentials does see its data, so the absence above is not vacuous
        List<JsonNode> bOwn = pageAll(B, PW_B, "indicators", Map.of(), 1000);
        assertThat(bOwn).hasSize(B_COUNT);
        assertThat(bOwn.toString()).contains(bValues.get(0));
    }

    @Test
    void shouldRefuseANextItDidNotWriteAndUnsupportedQueries() throws Exception {
        TaxiiTestClient.Response badNext =
                client.get("/" + A + "/collections/indicators/objects/?next=garbage", A, PW_A);
        TaxiiTestClient.Response badLimit = client.get("/" + A + "/collections/indicators/objects/?limit=0", A, PW_A);
        TaxiiTestClient.Response badTime =
                client.get("/" + A + "/collections/indicators/objects/?added_after=yesterday", A, PW_A);

        assertThat(badNext.status()).isEqualTo(400);
        assertThat(badLimit.status()).isEqualTo(400);
        assertThat(badTime.status()).isEqualTo(400);
        assertThat(badNext.body().path("http_status").asText()).isEqualTo("400");
    }

    /** Pages with limit and next to the end; checks each page's size, order and date-added headers. */
    private List<JsonNode> pageAll(
            String user, String password, String collection, Map<String, String> params, int limit) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        Map<String, String> query = new HashMap<>(params);
        String lastDateAdded = "";
        for (int pages = 0; pages < 10_000; pages++) {
            TaxiiTestClient.Response r = client.get(
                    "/" + user + "/collections/" + collection + "/objects/"
                            + (query.isEmpty() ? "" : TaxiiTestClient.query(query)),
                    user,
                    password);
            assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
            JsonNode objects = r.body().path("objects");
            assertThat(objects.size()).isLessThanOrEqualTo(limit);
            if (objects.size() > 0) {
                String first = r.header(TaxiiHandler.DATE_ADDED_FIRST).orElseThrow();
                String last = r.header(TaxiiHandler.DATE_ADDED_LAST).orElseThrow();
                assertThat(first).isGreaterThanOrEqualTo(lastDateAdded);
                assertThat(last).isGreaterThanOrEqualTo(first);
                lastDateAdded = last;
            }
            objects.forEach(all::add);
            if (!r.body().path("more").asBoolean()) {
                assertThat(r.body().has("next")).isFalse();
                return all;
            }
            query.put("next", r.body().path("next").asText());
        }
        throw new AssertionError("paging did not end");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
