package io.threatline.platform.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.threatline.platform.registry.SchemaLogEntry.ConfigCleared;
import io.threatline.platform.registry.SchemaLogEntry.ConfigSet;
import io.threatline.platform.registry.SchemaLogEntry.SchemaVersion;
import io.threatline.platform.registry.SchemaLogEntry.VersionPermanentlyDeleted;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts {@link SchemaLogEntry entries} to and from JSON key/value pairs in the layout of Confluent's
 * {@code _schemas} topic: key {@code {"keytype":"SCHEMA","subject":"x","version":1,"magic":1}} with value
 * {@code {"subject","version","id","schema","deleted"}}, key {@code {"keytype":"CONFIG","subject":null,"magic":0}}
 * with value {@code {"compatibilityLevel":"FULL"}}, and a {@code null} value (tombstone) for deletions.
 */
public final class SchemaLogCodec {

    /** A serialised entry; {@code value} is {@code null} for a tombstone. */
    public record Record(String key, String value) {}

    private static final Logger LOGGER = LoggerFactory.getLogger(SchemaLogCodec.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SchemaLogCodec() {}

    /** Serialises an entry to its key and value JSON. */
    public static Record encode(SchemaLogEntry entry) {
        if (entry instanceof SchemaVersion v) {
            ObjectNode value = MAPPER.createObjectNode()
                    .put("subject", v.subject())
                    .put("version", v.version())
                    .put("id", v.id())
                    .put("schema", v.schema())
                    .put("deleted", v.deleted());
            return new Record(schemaKey(v.subject(), v.version()), write(value));
        }
        if (entry instanceof VersionPermanentlyDeleted d) {
            return new Record(schemaKey(d.subject(), d.version()), null);
        }
        if (entry instanceof ConfigSet c) {
            return new Record(
                    configKey(c.subject()),
                    write(MAPPER.createObjectNode()
                            .put("compatibilityLevel", c.level().name())));
        }
        ConfigCleared c = (ConfigCleared) entry;
        return new Record(configKey(c.subject()), null);
    }

    /**
     * Deserialises a key/value pair.
     *
     * @param value the value JSON, or {@code null} for a tombstone
     * @return the entry, or empty for record kinds this registry does not use (Confluent's NOOP, MODE, ...)
     * @throws SchemaLogException if the record is malformed
     */
    public static Optional<SchemaLogEntry> decode(String key, String value) {
        JsonNode keyNode = read(key);
        String keyType = keyNode.path("keytype").asText("");
        String subject =
                keyNode.path("subject").isTextual() ? keyNode.get("subject").asText() : null;
        switch (keyType) {
            case "SCHEMA":
                return Optional.ofNullable(decodeSchema(key, keyNode, subject, value));
            case "CONFIG":
                if (value == null) {
                    return Optional.of(new ConfigCleared(subject));
                }
                String levelName = read(value).path("compatibilityLevel").asText(null);
                CompatibilityLevel level = CompatibilityLevel.parse(levelName)
                        .orElseThrow(() -> new SchemaLogException("Unknown compatibility level in record " + key));
                return Optional.of(new ConfigSet(subject, level));
            default:
                LOGGER.debug("Ignoring schema log record with key {}", key);
                return Optional.empty();
        }
    }

    private static SchemaLogEntry decodeSchema(String key, JsonNode keyNode, String subject, String value) {
        if (subject == null || !keyNode.path("version").canConvertToInt()) {
            throw new SchemaLogException("Malformed schema key " + key);
        }
        if (value == null) {
            return new VersionPermanentlyDeleted(subject, keyNode.get("version").asInt());
        }
        JsonNode node = read(value);
        String type = node.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            LOGGER.warn("Ignoring {} schema in record {}: only AVRO is supported", type, key);
            return null;
        }
        if (!node.path("schema").isTextual() || !node.path("id").canConvertToInt()) {
            throw new SchemaLogException("Malformed schema value for key " + key);
        }
        try {
            return new SchemaVersion(
                    node.path("subject").asText(subject),
                    node.path("version").asInt(keyNode.get("version").asInt()),
                    node.get("id").asInt(),
                    node.get("schema").asText(),
                    node.path("deleted").asBoolean(false));
        } catch (IllegalArgumentException e) {
            throw new SchemaLogException("Malformed schema value for key " + key, e);
        }
    }

    private static String schemaKey(String subject, int version) {
        return write(MAPPER.createObjectNode()
                .put("keytype", "SCHEMA")
                .put("subject", subject)
                .put("version", version)
                .put("magic", 1));
    }

    private static String configKey(String subject) {
        return write(MAPPER.createObjectNode()
                .put("keytype", "CONFIG")
                .put("subject", subject)
                .put("magic", 0));
    }

    private static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise " + node, e);
        }
    }

    private static JsonNode read(String json) {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || !node.isObject()) {
                throw new SchemaLogException("Schema log record is not a JSON object: " + json);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new SchemaLogException("Malformed JSON in schema log record: " + json, e);
        }
    }
}
