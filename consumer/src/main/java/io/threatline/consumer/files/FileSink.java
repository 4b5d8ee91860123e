package io.threatline.consumer.files;

import io.threatline.consumer.delivery.ChannelSink;
import io.threatline.consumer.delivery.DeliveryBatch;
import io.threatline.consumer.delivery.DeliveryException;
import io.threatline.consumer.delivery.DeliveryRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files channel of one partner: batches written into the partner's directory in one format
 * (see {@link FileSinkFactory}). {@link #deliver} returns once the data is forced to disk and, for
 * whole-file formats, renamed into place; no file is ever visible half-written under its final
 * name. A failed write (disk full, permissions) is transient: the batch is retried.
 */
public final class FileSink implements ChannelSink {

    private static final Logger LOGGER = LoggerFactory.getLogger(FileSink.class);

    private final String partnerId;
    private final Path directory;
    private final FileFormat format;
    private final FormatWriter writer;

    /** The agreement's retention of the partner's feed, if it states one (docs/data-protection.md). */
    private final Optional<java.time.Duration> retention;

    private final java.time.Clock clock;
    private long nextPrune;

    FileSink(String partnerId, Path directory, FileFormat format, FormatWriter writer) {
        this(partnerId, directory, format, writer, Optional.empty(), java.time.Clock.systemUTC());
    }

    FileSink(
            String partnerId,
            Path directory,
            FileFormat format,
            FormatWriter writer,
            Optional<java.time.Duration> retention,
            java.time.Clock clock) {
        this.retention = retention;
        this.clock = clock;
        this.partnerId = partnerId;
        this.directory = directory;
        this.format = format;
        this.writer = writer;
    }

    @Override
    public String target() {
        return directory.toString();
    }

    public FileFormat format() {
        return format;
    }

    @Override
    public Optional<String> cannotExpress(DeliveryRecord record) {
        return writer.cannotExpress(record);
    }

    @Override
    public void deliver(DeliveryBatch batch) throws DeliveryException {
        for (DeliveryRecord record : batch.records()) {
            Optional<String> reason = writer.cannotExpress(record);
            if (reason.isPresent()) {
                throw DeliveryException.permanent(
                        "CHANNEL_CANNOT_EXPRESS", "record " + record.deliveryId() + ": " + reason.get());
            }
        }
        try {
            writer.write(batch);
            pruneOncePerMinute();
        } catch (IOException | UncheckedIOException e) {
            LOGGER.warn(
                    "Files delivery of {} records for partner {} to {} failed: {}",
                    batch.size(),
                    partnerId,
                    directory,
                    e.toString());
            throw DeliveryException.transientFailure(
                    "writing " + format.name().toLowerCase() + " files in " + directory + " failed: " + e, e);
        }
    }

    @Override
    public void idle() throws IOException {
        writer.completeExpired();
        pruneOncePerMinute();
    }

    /** Deletes the outbox files older than the agreement's retention, at most once a minute. */
    private void pruneOncePerMinute() {
        long now = clock.millis();
        if (retention.isEmpty() || now < nextPrune) {
            return;
        }
        nextPrune = now + 60_000;
        int deleted;
        try {
            deleted = writer.prune(java.time.Instant.ofEpochMilli(now).minus(retention.get()));
        } catch (IOException | UncheckedIOException e) {
            // Not the batch's failure (it is written): logged, and tried again in a minute.
            LOGGER.error(
                    "Cannot delete files of partner {} older than its retention from {}: {}", partnerId, directory, e);
            return;
        }
        if (deleted > 0) {
            LOGGER.info(
                    "Deleted {} file(s) of partner {} older than its agreement's retention ({}) from {}",
                    deleted,
                    partnerId,
                    retention.get(),
                    directory);
        }
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
