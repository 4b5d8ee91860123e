package io.threatline.producer.feeds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.threatline.contract.Tlp;
import io.threatline.schemas.config.DocumentLines;
import io.threatline.schemas.tlp.Tlp2;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The feeds file of {@code threatline pull} (docs/sharing-back.md, "External feeds"): YAML, a list
 * {@code feeds} of feeds. Every problem names the file, the line and the field
 * ({@link FeedFileException}); a file with one bad feed starts none.
 *
 * <pre>
 * feeds:
 *   - name: example-taxii            # required: 1-63 of a-z, 0-9, '-'; unique in the file
 *     kind: taxii                    # required: taxii, misp, csv or jsonl
 *     url: https://taxii.example.org/api1/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/
 *     vendor: example-cti            # required: its events are this vendor's (its own topic)
 *     interval: PT15M                # optional, default PT1H, at least PT1M
 *     username: threatline           # optional: HTTP Basic
 *     password: secret:feeds/example # with username; a reference, never the password itself
 *     ca_file: /etc/threatline/feeds/example-ca.pem        # optional: trust this CA (PEM)
 *     client_keystore: /etc/threatline/feeds/client.p12    # optional: a client certificate (PKCS12)
 *     client_keystore_password: secret:feeds/client-p12
 *     tlp: TLP:AMBER                 # optional, default TLP:AMBER: for what the feed does not mark
 *     confidence: 50                 # optional, default 50: for what the feed does not say
 *     page_size: 500                 # optional, TAXII only, default 500
 *     max_bytes: 16777216            # optional, default 16 MiB: the largest document read
 *     columns:                       # CSV only, optional: Threatline's column: the feed's column
 *       value: ioc
 *       type: ioc_type
 * </pre>
 */
public final class FeedFile {

    private static final Set<String> FIELDS = Set.of(
            "name",
            "kind",
            "url",
            "vendor",
            "interval",
            "username",
            "password",
            "ca_file",
            "client_keystore",
            "client_keystore_password",
            "tlp",
            "confidence",
            "page_size",
            "max_bytes",
            "columns");
    private static final Set<String> CSV_COLUMNS = Set.of(
            "value",
            "type",
            "observed_at",
            "vendor",
            "sensor_id",
            "confidence",
            "tlp",
            "malware_families",
            "campaign",
            "tags",
            "kill_chain_phase",
            "retraction",
            "retraction_reason",
            "event_id");
    private static final Pattern REFERENCE = Pattern.compile("secret:\\S+|\\$\\{THREATLINE_SECRET_[A-Z0-9_]+}");
    private static final Duration MIN_INTERVAL = Duration.ofMinutes(1);

    private FeedFile() {}

    public static List<FeedSettings> load(Path file) {
        String content;
        try {
            content = Files.readString(file);
        } catch (IOException e) {
            throw new FeedFileException(file.toString(), 0, null, "cannot be read: " + e.getMessage());
        }
        return parse(content, file.toString());
    }

