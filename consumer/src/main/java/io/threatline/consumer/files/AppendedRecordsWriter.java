package io.threatline.consumer.files;

import io.threatline.consumer.delivery.DeliveryBatch;
import io.threatline.consumer.delivery.DeliveryRecord;
import io.threatline.consumer.formats.RecordFields;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * JSONL or CSV: indicators are appended to rotated {@code indicators-*} files and statistics to
 * their own rotated {@code statistics-*} files, since the two have different columns. A batch is
 * confirmed once both appends are forced to disk. A batch that failed half-way (indicators written,
 * statistics not) is written again in full on retry, so a reader dedupes by {@code delivery_id}.
 */
final class AppendedRecordsWriter implements FormatWriter {

    private final RecordFormat format;
    private final RotatingFile indicators;
    private final RotatingFile statistics;

    AppendedRecordsWriter(Path directory, RecordFormat format, Duration rotate, long maxBytes, Clock clock)
            throws IOException {
        this.format = format;
        this.indicators = new RotatingFile(
                directory, "indicators", RecordFields.INDICATOR_COLUMNS, format, rotate, maxBytes, clock);
        this.statistics = new RotatingFile(
                directory, "statistics", RecordFields.STATISTIC_COLUMNS, format, rotate, maxBytes, clock);
    }

    @Override
    public void write(DeliveryBatch batch) throws IOException {
        List<byte[]> indicatorLines = new ArrayList<>();
        List<byte[]> statisticLines = new ArrayList<>();
        for (DeliveryRecord record : batch.records()) {
            (record.isIndicator() ? indicatorLines : statisticLines).add(format.encode(record));
        }
        if (!indicatorLines.isEmpty()) {
            indicators.append(indicatorLines);
        }
        if (!statisticLines.isEmpty()) {
            statistics.append(statisticLines);
        }
        for (DeliveryRecord record : batch.records()) {
            if (record.isIndicator()
                    && record.indicator().getErased()
                    && record.indicator().getAction() == io.threatline.contract.LifecycleAction.REVOKE) {
                // Erased on request (docs/data-protection.md): the files still here lose every record of it but this
                // REVOKE, which tells the partner to delete its copies.
                String id = record.indicator().getIndicatorId();
                int removed = indicators.erase(
                        id,
                        java.util.Set.of(new String(format.encode(record), java.nio.charset.StandardCharsets.UTF_8)));
                org.slf4j.LoggerFactory.getLogger(AppendedRecordsWriter.class)
                        .info("Erasure: removed {} earlier record(s) of an erased indicator from the outbox", removed);
            }
        }
    }

    @Override
    public int prune(java.time.Instant before) throws IOException {
        return indicators.prune(before) + statistics.prune(before);
    }

    @Override
    public void completeExpired() throws IOException {
        indicators.completeIfExpired();
        statistics.completeIfExpired();
    }

    @Override
    public void close() throws IOException {
        try {
            indicators.close();
        } finally {
            statistics.close();
        }
    }
}
