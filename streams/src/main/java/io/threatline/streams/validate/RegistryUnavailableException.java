package io.threatline.streams.validate;

/**
 * Validation could not read a sensor event because the schema registry was unavailable for longer
 * than the hub waits inside a stream thread. Thrown to fail the thread without consuming the
 * record; see {@link ValidateProcessor} for why, and {@code HubApp} for the thread's replacement.
 */
public final class RegistryUnavailableException extends RuntimeException {

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
