package io.threatline.consumer.files;

import io.threatline.consumer.delivery.DeliveryBatch;
import io.threatline.consumer.delivery.DeliveryRecord;
import java.io.IOException;
import java.util.Optional;

/** Writes batches into a partner's directory in one file format; returns once they are durable. */
interface FormatWriter extends AutoCloseable {

    default Optional<String> cannotExpress(DeliveryRecord record) {
        return Optional.empty();
    }

    void write(DeliveryBatch batch) throws IOException;

    /** Completes files whose rotation window has ended although nothing new arrived. */
    default void completeExpired() throws IOException {}

    /**
     * Deletes the completed files last written before {@code before}: the agreement's retention has
     * passed for them (docs/data-protection.md). A format that cannot drop files on its own (a MISP feed,
     * whose manifest names them) keeps them.
     *
     * @return how many files were deleted
     */
    default int prune(java.time.Instant before) throws IOException {
        return 0;
    }

    @Override
    default void close() throws IOException {}
}
