package io.threatline.schemas.serde;

import java.util.Optional;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A schema registry call failed. {@link #errorCode()} is the registry's Confluent error code
 * (40401 subject not found, 40403 schema not found, 409 incompatible, 42201 invalid schema, ...)
 * or -1 when the registry could not be reached at all.
 */
public class SchemaRegistryException extends SerializationException {
    public static final int UNREACHABLE = -1;
    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int INCOMPATIBLE = 409;
    public static final int INVALID_SCHEMA = 42201;

    private final int errorCode;
    private final int httpStatus;

    public SchemaRegistryException(String message, int errorCode, int httpStatus, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
        this.httpStatus = httpStatus;
    }

    public int errorCode() {
        return errorCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public boolean isNotFound() {
        return errorCode == SUBJECT_NOT_FOUND
                || errorCode == VERSION_NOT_FOUND
                || errorCode == SCHEMA_NOT_FOUND
                || httpStatus == 404;
    }

    /** The registry could not be reached (connection refused, timeout, DNS). */
    public boolean isUnreachable() {
        return errorCode == UNREACHABLE;
    }

    /**
     * Whether the same call may succeed later with nothing about the request changed: the registry
     * could not be reached, failed (HTTP 5xx), timed out (408), asked for fewer requests (429) or
     * refused the client's credentials (401, 403 — fixed by an operator, not by the data). Such a
     * failure says nothing about the record being read or written: a reader must wait for the
     * registry rather than reject the record. Everything else — no such schema id, subject or
     * version, an incompatible or invalid schema — is the registry's answer about the schema, and
     * asking again gets the same answer.
     */
    public boolean isRetriable() {
        return isUnreachable()
                || httpStatus >= 500
                || httpStatus == 401
                || httpStatus == 403
                || httpStatus == 408
                || httpStatus == 429;
    }

    /**
     * The retriable registry failure behind {@code failure}, if there is one in its cause chain —
     * for code that sees a registry failure wrapped by Kafka (a serializer called by a producer or
     * by Kafka Streams) and must tell an outage from a bad record.
     */
    public static Optional<SchemaRegistryException> retriableIn(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
            if (t instanceof SchemaRegistryException e && e.isRetriable()) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
