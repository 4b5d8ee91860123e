package io.threatline.platform.registry;

import org.apache.avro.Schema;

/** Parsing of Avro schema text into the form the registry stores and compares. */
final class AvroSchemas {

    private AvroSchemas() {}

    /**
     * Parses Avro schema JSON text.
     *
     * @throws SchemaRegistryException with {@link ErrorCode#INVALID_SCHEMA} if the text is not a valid schema
     */
    static Schema parse(String text) {
        if (text == null || text.isBlank()) {
            throw SchemaRegistryException.invalidSchema("Empty schema");
        }
        try {
            return new Schema.Parser().parse(text);
        } catch (RuntimeException e) {
            throw SchemaRegistryException.invalidSchema("Invalid schema: " + e.getMessage());
        }
    }

    /**
     * The canonical text of a parsed schema, used both as the stored text and as the identity of a schema:
     * Avro's normalised JSON rendering (whitespace and attribute order normalised; docs, defaults, aliases and
     * custom properties kept), as Confluent's {@code AvroSchema.canonicalString()}.
     */
    static String canonical(Schema schema) {
        return schema.toString();
    }
}
