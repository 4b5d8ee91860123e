package io.threatline.platform.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.threatline.platform.registry.SchemaLogEntry.SchemaVersion;
import java.nio.charset.StandardCharsets;

/** JSON bodies of the Confluent Schema Registry REST API. */
final class JsonResponses {

    /** The content type of every response. */
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** A body that is already JSON text and is sent as is (the raw schema endpoints). */
    record RawJson(String json) {}

    private JsonResponses() {}

    /** {@code {"error_code": 40401, "message": "..."}}. */
    static ObjectNode error(int errorCode, String message) {
        return MAPPER.createObjectNode().put("error_code", errorCode).put("message", message);
    }

    /** {@code {"subject","version","id","schema"}}; {@code schemaType} is omitted for AVRO, as Confluent does. */
    static ObjectNode schemaVersion(SchemaVersion version) {
        return MAPPER.createObjectNode()
                .put("subject", version.subject())
                .put("version", version.version())
                .put("id", version.id())
                .put("schema", version.schema());
    }

    /** {@code {"subject","version"}}. */
    static ObjectNode subjectVersion(SchemaVersion version) {
        return MAPPER.createObjectNode().put("subject", version.subject()).put("version", version.version());
    }

    /** Serialises a response body: a Jackson tree, a Java map, list, number or {@link RawJson}. */
    static byte[] toBytes(Object body) {
        if (body instanceof RawJson raw) {
            return raw.json().getBytes(StandardCharsets.UTF_8);
        }
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise response body", e);
        }
    }
}
