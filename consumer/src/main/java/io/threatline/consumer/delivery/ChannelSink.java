package io.threatline.consumer.delivery;

import java.util.Optional;

/**
 * A push channel of one partner (syslog, webhook, files, a Kafka mirror). The delivery service
 * hands it batches in order and commits the partner's offsets only after {@link #deliver} returned:
 * returning means the peer confirmed (an acknowledged TCP write and flush, an HTTP 2xx, a file
 * fsynced and renamed into place). One sink serves one partner and is used from one thread.
 */
public interface ChannelSink extends AutoCloseable {

    /** Where deliveries go, for receipts and logs: host:port, URL or directory. Never a secret. */
    String target();

    /**
     * Why this channel cannot carry {@code record} at all (for example a statistic on a channel
     * that only takes indicators), or empty when it can. Such a record goes to the partner's dead
     * letter with this reason instead of being sent.
     */
    default Optional<String> cannotExpress(DeliveryRecord record) {
        return Optional.empty();
    }

    /**
     * Delivers the whole batch and returns once the peer confirmed it.
     *
     * @throws DeliveryException transient (retried with backoff) or permanent (dead-lettered)
     */
    void deliver(DeliveryBatch batch) throws DeliveryException;

    /**
     * Called when a poll brought nothing new, so time-based work (completing a file whose rotation
     * window has ended) happens on a quiet feed too. It must not lose confirmed data; a failure is
     * logged and the next call tries again.
     */
    default void idle() throws Exception {}

    @Override
    default void close() throws Exception {}
}
