package io.threatline.consumer.stix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The official STIX 2.1 JSON schemas (copied into {@code src/test/resources/stix2.1}, see the
 * README there), loaded from the class path: their {@code $id} URLs are mapped to it, so nothing
 * is fetched from the network.
 */
public final class StixSchemas {

    private static final String UPSTREAM =
            "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/";
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaIdResolvers(
                    resolvers -> resolvers.mapPrefix(UPSTREAM, "classpath:stix2.1/schemas/")));
    private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

    private StixSchemas() {}

    /** Violations of the schema at {@code path} (relative to {@code schemas/}, e.g. {@code sdos/indicator.json}); empty when valid. */
    public static List<String> violations(String path, JsonNode object) {
        Schema schema = SCHEMAS.computeIfAbsent(path, p -> REGISTRY.getSchema(SchemaLocation.of(UPSTREAM + p)));
        return schema.validate(object).stream().map(Error::toString).toList();
    }

    /** Violations of {@code sdos/indicator.json}. */
    public static List<String> indicatorViolations(JsonNode object) {
        return violations("sdos/indicator.json", object);
    }

    /**
     * Violations of one STIX object, by its type: {@code indicator} against
     * {@code sdos/indicator.json}, {@code marking-definition} against
     * {@code common/marking-definition.json}, a custom {@code x-...} object against
     * {@code common/core.json}.
     */
    public static List<String> objectViolations(JsonNode object) {
        String type = object.path("type").asText();
        return switch (type) {
            case "indicator" -> indicatorViolations(object);
            case "marking-definition" -> violations("common/marking-definition.json", object);
            default ->
                type.startsWith("x-")
                        ? violations("common/core.json", object)
                        : List.of("no schema chosen for type '" + type + "'");
        };
    }

    /**
     * Violations of {@code common/bundle.json}, plus each custom object's against
     * {@code common/core.json}. Custom objects are checked apart because the upstream bundle
     * schema puts them in a {@code oneOf} of core and cyber-observable-core, which every custom
     * SDO satisfies both of (cyber-observable-core admits any lower-case property), so the
     * upstream bundle schema rejects every custom SDO.
     */
    public static List<String> bundleViolations(JsonNode bundle) {
        ObjectNode standard = bundle.deepCopy();
        ArrayNode kept = standard.putArray("objects");
        List<String> out = new ArrayList<>();
        for (JsonNode object : bundle.path("objects")) {
            if (object.path("type").asText().startsWith("x-")) {
                out.addAll(violations("common/core.json", object));
            } else {
                kept.add(object);
            }
        }
        if (!kept.isEmpty() || bundle.path("objects").isEmpty()) {
            out.addAll(violations("common/bundle.json", standard));
        }
        return out;
    }
}
