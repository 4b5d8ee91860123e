package io.threatline.consumer.files;

import static io.threatline.consumer.delivery.TestRecords.PARTNER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.threatline.consumer.delivery.ChannelSettings;
import io.threatline.consumer.delivery.ChannelSink;
import io.threatline.consumer.delivery.DeliveryBatch;
import io.threatline.consumer.delivery.DeliveryRecord;
import io.threatline.consumer.delivery.Secrets;
import io.threatline.consumer.delivery.TestRecords;
import io.threatline.consumer.formats.StixBatchBundle;
import io.threatline.consumer.stix.StixSchemas;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.IndicatorType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StixBundleFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private ChannelSink sink() {
        return new FileSinkFactory()
                .create(new ChannelSettings(
                        PARTNER,
                        DeliveryChannel.FILES,
                        Map.of("directory", dir.toString(), "format", "stix"),
                        new Secrets(Optional.empty(), Map.of())));
    }

    /** Every file in the folder but the outbox's owner marker (which a collector skips as a dot file). */
    private List<Path> jsonFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> !p.getFileName().toString().equals(OutboxOwner.MARKER))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void eachBatchIsOneValidBundleFileWhoseObjectsCarryTheirDeliveryId() throws Exception {
        // Given a stix sink and two batches, the second with a statistic
        ChannelSink sink = sink();
        DeliveryBatch first = TestRecords.everyType(DeliveryChannel.FILES, 0);
        DeliveryBatch second = TestRecords.batch(
                DeliveryChannel.FILES,
                50,
                List.of(TestRecords.indicator(IndicatorType.DOMAIN), TestRecords.statistic("Emotet", 12)));

        // When both are delivered
        sink.deliver(first);
        sink.deliver(second);
        sink.close();

        // Then there is one bundle file per batch, named by its bundle id, valid against the STIX 2.1 schemas
        assertThat(jsonFiles())
                .extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder(
                        StixBatchBundle.bundleId(first) + ".json", StixBatchBundle.bundleId(second) + ".json");
        for (DeliveryBatch batch : List.of(first, second)) {
            JsonNode bundle = JSON.readTree(
                    dir.resolve(StixBatchBundle.bundleId(batch) + ".json").toFile());
            assertThat(StixSchemas.bundleViolations(bundle)).isEmpty();
            List<String> deliveryIds = new ArrayList<>();
            bundle.get("objects").forEach(o -> {
                if (o.has(StixBatchBundle.DELIVERY_ID)) {
                    deliveryIds.add(o.get(StixBatchBundle.DELIVERY_ID).asText());
                }
            });
            assertThat(deliveryIds)
                    .containsExactlyElementsOf(batch.records().stream()
                            .map(DeliveryRecord::deliveryId)
                            .toList());
        }
    }

    @Test
    void aRetriedBatchReplacesItsOwnFile() throws Exception {
        DeliveryBatch batch = TestRecords.everyType(DeliveryChannel.FILES, 0);
        ChannelSink sink = sink();
        sink.deliver(batch);
        sink.deliver(batch);
        sink.close();

        assertThat(jsonFiles()).hasSize(1);
    }
}
