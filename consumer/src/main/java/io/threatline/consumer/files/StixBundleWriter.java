package io.threatline.consumer.files;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.threatline.consumer.delivery.DeliveryBatch;
import io.threatline.consumer.delivery.DeliveryRecord;
import io.threatline.consumer.formats.StixBatchBundle;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One STIX 2.1 bundle file per batch ({@link StixBatchBundle}), named {@code <bundle id>.json}
 * and written atomically (temp + fsync + rename). The bundle id comes from the batch's idempotency
 * key, so a retried batch replaces its own file instead of adding a second one.
 */
final class StixBundleWriter implements FormatWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;

    StixBundleWriter(Path directory) throws IOException {
        this.directory = directory;
        AtomicFiles.removeTemporaryFiles(directory);
    }

    @Override
    public Optional<String> cannotExpress(DeliveryRecord record) {
        return StixBatchBundle.cannotExpress(record);
    }

    @Override
    public int prune(java.time.Instant before) throws IOException {
        return RotatingFile.deleteOlder(directory, "bundle--*.json", before);
    }

    @Override
    public void write(DeliveryBatch batch) throws IOException {
        AtomicFiles.write(
                directory.resolve(StixBatchBundle.bundleId(batch) + ".json"),
                JSON.writeValueAsBytes(StixBatchBundle.of(batch)));
    }
}
