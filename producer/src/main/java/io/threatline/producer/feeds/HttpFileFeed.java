package io.threatline.producer.feeds;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.threatline.producer.adapters.AdapterDefaults;
import io.threatline.producer.adapters.InputAdapters;
import io.threatline.producer.adapters.ParsedRecord;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A CSV or JSON Lines file over HTTPS, fetched whole and read by the same adapters as {@code publish}.
 *
 * <ul>
 *   <li>Asked with {@code If-None-Match} and {@code If-Modified-Since} from the last answer: a 304
 *       reads nothing.</li>
 *   <li>Only lines not seen in the last pull are read: the state keeps a short hash of each data line
 *       of the last file (at most {@value #MAX_REMEMBERED} lines, the last ones). A line seen before is
 *       read as a blank line, so problems keep their line numbers. In a file longer than that, older
 *       lines are read again; the hub's dedup takes them as repeats.</li>
 *   <li>CSV columns are renamed by the feed's {@code columns} map (Threatline's name: the feed's)
 *       before the adapter reads the header; a feed column that would collide with a mapped name is
 *       set aside.</li>
 * </ul>
 */
final class HttpFileFeed implements FeedSource {

    static final int MAX_REMEMBERED = 40_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FeedSettings feed;
    private final FeedHttp http;

    HttpFileFeed(FeedSettings feed, FeedHttp http) {
        this.feed = feed;
        this.http = http;
    }

    @Override
    public ObjectNode pull(ObjectNode state, AdapterDefaults defaults, Consumer<ParsedRecord> out)
            throws IOException, InterruptedException {
        Map<String, String> headers = new HashMap<>();
        headers.put("Accept", feed.kind() == FeedKind.CSV ? "text/csv, text/plain, */*" : "application/x-ndjson, */*");
        if (state.hasNonNull("etag")) {
            headers.put("If-None-Match", state.get("etag").asText());
        }
        if (state.hasNonNull("last_modified")) {
            headers.put("If-Modified-Since", state.get("last_modified").asText());
        }
        FeedHttp.Response r = http.get(feed.url(), headers);
        if (r.status() == 304) {
            return state.deepCopy();
        }
        if (r.status() != 200) {
            throw new IOException(
                    "GET " + feed.url() + " answered " + r.status() + ": " + TaxiiCollectionFeed.abbreviate(r.text()));
        }
        String[] lines = r.text().split("\r?\n", -1);
        Set<String> seen = new HashSet<>();
        state.path("seen").forEach(h -> seen.add(h.asText()));
        List<String> remembered = new ArrayList<>();
        boolean csv = feed.kind() == FeedKind.CSV;
        StringBuilder unseen = new StringBuilder(r.body().length);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (csv && i == 0) {
                unseen.append(mapHeader(line, feed.columns())).append('\n');
                continue;
            }
            if (line.isBlank()) {
                unseen.append('\n');
                continue;
            }
            String hash = hash(line);
            remembered.add(hash);
            unseen.append(seen.contains(hash) ? "" : line).append('\n');
        }
        InputAdapters.forFormat(feed.kind().format())
                .read(
                        new StringReader(unseen.toString()),
                        feed.name() + " " + feed.url().getPath(),
                        defaults,
                        out);
        ObjectNode kept = JSON.createObjectNode();
        r.header("ETag").ifPresent(v -> kept.put("etag", v));
        r.header("Last-Modified").ifPresent(v -> kept.put("last_modified", v));
        ArrayNode keep = kept.putArray("seen");
        remembered
                .subList(Math.max(0, remembered.size() - MAX_REMEMBERED), remembered.size())
                .forEach(keep::add);
        return kept;
    }

    /** The header with the feed's column names replaced by Threatline's. */
    static String mapHeader(String header, Map<String, String> columns) {
        if (columns.isEmpty()) {
            return header;
        }
        Map<String, String> byFeedName = new HashMap<>();
        columns.forEach((ours, theirs) -> byFeedName.put(normal(theirs), ours));
        Set<String> mapped = new HashSet<>();
        columns.keySet().forEach(c -> mapped.add(normal(c)));
        List<String> out = new ArrayList<>();
        for (String cell : header.split(",", -1)) {
            String name = cell.strip();
            if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                name = name.substring(1, name.length() - 1);
            }
            String ours = byFeedName.get(normal(name));
            if (ours != null) {
                out.add(ours);
            } else if (mapped.contains(normal(name))) {
                out.add("set-aside-" + name);
            } else {
                out.add(name);
            }
        }
        return String.join(",", out);
    }

    private static String normal(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[_\\- ]", "");
    }

    private static String hash(String line) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(d, 9));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
