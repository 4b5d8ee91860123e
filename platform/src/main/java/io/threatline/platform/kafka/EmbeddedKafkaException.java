package io.threatline.platform.kafka;

/** The embedded broker could not be prepared or started; the message says why. */
public final class EmbeddedKafkaException extends RuntimeException {
    public EmbeddedKafkaException(String message) {
        super(message);
    }

    public EmbeddedKafkaException(String message, Throwable cause) {
        super(message, cause);
    }
}
