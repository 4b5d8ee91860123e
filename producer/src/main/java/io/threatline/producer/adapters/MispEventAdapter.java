package io.threatline.producer.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import io.threatline.contract.IndicatorType;
import java.io.IOException;
import java.io.Reader;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads MISP events as MISP exports them: {@code {"Event": {...}}}, a bare event, {@code
 * {"response": [{"Event": ...}, ...]}} or a JSON array of events. Every attribute in {@code
 * Event.Attribute[]} and {@code Event.Object[].Attribute[]} becomes an event or a problem located
 * at {@code <source>#<attribute uuid>}.
 *
 * <p>Attribute types:
 * <table>
 *   <caption>MISP attribute type to indicator type</caption>
 *   <tr><th>MISP type</th><th>event</th></tr>
 *   <tr><td>ip-src, ip-dst</td><td>IPV4 or IPV6 by shape (CIDR kept)</td></tr>
 *   <tr><td>ip-src|port, ip-dst|port</td><td>the IP</td></tr>
 *   <tr><td>domain, hostname</td><td>DOMAIN</td></tr>
 *   <tr><td>hostname|port</td><td>DOMAIN, the host name</td></tr>
 *   <tr><td>domain|ip</td><td>two events: DOMAIN and the IP</td></tr>
 *   <tr><td>url</td><td>URL</td></tr>
 *   <tr><td>md5, sha1, sha256</td><td>MD5, SHA1, SHA256</td></tr>
 *   <tr><td>filename|md5, filename|sha1, filename|sha256</td><td>the hash</td></tr>
 *   <tr><td>email, email-src, email-dst</td><td>EMAIL</td></tr>
 * </table>
 * Other types, including {@code link} and {@code uri} (references and paths rather than
 * indicators), are reported as {@code UNSUPPORTED_ATTRIBUTE}.
 *
 * <p>Skipped attributes are reported, never dropped silently, so an operator can see why a MISP
 * event published fewer indicators than it has attributes: {@code to_ids: false} (the analyst said
 * "not for detection") is {@code NOT_FOR_IDS}; {@code deleted: true} (or an attribute of a deleted
 * object) is {@code DELETED_ATTRIBUTE}. An absent {@code to_ids} counts as true.
 *
 * <p>Other fields: TLP from the attribute's {@code tlp:*} tags, else the event's, else the default;
 * families, campaign, confidence and tags from attribute and event tags and galaxies (see {@link
 * MispTags}); observedAt from the attribute {@code timestamp} (epoch seconds, string or number), else
 * the event {@code timestamp}, else the event {@code date}; vendor from {@code Event.Orgc.name}.
 * {@code Event.info} is a title, not a campaign, and is not used.
 *
 * <p>Other problem codes: {@code MALFORMED_JSON}, {@code NOT_A_MISP_EVENT}, {@code MISSING_VALUE},
 * {@code BAD_VALUE} (a composite value without its {@code |}), {@code BAD_TIMESTAMP}.
 */
public final class MispEventAdapter implements InputAdapter {

    @Override
    public InputFormat format() {
        return InputFormat.MISP;
    }

    @Override
    public void read(Reader input, String sourceName, AdapterDefaults defaults, Consumer<ParsedRecord> out)
            throws IOException {
        Optional<JsonNode> document = JsonDocuments.readDocument(input, sourceName, out);
        if (document.isEmpty()) {
            return;
        }
        List<JsonNode> events = events(document.get());
        if (events.isEmpty()) {
            out.accept(new ParsedRecord.Problem(
                    sourceName + ":1",
                    "NOT_A_MISP_EVENT",
                    "no MISP event found (expected {\"Event\": ...}, a bare event or {\"response\": [...]})"));
            return;
        }
        for (int e = 0; e < events.size(); e++) {
            readEvent(events.get(e), "Event[" + e + "]", sourceName, defaults, out);
        }
    }

    private static List<JsonNode> events(JsonNode root) {
        List<JsonNode> events = new ArrayList<>();
        if (root.isArray()) {
            for (JsonNode item : root) {
                addEvent(item, events);
            }
        } else if (root.isObject() && root.path("response").isArray()) {
            for (JsonNode item : root.path("response")) {
                addEvent(item, events);
            }
        } else {
            addEvent(root, events);
        }
        return events;
    }

    private static void addEvent(JsonNode node, List<JsonNode> events) {
        if (node.path("Event").isObject()) {
            events.add(node.path("Event"));
        } else if (node.isObject() && (node.has("Attribute") || node.has("Object"))) {
            events.add(node);
        }
    }

    private static void readEvent(
            JsonNode event, String eventPath, String sourceName, AdapterDefaults defaults, Consumer<ParsedRecord> out) {
        String eventUuid = JsonDocuments.text(event, "uuid");
        String eventLocation = sourceName + "#" + (eventUuid != null ? eventUuid : eventPath);
        EventContext ctx = new EventContext();
        ctx.tags = MispTags.of(event);
        String org = JsonDocuments.text(event.path("Orgc"), "name");
        ctx.vendor = org != null && !org.isBlank() ? org.strip() : defaults.vendor();
        ctx.observedAt = defaults.observedAt();
        String timestamp = JsonDocuments.text(event, "timestamp");
        String date = JsonDocuments.text(event, "date");
        Optional<Instant> eventTime = timestamp != null ? epochSeconds(timestamp) : Optional.empty();
        if (eventTime.isEmpty() && date != null) {
            eventTime = day(date);
        }
        if (eventTime.isPresent()) {
            ctx.observedAt = eventTime.get();
        } else if (timestamp != null || date != null) {
            // Reported once for the event; its attributes still go out with their own timestamps.
            out.accept(new ParsedRecord.Problem(
                    eventLocation,
                    "BAD_TIMESTAMP",
                    "event timestamp " + FieldValues.quote(timestamp) + " / date " + FieldValues.quote(date)
                            + " is not usable"));
        }

        int a = 0;
        for (JsonNode attribute : JsonDocuments.array(event, "Attribute")) {
            readAttribute(attribute, eventPath + ".Attribute[" + a++ + "]", false, sourceName, defaults, ctx, out);
        }
        int o = 0;
        for (JsonNode object : JsonDocuments.array(event, "Object")) {
            boolean objectDeleted = truthy(object.get("deleted"), false);
            int oa = 0;
            for (JsonNode attribute : JsonDocuments.array(object, "Attribute")) {
                String path = eventPath + ".Object[" + o + "].Attribute[" + oa++ + "]";
                readAttribute(attribute, path, objectDeleted, sourceName, defaults, ctx, out);
            }
            o++;
        }
    }

    private static void readAttribute(
            JsonNode attribute,
            String path,
            boolean objectDeleted,
            String sourceName,
            AdapterDefaults defaults,
            EventContext ctx,
            Consumer<ParsedRecord> out) {
        String uuid = JsonDocuments.text(attribute, "uuid");
        String location = sourceName + "#" + (uuid != null && !uuid.isBlank() ? uuid : path);
        String type = JsonDocuments.text(attribute, "type");
        String value = JsonDocuments.text(attribute, "value");
        String named = "attribute " + (uuid != null ? uuid : path) + " (" + type + " " + FieldValues.quote(value) + ")";
        if (objectDeleted || truthy(attribute.get("deleted"), false)) {
            out.accept(new ParsedRecord.Problem(
                    location, "DELETED_ATTRIBUTE", named + " is deleted" + (objectDeleted ? " with its object" : "")));
            return;
        }
        if (!truthy(attribute.get("to_ids"), true)) {
            out.accept(new ParsedRecord.Problem(location, "NOT_FOR_IDS", named + " has to_ids false"));
            return;
        }
        if (value == null || value.isBlank()) {
            out.accept(new ParsedRecord.Problem(location, "MISSING_VALUE", named + " has no value"));
            return;
        }
        List<Indicator> indicators;
        try {
            indicators = indicators(type == null ? "" : type, value.strip());
        } catch (IllegalArgumentException e) {
            out.accept(new ParsedRecord.Problem(location, "BAD_VALUE", named + ": " + e.getMessage()));
            return;
        }
        if (indicators == null) {
            out.accept(new ParsedRecord.Problem(
                    location,
                    "UNSUPPORTED_ATTRIBUTE",
                    "attribute " + (uuid != null ? uuid : path) + " has type " + FieldValues.quote(type)
                            + ", which names no supported indicator"));
            return;
        }

        EventDraft draft = new EventDraft(defaults);
        draft.vendor = ctx.vendor;
        draft.observedAt = ctx.observedAt;
        String timestamp = JsonDocuments.text(attribute, "timestamp");
        if (timestamp != null) {
            Optional<Instant> at = epochSeconds(timestamp);
            if (at.isEmpty()) {
                out.accept(new ParsedRecord.Problem(
                        location,
                        "BAD_TIMESTAMP",
                        named + ": timestamp " + FieldValues.quote(timestamp) + " is not epoch seconds"));
                return;
            }
            draft.observedAt = at.get();
        }
        MispTags own = MispTags.of(attribute);
        // The attribute's own TLP replaces the event's: analysts mark single attributes up or down.
        draft.tlp = own.tlp != null ? own.tlp : ctx.tags.tlp != null ? ctx.tags.tlp : defaults.tlp();
        draft.families.addAll(own.families);
        draft.families.addAll(ctx.tags.families);
        draft.campaign = own.campaign != null ? own.campaign : ctx.tags.campaign;
        Integer confidence = own.confidence != null ? own.confidence : ctx.tags.confidence;
        if (confidence != null) {
            draft.confidence = confidence;
        }
        draft.tags.addAll(own.tags);
        draft.tags.addAll(ctx.tags.tags);
        for (Indicator i : indicators) {
            out.accept(draft.toEvent(sourceName, location, i.type, i.value));
        }
    }

    private record Indicator(IndicatorType type, String value) {}

    /** The indicators an attribute names, or null when its type names none we publish. */
    private static List<Indicator> indicators(String type, String value) {
        switch (type) {
            case "ip-src":
            case "ip-dst":
                return List.of(new Indicator(FieldValues.ipType(value), value));
            case "ip-src|port":
            case "ip-dst|port": {
                String ip = before(value, type);
                return List.of(new Indicator(FieldValues.ipType(ip), ip));
            }
            case "domain":
            case "hostname":
                return List.of(new Indicator(IndicatorType.DOMAIN, value));
            case "hostname|port":
                return List.of(new Indicator(IndicatorType.DOMAIN, before(value, type)));
            case "domain|ip": {
                int bar = bar(value, type, value.indexOf('|'));
                String domain = nonEmpty(value.substring(0, bar), type);
                String ip = nonEmpty(value.substring(bar + 1), type);
                return List.of(new Indicator(IndicatorType.DOMAIN, domain), new Indicator(FieldValues.ipType(ip), ip));
            }
            case "url":
                return List.of(new Indicator(IndicatorType.URL, value));
            case "md5":
                return List.of(new Indicator(IndicatorType.MD5, value));
            case "sha1":
                return List.of(new Indicator(IndicatorType.SHA1, value));
            case "sha256":
                return List.of(new Indicator(IndicatorType.SHA256, value));
            case "filename|md5":
                return List.of(new Indicator(IndicatorType.MD5, after(value, type)));
            case "filename|sha1":
                return List.of(new Indicator(IndicatorType.SHA1, after(value, type)));
            case "filename|sha256":
                return List.of(new Indicator(IndicatorType.SHA256, after(value, type)));
            case "email":
            case "email-src":
            case "email-dst":
                return List.of(new Indicator(IndicatorType.EMAIL, value));
            default:
                return null;
        }
    }

    /** The part before the last {@code |}: ports never contain one, IPv6 addresses have colons, not bars. */
    private static String before(String value, String type) {
        return nonEmpty(value.substring(0, bar(value, type, value.lastIndexOf('|'))), type);
    }

    /** The part after the last {@code |}: a file name may contain one, a hash cannot. */
    private static String after(String value, String type) {
        return nonEmpty(value.substring(bar(value, type, value.lastIndexOf('|')) + 1), type);
    }

    private static int bar(String value, String type, int at) {
        if (at < 0) {
            throw new IllegalArgumentException("a " + type + " value must have two parts separated by '|'");
        }
        return at;
    }

    private static String nonEmpty(String part, String type) {
        if (part.isBlank()) {
            throw new IllegalArgumentException("a part of the " + type + " value is empty");
        }
        return part.strip();
    }

    /** MISP writes flags as JSON booleans, or as "0"/"1" strings and numbers in older exports. */
    private static boolean truthy(JsonNode flag, boolean absent) {
        if (flag == null || flag.isNull()) {
            return absent;
        }
        if (flag.isBoolean()) {
            return flag.asBoolean();
        }
        String s = flag.asText().strip();
        return s.equals("1") || s.equalsIgnoreCase("true");
    }

    private static Optional<Instant> epochSeconds(String raw) {
        String s = raw.strip();
        if (s.isEmpty() || s.length() > 12 || !s.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        return Optional.of(Instant.ofEpochSecond(Long.parseLong(s)));
    }

    private static Optional<Instant> day(String raw) {
        try {
            Instant at =
                    LocalDate.parse(raw.strip()).atStartOfDay(ZoneOffset.UTC).toInstant();
            at.toEpochMilli(); // the schema stores milliseconds: a year such as +999999999 would fail only when sent
            return Optional.of(at);
        } catch (DateTimeParseException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    /** What an event contributes to each of its attributes. */
    private static final class EventContext {
        MispTags tags;
        String vendor;
        Instant observedAt;
    }
}
