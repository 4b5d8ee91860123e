package io.threatline.schemas.serde;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The calls Threatline makes on a registry that speaks the Confluent Schema Registry REST API
 * (Confluent, Karapace, Apicurio's ccompat API, Redpanda, or Threatline's own local registry).
 * Failures are {@link SchemaRegistryException}s whose message says what went wrong and where.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /** Registers the schema under the subject (or finds it there) and returns its global id. */
    int register(String subject, Schema schema);

    /** The id and version of this schema under the subject, if it is registered there. */
    Optional<SchemaVersion> lookup(String subject, Schema schema);

    /** The schema with this global id. */
    Schema schemaById(int id);

    /** The newest version registered under the subject. */
    SchemaVersion latest(String subject);

    /** A given version of the subject. */
    SchemaVersion version(String subject, int version);

    /** Whether the schema could be registered under the subject with its compatibility level. */
    boolean isCompatible(String subject, Schema schema);

    List<String> subjects();

    List<Integer> versions(String subject);

    /** The subject's compatibility level, or the global one when the subject has none of its own. */
    String compatibility(Optional<String> subject);

    /** Sets the global level ({@code subject} empty) or the subject's level. */
    void setCompatibility(Optional<String> subject, String level);

    @Override
    void close();

    /** One registered version of a subject. */
    record SchemaVersion(String subject, int version, int id, Schema schema) {}
}
