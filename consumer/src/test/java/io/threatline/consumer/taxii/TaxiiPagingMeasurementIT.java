package io.threatline.consumer.taxii;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.consumer.stix.StixIndicators;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerIndicator;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Paging benchmark, tagged {@code measurement} and so left out of {@code verify}; run by
 * {@code bench/taxii-paging.sh} (optionally with
 * {@code -Dtaxii.measure.records=100000}). Loads the records into a 6-partition partner topic,
 * then times a TAXII client paging through all of them over TLS with limit 1000 and 10000. The
 * numbers go to the log and to {@code target/taxii-paging-measurement.txt}; only correctness is
 * asserted (every record exactly once), never time.
 */
@Tag("measurement")
class TaxiiPagingMeasurementIT {

    private static final String PARTNER = "bench-partner";
    private static final String PASSWORD = "bench-pw";

    @Test
    void measurePagingThroughAllRecords() throws Exception {
        int records = Integer.getInteger("taxii.measure.records", 100_000);
        String prefix = TaxiiFixture.uniquePrefix();
        ThreatlineTopics topics = new ThreatlineTopics(prefix, 6, (short) 1);
        TaxiiFixture.createTopics(topics.partnerTopics(PARTNER, Duration.ofDays(30)));
        long loadStart = System.nanoTime();
        Instant base = Instant.now().minus(Duration.ofDays(1));
        try (KafkaProducer<String, PartnerIndicator> producer = TaxiiFixture.producer(PartnerIndicator.class, null)) {
            for (int i = 0; i < records; i++) {
                String value = "host-" + i + ".bench.example.com";
                PartnerIndicator in = StixIndicators.builder(PARTNER, IndicatorType.DOMAIN, value)
                        .build();
                producer.send(new ProducerRecord<>(
                        topics.partnerIndicators(PARTNER), null, base.toEpochMilli() + i, in.getIndicatorId(), in));
            }
            producer.flush();
        }
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;

        Path keystore = TaxiiFixture.keystore();
        TaxiiPartners partners = new StaticTaxiiPartners(List.of(
                new TaxiiPartner(PARTNER, "Bench", Set.of(TaxiiCollection.INDICATORS), PasswordVerifier.of(PASSWORD))));
        StringBuilder report = new StringBuilder();
        report.append(String.format(
                "TAXII paging measurement: %d PartnerIndicators, 6 partitions, loaded in %.1f s%n",
                records, loadSeconds));
        try (TaxiiServer server = TaxiiServer.start(
                new TaxiiServerConfig(TaxiiFixture.serverConfig(prefix, keystore)),
                partners,
                TaxiiDeliveryListener.NONE)) {
            TaxiiTestClient client = new TaxiiTestClient(server.baseUrl(), keystore, TaxiiFixture.KEYSTORE_PASSWORD);
            for (int limit : new int[] {1000, 10_000, 1000, 10_000}) {
                Set<String> seen = new HashSet<>(records * 2);
                int pages = 0;
                long bytes = 0;
                String next = null;
                long start = System.nanoTime();
                while (true) {
                    Map<String, String> query = next == null
                            ? Map.of("limit", Integer.toString(limit))
                            : Map.of("limit", Integer.toString(limit), "next", next);
                    TaxiiTestClient.Response r = client.get(
                            "/" + PARTNER + "/collections/indicators/objects/" + TaxiiTestClient.query(query),
                            PARTNER,
                            PASSWORD);
                    assertThat(r.status()).isEqualTo(200);
                    pages++;
                    bytes += r.body().toString().getBytes(StandardCharsets.UTF_8).length;
                    r.body()
                            .path("objects")
                            .forEach(o ->
                                    assertThat(seen.add(o.path("id").asText())).isTrue());
                    if (!r.body().path("more").asBoolean()) {
                        break;
                    }
                    next = r.body().path("next").asText();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                assertThat(seen).hasSize(records);
                report.append(String.format(
                        "limit=%5d: %4d pages, %.2f s, %.0f objects/s, %.1f ms/page, %.1f MB of JSON%n",
                        limit, pages, seconds, records / seconds, seconds * 1000 / pages, bytes / 1e6));
            }
        }
        System.out.print(report);
        Files.writeString(
                Path.of("target", "taxii-paging-measurement.txt"),
                report,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }
}
