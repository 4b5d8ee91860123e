package io.threatline.producer.feeds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.threatline.producer.adapters.AdapterDefaults;
import io.threatline.producer.adapters.InputAdapters;
import io.threatline.producer.adapters.InputFormat;
import io.threatline.producer.adapters.ParsedRecord;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A TAXII 2.1 collection ({@code url} is the collection's, ending in its id and '/'): pages of
 * {@code objects/} with {@code added_after} (the last page's {@code X-TAXII-Date-Added-Last}, kept as
 * the state) and {@code next} while the server says {@code more}; each page read as a STIX bundle by
 * the same adapter as {@code publish}. At most {@value #MAX_PAGES} pages per pull; the rest comes with
 * the next pull.
 */
final class TaxiiCollectionFeed implements FeedSource {

    static final int MAX_PAGES = 1_000;
    static final String TAXII = "application/taxii+json;version=2.1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FeedSettings feed;
    private final FeedHttp http;

    TaxiiCollectionFeed(FeedSettings feed, FeedHttp http) {
        this.feed = feed;
        this.http = http;
    }

    @Override
    public ObjectNode pull(ObjectNode state, AdapterDefaults defaults, Consumer<ParsedRecord> out)
            throws IOException, InterruptedException {
        String addedAfter = state.path("added_after").asText(null);
        String next = null;
        String last = addedAfter;
        for (int page = 1; page <= MAX_PAGES; page++) {
            StringBuilder query = new StringBuilder("objects/?limit=" + feed.pageSize());
            if (addedAfter != null) {
                query.append("&added_after=").append(URLEncoder.encode(addedAfter, StandardCharsets.UTF_8));
            }
            if (next != null) {
                query.append("&next=").append(URLEncoder.encode(next, StandardCharsets.UTF_8));
            }
            URI uri = feed.url().resolve(query.toString());
            FeedHttp.Response r = http.get(uri, Map.of("Accept", TAXII));
            if (r.status() != 200) {
                throw new IOException("GET " + uri + " answered " + r.status() + ": " + abbreviate(r.text()));
            }
            JsonNode envelope = JSON.readTree(r.body());
            if (envelope == null || !envelope.isObject()) {
                throw new IOException("GET " + uri + " did not answer a TAXII envelope");
            }
            JsonNode objects = envelope.path("objects");
            if (objects.isArray() && !objects.isEmpty()) {
                ObjectNode bundle =
                        JSON.createObjectNode().put("type", "bundle").put("id", "bundle--" + UUID.randomUUID());
                bundle.set("objects", objects);
                InputAdapters.forFormat(InputFormat.STIX)
                        .read(new StringReader(bundle.toString()), feed.name() + " page " + page, defaults, out);
            }
            last = r.header("X-TAXII-Date-Added-Last").orElse(last);
            next = envelope.path("next").asText(null);
            if (!envelope.path("more").asBoolean(false) || next == null) {
                break;
            }
        }
        ObjectNode kept = JSON.createObjectNode();
        if (last != null) {
            kept.put("added_after", last);
        }
        return kept;
    }

    static String abbreviate(String text) {
        String t = text.replaceAll("\\s+", " ").strip();
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }
}
