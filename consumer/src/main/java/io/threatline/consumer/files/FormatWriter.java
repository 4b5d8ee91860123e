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

    @Override
    default void close() throws IOException {}
}
