package io.threatline.schemas.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Map;

/**
 * The line of every field and array element of a JSON or YAML document, keyed by JSON pointer, so
 * that a file's checks can name the line of what they refuse (agreement files, feed files).
 */
public final class DocumentLines {

    private DocumentLines() {}

    /**
     * Streams the document once and fills {@code lines}.
     *
     * @return the line where a second document starts, or 0 when there is one document only
     */
    public static int record(JsonFactory factory, String content, Map<String, Integer> lines) throws IOException {
        try (JsonParser p = factory.createParser(content)) {
            JsonToken t;
            int depth = 0;
            boolean rootDone = false;
            while ((t = p.nextToken()) != null) {
                if (rootDone) {
                    return Math.max(1, p.currentTokenLocation().getLineNr());
                }
                JsonStreamContext ctx = p.getParsingContext();
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    ctx = ctx.getParent();
                }
                if (ctx != null && t != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY) {
                    lines.putIfAbsent(
                            ctx.pathAsPointer().toString(),
                            p.currentTokenLocation().getLineNr());
                }
                if (t.isStructStart()) {
                    depth++;
                } else if (t.isStructEnd()) {
                    depth--;
                }
                if (depth == 0 && t != JsonToken.FIELD_NAME) {
                    rootDone = true;
                }
            }
        }
        return 0;
    }
}
