package io.threatline.schemas.serde;

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
        return errorCode == SUBJECT_NOT_FOUND || errorCode == VERSION_NOT_FOUND || errorCode == SCHEMA_NOT_FOUND
            || httpStatus == 404;
    }

    /** The registry could not be reached (connection refused, timeout, DNS). */
    public boolean isUnreachable() {
        return errorCode == UNREACHABLE;
    }
}
