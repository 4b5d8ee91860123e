package io.threatline.platform.registry;

import java.util.List;

/**
 * A request the registry refuses or cannot complete, carrying the Confluent error code and HTTP status that the
 * REST layer answers with. The message is the one sent to the client.
 */
public final class SchemaRegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public SchemaRegistryException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public SchemaRegistryException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The symbolic error. */
    public ErrorCode code() {
        return code;
    }

    /** Confluent's numeric {@code error_code}, such as 40401. */
    public int errorCode() {
        return code.code();
    }

    /** The HTTP status the error code implies, such as 404. */
    public int httpStatus() {
        return code.httpStatus();
    }

    static SchemaRegistryException subjectNotFound(String subject) {
        return new SchemaRegistryException(ErrorCode.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }

    static SchemaRegistryException versionNotFound(int version) {
        return new SchemaRegistryException(ErrorCode.VERSION_NOT_FOUND, "Version " + version + " not found.");
    }

    static SchemaRegistryException schemaNotFound(int id) {
        return new SchemaRegistryException(ErrorCode.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
    }

    static SchemaRegistryException schemaNotFound() {
        return new SchemaRegistryException(ErrorCode.SCHEMA_NOT_FOUND, "Schema not found");
    }

    static SchemaRegistryException subjectSoftDeleted(String subject) {
        return new SchemaRegistryException(
                ErrorCode.SUBJECT_SOFT_DELETED,
                "Subject '" + subject + "' was soft deleted.Set permanent=true to delete permanently");
    }

    static SchemaRegistryException subjectNotSoftDeleted(String subject) {
        return new SchemaRegistryException(
                ErrorCode.SUBJECT_NOT_SOFT_DELETED,
                "Subject '" + subject + "' was not deleted first before being permanently deleted");
    }

    static SchemaRegistryException versionSoftDeleted(String subject, int version) {
        return new SchemaRegistryException(
                ErrorCode.VERSION_SOFT_DELETED,
                "Subject '" + subject + "' Version " + version
                        + " was soft deleted.Set permanent=true to delete permanently");
    }

    static SchemaRegistryException versionNotSoftDeleted(String subject, int version) {
        return new SchemaRegistryException(
                ErrorCode.VERSION_NOT_SOFT_DELETED,
                "Subject '" + subject + "' Version " + version
                        + " was not deleted first before being permanently deleted");
    }

    static SchemaRegistryException compatibilityNotConfigured(String subject) {
        return new SchemaRegistryException(
                ErrorCode.SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
                "Subject '" + subject + "' does not have subject-level compatibility configured");
    }

    static SchemaRegistryException incompatible(String subject, List<String> details) {
        return new SchemaRegistryException(
                ErrorCode.INCOMPATIBLE_SCHEMA,
                "Schema being registered is incompatible with an earlier schema for subject \"" + subject
                        + "\", details: " + details);
    }

    static SchemaRegistryException invalidSchema(String detail) {
        return new SchemaRegistryException(ErrorCode.INVALID_SCHEMA, detail);
    }

    static SchemaRegistryException invalidVersion(String version) {
        return new SchemaRegistryException(
                ErrorCode.INVALID_VERSION,
                "The specified version '" + version
                        + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    static SchemaRegistryException invalidCompatibilityLevel() {
        return new SchemaRegistryException(
                ErrorCode.INVALID_COMPATIBILITY_LEVEL,
                "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, "
                        + "forward_transitive, and full_transitive");
    }

    static SchemaRegistryException storeError(String message, Throwable cause) {
        return new SchemaRegistryException(ErrorCode.STORE_ERROR, message, cause);
    }
}
