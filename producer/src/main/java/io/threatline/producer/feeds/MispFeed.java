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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A MISP feed ({@code url} its folder): {@code manifest.json} lists each event's uuid and timestamp;
 * an event is fetched ({@code <uuid>.json}) when it is new or its timestamp moved since the last
 * pull. The state keeps each listed event's timestamp. An event uuid that is not a UUID is a problem,
 * never a path: a manifest cannot make the feed fetch anything outside its folder.
 */
final class MispFeed implements FeedSource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final FeedSettings feed;
    private final FeedHttp http;

    MispFeed(FeedSettings feed, FeedHttp http) {
        this.feed = feed;
        this.http = http;
    }

    @Override
    public ObjectNode pull(ObjectNode state, AdapterDefaults defaults, Consumer<ParsedRecord> out)
            throws IOException, InterruptedException {
        URI manifestUri = feed.url().resolve("manifest.json");
        FeedHttp.Response r = http.get(manifestUri, Map.of("Accept", "application/json"));
        if (r.status() != 200) {
            throw new IOException(
                    "GET " + manifestUri + " answered " + r.status() + ": " + TaxiiCollectionFeed.abbreviate(r.text()));
        }
        JsonNode manifest = JSON.readTree(r.body());
        if (manifest == null || !manifest.isObject()) {
            throw new IOException(manifestUri + " is not a MISP feed manifest (a JSON object of events by uuid)");
        }
        JsonNode seen = state.path("events");
        ObjectNode kept = JSON.createObjectNode();
        ObjectNode events = kept.putObject("events");
        List<String> uuids = new ArrayList<>();
        Iterator<String> names = manifest.fieldNames();
        while (names.hasNext()) {
            uuids.add(names.next());
        }
        for (String uuid : uuids) {
            String where = feed.name() + " manifest.json#" + uuid;
            if (!UUID.matcher(uuid).matches()) {
                out.accept(new ParsedRecord.Problem(
                        where,
                        "NOT_A_UUID",
                        "the manifest names an event '" + abbreviate(uuid)
                                + "' that is not a UUID; it is not fetched"));
                continue;
            }
            long timestamp = manifest.path(uuid).path("timestamp").asLong(0);
            long before = seen.path(uuid).asLong(-1);
            if (before >= timestamp && before >= 0) {
                events.put(uuid, before);
                continue;
            }
            URI eventUri = feed.url().resolve(uuid.toLowerCase(java.util.Locale.ROOT) + ".json");
            FeedHttp.Response event = http.get(eventUri, Map.of("Accept", "application/json"));
            if (event.status() != 200) {
                throw new IOException("GET " + eventUri + " answered " + event.status());
            }
            InputAdapters.forFormat(InputFormat.MISP)
                    .read(new StringReader(event.text()), feed.name() + " " + uuid + ".json", defaults, out);
            events.put(uuid, timestamp);
        }
        return kept;
    }

    private static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
