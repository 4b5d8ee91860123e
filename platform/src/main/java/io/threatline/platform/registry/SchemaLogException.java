package io.threatline.platform.registry;

/** A {@link SchemaLog} could not be read or written. */
public final class SchemaLogException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SchemaLogException(String message) {
        super(message);
    }

    public SchemaLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
