package io.threatline.streams.reference;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/** Reads a whole JSON reference file, turning a syntax error into a located problem. */
final class JsonFiles {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonFiles() {}

    /** The document, or empty with a problem added naming the line and column of the error. */
    static Optional<JsonNode> read(String source, InputStream in, List<LoadProblem> problems) throws IOException {
        try {
            JsonNode root = MAPPER.readTree(in);
            if (root == null || root.isMissingNode()) {
                problems.add(new LoadProblem(source, "is empty, not a JSON document"));
                return Optional.empty();
            }
            return Optional.of(root);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String location = at == null ? source : source + ':' + at.getLineNr() + ':' + at.getColumnNr();
            problems.add(new LoadProblem(location, "is not valid JSON: " + e.getOriginalMessage()));
            return Optional.empty();
        }
    }

    /** A field's text, or null if it is absent or not a string. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    /** Quotes a value for a location or message, shortened if long. */
    static String quote(String value) {
        String v = value.length() > 80 ? value.substring(0, 77) + "..." : value;
        return '"' + v + '"';
    }
}
