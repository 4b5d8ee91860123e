package io.threatline.platform.registry;

/**
 * Confluent Schema Registry error codes used in {@code {"error_code": ..., "message": ...}} bodies, each with
 * the HTTP status that Confluent answers it with.
 */
public enum ErrorCode {
    BAD_REQUEST(400, 400),
    UNAUTHORIZED(40101, 401),
    NOT_FOUND(404, 404),
    SUBJECT_NOT_FOUND(40401, 404),
    VERSION_NOT_FOUND(40402, 404),
    SCHEMA_NOT_FOUND(40403, 404),
    SUBJECT_SOFT_DELETED(40404, 404),
    SUBJECT_NOT_SOFT_DELETED(40405, 404),
    VERSION_SOFT_DELETED(40406, 404),
    VERSION_NOT_SOFT_DELETED(40407, 404),
    SUBJECT_COMPATIBILITY_NOT_CONFIGURED(40408, 404),
    METHOD_NOT_ALLOWED(405, 405),
    INCOMPATIBLE_SCHEMA(409, 409),
    UNSUPPORTED_MEDIA_TYPE(415, 415),
    INVALID_SCHEMA(42201, 422),
    INVALID_VERSION(42202, 422),
    INVALID_COMPATIBILITY_LEVEL(42203, 422),
    INTERNAL_SERVER_ERROR(500, 500),
    STORE_ERROR(50001, 500),
    SERVICE_UNAVAILABLE(503, 503);

    private final int code;
    private final int httpStatus;

    ErrorCode(int code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    /** The value of the {@code error_code} field. */
    public int code() {
        return code;
    }

    /** The HTTP status of a response carrying this code. */
    public int httpStatus() {
        return httpStatus;
    }
}
