package io.threatline.platform.registry;

import java.util.List;

/**
 * Durable, ordered storage of {@link SchemaLogEntry registry changes}. The registry reads it once at start and
 * then is its only writer.
 */
public interface SchemaLog extends AutoCloseable {

    /**
     * Reads every entry currently stored, oldest first.
     *
     * @throws SchemaLogException if the log cannot be read
     */
    List<SchemaLogEntry> readAll();

    /**
     * Appends an entry, returning only once it is durable.
     *
     * @throws SchemaLogException if the entry could not be stored; it may or may not have been stored
     */
    void append(SchemaLogEntry entry);

    /** Releases the log's resources. */
    @Override
    void close();
}