    public static List<FeedSettings> parse(String content, String source) {
        YAMLFactory yaml = new YAMLFactory();
        Map<String, Integer> lines = new HashMap<>();
        JsonNode root;
        try {
            int second = DocumentLines.record(yaml, content, lines);
            if (second > 0) {
                throw new FeedFileException(source, second, null, "more than one document; one feeds file per file");
            }
            root = new ObjectMapper(yaml).readTree(content);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new FeedFileException(source, line, null, "not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new FeedFileException(source, 0, null, "cannot be read: " + e.getMessage());
        }
        Reader reader = new Reader(source, lines);
        if (root == null || !root.isObject() || !root.path("feeds").isArray()) {
            throw new FeedFileException(source, 1, "feeds", "the file must have a list 'feeds'");
        }
        Iterator<String> top = root.fieldNames();
        while (top.hasNext()) {
            String name = top.next();
            if (!name.equals("feeds")) {
                throw reader.error("/" + name, name, "unknown field; the file has 'feeds' only");
            }
        }
        List<FeedSettings> feeds = new ArrayList<>();
        Set<String> names = new HashSet<>();
        JsonNode list = root.path("feeds");
        for (int i = 0; i < list.size(); i++) {
            FeedSettings feed = reader.feed(list.get(i), "/feeds/" + i);
            if (!names.add(feed.name())) {
                throw reader.error("/feeds/" + i + "/name", "name", "feed '" + feed.name() + "' is named twice");
            }
            feeds.add(feed);
        }
        if (feeds.isEmpty()) {
            throw new FeedFileException(source, lines.getOrDefault("/feeds", 1), "feeds", "no feeds");
        }
        return List.copyOf(feeds);
    }

    private record Reader(String source, Map<String, Integer> lines) {

        FeedFileException error(String pointer, String field, String message) {
            return new FeedFileException(source, lines.getOrDefault(pointer, 0), field, message);
        }

        FeedSettings feed(JsonNode node, String at) {
            if (!node.isObject()) {
                throw error(at, null, "a feed must be a map of settings");
            }
            Iterator<String> fields = node.fieldNames();
            while (fields.hasNext()) {
                String f = fields.next();
                if (!FIELDS.contains(f)) {
                    throw error(at + "/" + f, f, "unknown field; known: " + new java.util.TreeSet<>(FIELDS));
                }
            }
            String name = text(node, at, "name", true);
            if (!ThreatlineTopics.isPartnerId(name)) {
                throw error(at + "/name", "name", "'" + name + "' must be 1-63 of a-z, 0-9 and '-'");
            }
            String kindText = text(node, at, "kind", true);
            FeedKind kind;
            try {
                kind = FeedKind.valueOf(kindText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw error(at + "/kind", "kind", "'" + kindText + "' is not taxii, misp, csv or jsonl");
            }
            String urlText = text(node, at, "url", true);
            URI url;
            try {
                url = new URI(urlText);
            } catch (URISyntaxException e) {
                throw error(at + "/url", "url", "'" + urlText + "' is not a URL");
            }
            if (!"https".equalsIgnoreCase(url.getScheme()) && !"http".equalsIgnoreCase(url.getScheme())) {
                throw error(at + "/url", "url", "must be an https (or, locally, http) URL, was '" + urlText + "'");
            }
            if (url.getUserInfo() != null) {
                throw error(at + "/url", "url", "must not carry credentials; use username and password");
            }
            if ((kind == FeedKind.TAXII || kind == FeedKind.MISP) && !urlText.endsWith("/")) {
                url = URI.create(urlText + "/");
            }
            String vendor = text(node, at, "vendor", true);
            if (!ThreatlineTopics.isPartnerId(vendor)) {
                throw error(at + "/vendor", "vendor", "'" + vendor + "' must be 1-63 of a-z, 0-9 and '-'");
            }
            Duration interval = Duration.ofHours(1);
            String intervalText = text(node, at, "interval", false);
            if (intervalText != null) {
                try {
                    interval = Duration.parse(intervalText);
                } catch (DateTimeParseException e) {
                    throw error(at + "/interval", "interval", "'" + intervalText + "' is not a duration such as PT15M");
                }
                if (interval.compareTo(MIN_INTERVAL) < 0) {
                    throw error(at + "/interval", "interval", "must be at least PT1M, was " + intervalText);
                }
            }
            String username = text(node, at, "username", false);
            String password = reference(node, at, "password");
            if ((username == null) != (password == null)) {
                throw error(
                        at + "/" + (username == null ? "password" : "username"),
                        "username",
                        "username and password go together");
            }
            String keystore = text(node, at, "client_keystore", false);
            String keystorePassword = reference(node, at, "client_keystore_password");
            if ((keystore == null) != (keystorePassword == null)) {
                throw error(
                        at + "/client_keystore",
                        "client_keystore",
                        "client_keystore and client_keystore_password go together");
            }
            String ca = text(node, at, "ca_file", false);
            boolean local = Set.of("localhost", "127.0.0.1", "[::1]").contains(String.valueOf(url.getHost()));
            if ((username != null || keystore != null) && !"https".equalsIgnoreCase(url.getScheme()) && !local) {
                throw error(at + "/url", "url", "credentials go over https only (plain http is for this machine)");
            }
            Tlp tlp = Tlp.AMBER;
            String tlpText = text(node, at, "tlp", false);
            if (tlpText != null) {
                tlp = Tlp2.parse(tlpText)
                        .orElseThrow(() -> error(at + "/tlp", "tlp", "'" + tlpText + "' is not a TLP 2.0 label"));
            }
            int confidence = integer(node, at, "confidence", 50, 0, 100);
            int pageSize = integer(node, at, "page_size", 500, 1, 10_000);
            long maxBytes = integer(node, at, "max_bytes", 16 * 1024 * 1024, 1024, 256 * 1024 * 1024);
            Map<String, String> columns = new LinkedHashMap<>();
            JsonNode cols = node.path("columns");
            if (!cols.isMissingNode()) {
                if (kind != FeedKind.CSV) {
                    throw error(at + "/columns", "columns", "only a csv feed maps columns");
                }
                if (!cols.isObject()) {
                    throw error(at + "/columns", "columns", "must map Threatline's column names to the feed's");
                }
                Iterator<Map.Entry<String, JsonNode>> it = cols.fields();
                while (it.hasNext()) {
                    var e = it.next();
                    if (!CSV_COLUMNS.contains(e.getKey())) {
                        throw error(
                                at + "/columns/" + e.getKey(),
                                "columns." + e.getKey(),
                                "not a column Threatline reads; known: " + new java.util.TreeSet<>(CSV_COLUMNS));
                    }
                    if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
                        throw error(
                                at + "/columns/" + e.getKey(), "columns." + e.getKey(), "must name the feed's column");
                    }
                    columns.put(e.getKey(), e.getValue().asText());
                }
            }
            return new FeedSettings(
                    name,
                    kind,
                    url,
                    vendor,
                    interval,
                    username,
                    password,
                    ca == null ? null : Path.of(ca),
                    keystore == null ? null : Path.of(keystore),
                    keystorePassword,
                    columns,
                    tlp,
                    confidence,
                    pageSize,
                    maxBytes);
        }

        String text(JsonNode node, String at, String field, boolean required) {
            JsonNode v = node.path(field);
            if (v.isMissingNode() || v.isNull()) {
                if (required) {
                    throw error(at, field, "missing; required");
                }
                return null;
            }
            if (!v.isValueNode() || v.asText().isBlank()) {
                throw error(at + "/" + field, field, "must be a non-empty value");
            }
            return v.asText().strip();
        }

        String reference(JsonNode node, String at, String field) {
            String value = text(node, at, field, false);
            if (value != null && !REFERENCE.matcher(value).matches()) {
                throw error(
                        at + "/" + field,
                        field,
                        "must be a secret reference (secret:<name> or ${THREATLINE_SECRET_...}), never the secret itself");
            }
            return value;
        }

        int integer(JsonNode node, String at, String field, int dflt, int min, int max) {
            JsonNode v = node.path(field);
            if (v.isMissingNode()) {
                return dflt;
            }
            if (!v.isInt()) {
                throw error(at + "/" + field, field, "must be a whole number");
            }
            int n = v.asInt();
            if (n < min || n > max) {
                throw error(at + "/" + field, field, "must be " + min + " to " + max + ", was " + n);
            }
            return n;
        }
    }
}
