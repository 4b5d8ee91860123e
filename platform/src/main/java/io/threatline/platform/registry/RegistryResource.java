package io.threatline.platform.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.threatline.platform.registry.HttpRouter.Request;
import io.threatline.platform.registry.JsonResponses.RawJson;
import io.threatline.platform.registry.SchemaLogEntry.SchemaVersion;
import java.util.List;
import java.util.Map;

/** The Confluent Schema Registry REST endpoints, mapped onto a {@link SubjectRegistry}. */
final class RegistryResource {

    private final SubjectRegistry registry;

    private RegistryResource(SubjectRegistry registry) {
        this.registry = registry;
    }

    /** A router serving every supported endpoint from {@code registry}. */
    static HttpRouter router(SubjectRegistry registry) {
        RegistryResource r = new RegistryResource(registry);
        return new HttpRouter()
                .add("GET", "/", req -> JsonResponses.MAPPER.createObjectNode())
                .add(
                        "GET",
                        "/subjects",
                        req -> registry.subjects(req.flag("deleted")).stream()
                                .filter(s -> s.startsWith(req.query().getOrDefault("subjectPrefix", "")))
                                .toList())
                .add("POST", "/subjects/{subject}", r::lookup)
                .add(
                        "DELETE",
                        "/subjects/{subject}",
                        req -> registry.deleteSubject(req.path("subject"), req.flag("permanent")))
                .add(
                        "GET",
                        "/subjects/{subject}/versions",
                        req -> registry.versions(req.path("subject"), req.flag("deleted")))
                .add("POST", "/subjects/{subject}/versions", r::register)
                .add(
                        "GET",
                        "/subjects/{subject}/versions/{version}",
                        req -> JsonResponses.schemaVersion(
                                registry.version(req.path("subject"), version(req), req.flag("deleted"))))
                .add(
                        "DELETE",
                        "/subjects/{subject}/versions/{version}",
                        req -> registry.deleteVersion(req.path("subject"), version(req), req.flag("permanent")))
                .add(
                        "GET",
                        "/subjects/{subject}/versions/{version}/schema",
                        req -> new RawJson(registry.version(req.path("subject"), version(req), req.flag("deleted"))
                                .schema()))
                .add("GET", "/subjects/{subject}/versions/{version}/referencedby", req -> {
                    registry.version(req.path("subject"), version(req), true);
                    return List.of();
                })
                .add("GET", "/schemas/types", req -> List.of("AVRO"))
                .add(
                        "GET",
                        "/schemas/ids/{id}",
                        req -> JsonResponses.MAPPER.createObjectNode().put("schema", registry.schemaById(id(req))))
                .add("GET", "/schemas/ids/{id}/schema", req -> new RawJson(registry.schemaById(id(req))))
                .add(
                        "GET",
                        "/schemas/ids/{id}/versions",
                        req -> registry.versionsById(id(req), req.flag("deleted")).stream()
                                .map(JsonResponses::subjectVersion)
                                .toList())
                .add(
                        "GET",
                        "/schemas/ids/{id}/subjects",
                        req -> registry.versionsById(id(req), req.flag("deleted")).stream()
                                .map(SchemaVersion::subject)
                                .distinct()
                                .toList())
                .add("POST", "/compatibility/subjects/{subject}/versions/{version}", r::compatibility)
                .add("POST", "/compatibility/subjects/{subject}/versions", r::compatibility)
                .add("GET", "/config", req -> level("compatibilityLevel", registry.globalLevel()))
                .add("PUT", "/config", req -> r.setLevel(null, req))
                .add("DELETE", "/config", req -> level("compatibilityLevel", registry.clearGlobalLevel()))
                .add("GET", "/config/{subject}", r::subjectLevel)
                .add("PUT", "/config/{subject}", req -> r.setLevel(req.path("subject"), req))
                .add(
                        "DELETE",
                        "/config/{subject}",
                        req -> level("compatibilityLevel", registry.clearSubjectLevel(req.path("subject"))))
                .add("GET", "/mode", req -> Map.of("mode", "READWRITE"))
                .add("GET", "/mode/{subject}", req -> Map.of("mode", "READWRITE"));
    }

    private Object register(Request req) {
        JsonNode body = req.json();
        String schema = schemaText(body);
        JsonNode references = body.path("references");
        if (references.isArray() && !references.isEmpty()) {
            throw SchemaRegistryException.invalidSchema(
                    "Schema references are not supported by this registry; inline the referenced types");
        }
        return JsonResponses.MAPPER.createObjectNode().put("id", registry.register(req.path("subject"), schema));
    }

    private Object lookup(Request req) {
        String schema = schemaText(req.json());
        return JsonResponses.schemaVersion(registry.lookup(req.path("subject"), schema, req.flag("deleted")));
    }

    private Object compatibility(Request req) {
        Integer version = req.path("version") == null ? null : version(req);
        String schema = schemaText(req.json());
        List<String> messages = registry.checkCompatibility(req.path("subject"), version, schema);
        ObjectNode result = JsonResponses.MAPPER.createObjectNode().put("is_compatible", messages.isEmpty());
        if (req.flag("verbose")) {
            ArrayNode array = result.putArray("messages");
            messages.forEach(array::add);
        }
        return result;
    }

    private Object subjectLevel(Request req) {
        String subject = req.path("subject");
        CompatibilityLevel level = registry.subjectLevel(subject).orElseGet(() -> {
            if (req.flag("defaultToGlobal")) {
                return registry.globalLevel();
            }
            throw SchemaRegistryException.compatibilityNotConfigured(subject);
        });
        return level("compatibilityLevel", level);
    }

    private Object setLevel(String subject, Request req) {
        JsonNode body = req.json();
        JsonNode name = body.hasNonNull("compatibility") ? body.get("compatibility") : body.get("compatibilityLevel");
        CompatibilityLevel level = CompatibilityLevel.parse(name == null || !name.isTextual() ? null : name.asText())
                .orElseThrow(SchemaRegistryException::invalidCompatibilityLevel);
        registry.setLevel(subject, level);
        return level("compatibility", level);
    }

    private static ObjectNode level(String field, CompatibilityLevel level) {
        return JsonResponses.MAPPER.createObjectNode().put(field, level.name());
    }

    /** The schema text of a request body; {@code schemaType} other than AVRO is refused. */
    private static String schemaText(JsonNode body) {
        JsonNode type = body.get("schemaType");
        if (type != null && !type.isNull() && !"AVRO".equals(type.asText())) {
            throw SchemaRegistryException.invalidSchema(
                    "Unsupported schema type '" + type.asText() + "': this registry only supports AVRO");
        }
        JsonNode schema = body.get("schema");
        if (schema == null || !schema.isTextual() || schema.asText().isBlank()) {
            throw SchemaRegistryException.invalidSchema("Empty schema");
        }
        return schema.asText();
    }

    private static int version(Request req) {
        String text = req.path("version");
        if ("latest".equals(text)) {
            return SubjectRegistry.LATEST;
        }
        try {
            int version = Integer.parseInt(text);
            if (version == SubjectRegistry.LATEST || version >= 1) {
                return version;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw SchemaRegistryException.invalidVersion(text);
    }

    private static int id(Request req) {
        try {
            return Integer.parseInt(req.path("id"));
        } catch (NumberFormatException e) {
            throw new SchemaRegistryException(ErrorCode.NOT_FOUND, "HTTP 404 Not Found");
        }
    }
}
