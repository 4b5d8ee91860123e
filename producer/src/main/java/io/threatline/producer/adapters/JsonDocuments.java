package io.threatline.producer.adapters;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** JSON reading shared by the adapters, with malformed JSON turned into a located problem. */
final class JsonDocuments {

    /**
     * Strict about trailing content (two documents glued together are an error, not silently half
     * read) and never echoes the input into locations, so problem messages stay short.
     */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private JsonDocuments() {}

    /**
     * Reads one whole JSON document. A document that is not JSON yields one {@code MALFORMED_JSON}
     * problem at the line Jackson stopped on and an empty result; an {@link IOException} that is not
     * about JSON syntax (the input could not be read) is rethrown.
     */
    static Optional<JsonNode> readDocument(Reader input, String sourceName, Consumer<ParsedRecord> out)
            throws IOException {
        try {
            JsonNode root = MAPPER.readTree(input);
            if (root == null || root.isMissingNode()) {
                out.accept(new ParsedRecord.Problem(sourceName + ":1", "MALFORMED_JSON", "the input is empty"));
                return Optional.empty();
            }
            return Optional.of(root);
        } catch (JsonProcessingException e) {
            out.accept(malformed(sourceName, e));
            return Optional.empty();
        }
    }

    static ParsedRecord.Problem malformed(String sourceName, JsonProcessingException e) {
        JsonLocation where = e.getLocation();
        int line = where == null || where.getLineNr() < 1 ? 1 : where.getLineNr();
        String column = where == null || where.getColumnNr() < 1 ? "" : " (column " + where.getColumnNr() + ")";
        return new ParsedRecord.Problem(
                sourceName + ":" + line, "MALFORMED_JSON", "not valid JSON" + column + ": " + e.getOriginalMessage());
    }

    /** The text of a member, or null when it is absent, null or not a string/number/boolean. */
    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || !v.isValueNode() || v.isNull() ? null : v.asText();
    }

    /** The strings of an array member; non-string items are skipped, a missing member is empty. */
    static List<String> strings(JsonNode node, String field) {
        List<String> out = new ArrayList<>();
        JsonNode v = node == null ? null : node.get(field);
        if (v != null && v.isArray()) {
            for (JsonNode item : v) {
                if (item.isTextual() && !item.asText().isBlank()) {
                    out.add(item.asText().strip());
                }
            }
        }
        return out;
    }

    /** The elements of an array member, or nothing when absent or not an array. */
    static Iterable<JsonNode> array(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isArray() ? v : List.of();
    }
}
