package io.threatline.consumer.delivery;

/**
 * A channel could not confirm a batch. {@link Kind#TRANSIENT} failures (a refused connection, a
 * timeout, an HTTP 5xx or 429) are retried with backoff until they succeed; {@link Kind#PERMANENT}
 * ones (an HTTP 4xx, a record the channel cannot express) send the batch to the partner's dead
 * letter with {@link #getMessage()} as the reason.
 */
public final class DeliveryException extends Exception {

    public enum Kind {
        TRANSIENT,
        PERMANENT
    }

    private final Kind kind;
    private final String reasonCode;

    private DeliveryException(Kind kind, String reasonCode, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.reasonCode = reasonCode;
    }

    public static DeliveryException transientFailure(String message, Throwable cause) {
        return new DeliveryException(Kind.TRANSIENT, "CHANNEL_UNAVAILABLE", message, cause);
    }

    public static DeliveryException transientFailure(String message) {
        return transientFailure(message, null);
    }

    /** @param reasonCode machine-readable reason for the dead letter, e.g. {@code CHANNEL_REJECTED} */
    public static DeliveryException permanent(String reasonCode, String message) {
        return new DeliveryException(Kind.PERMANENT, reasonCode, message, null);
    }

    public Kind kind() {
        return kind;
    }

    public boolean isPermanent() {
        return kind == Kind.PERMANENT;
    }

    public String reasonCode() {
        return reasonCode;
    }
}
