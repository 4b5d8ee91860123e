package io.threatline.producer.adapters;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.threatline.contract.IndicatorType;
import io.threatline.schemas.identity.IndicatorIdentity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Reads JSON Lines: one JSON object per line, with the field names of {@code ThreatEvent}:
 * {@code indicatorValue} (required), {@code indicatorType} (enum name, any case; detected from the
 * value when absent), {@code observedAt} (ISO-8601 instant string, or epoch milliseconds as a number
 * or digit string), {@code vendor}, {@code sensorId}, {@code confidence} (integer 0..100), {@code tlp}
 * (CLEAR, WHITE, GREEN, AMBER, AMBER_STRICT or amber+strict, RED), {@code malwareFamilies} and
 * {@code tags} (arrays of strings), {@code campaign}, {@code killChainPhase}, {@code retraction}
 * (boolean), {@code retractionReason}, and {@code eventId} (a UUID; derived from the record when
 * absent). A missing or null field takes the default; unknown fields are ignored so that newer
 * writers can add fields.
 *
 * <p>Blank lines are skipped. Every other line yields exactly one record: an event, or one problem
 * at {@code <source>:<line>} with the code of the first bad field and a message naming each bad
 * field. Codes: {@code MALFORMED_JSON}, {@code NOT_AN_OBJECT}, {@code MISSING_VALUE}, {@code
 * UNKNOWN_TYPE}, {@code TYPE_NOT_DETECTED}, {@code BAD_TIMESTAMP}, {@code BAD_CONFIDENCE}, {@code
 * BAD_TLP}, {@code BAD_KILL_CHAIN_PHASE}, {@code BAD_RETRACTION}, {@code BAD_EVENT_ID}, {@code
 * BAD_FIELD} (a field of the wrong JSON type).
 */
public final class JsonLinesAdapter implements InputAdapter {

    @Override
    public InputFormat format() {
        return InputFormat.JSONL;
    }

    @Override
    public void read(Reader input, String sourceName, AdapterDefaults defaults, Consumer<ParsedRecord> out)
            throws IOException {
        BufferedReader lines = input instanceof BufferedReader b ? b : new BufferedReader(input);
        int lineNo = 0;
        String line;
        while ((line = lines.readLine()) != null) {
            lineNo++;
            if (lineNo == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isBlank()) {
                continue;
            }
            out.accept(record(line, sourceName, sourceName + ":" + lineNo, defaults));
        }
    }

    private static ParsedRecord record(String line, String sourceName, String location, AdapterDefaults defaults) {
        JsonNode node;
        try {
            node = JsonDocuments.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            // The line number is ours: Jackson only knows the line's text. Its column is still useful.
            int column = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
            return new ParsedRecord.Problem(
                    location,
                    "MALFORMED_JSON",
                    "not valid JSON" + (column > 0 ? " (column " + column + ")" : "") + ": " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            return new ParsedRecord.Problem(
                    location,
                    "NOT_AN_OBJECT",
                    "the line is JSON but not an object: " + FieldValues.quote(line.strip()));
        }
        Fields f = new Fields(node);
        EventDraft draft = new EventDraft(defaults);

        String value = f.string("indicatorValue");
        if (f.absent("indicatorValue") || (value != null && value.isBlank())) {
            f.error("MISSING_VALUE", "indicatorValue is missing or empty");
        }
        IndicatorType type = null;
        String typeName = f.string("indicatorType");
        if (typeName != null && !typeName.isBlank()) {
            type = FieldValues.indicatorType(typeName).orElse(null);
            if (type == null) {
                f.error("UNKNOWN_TYPE", "indicatorType " + FieldValues.quote(typeName) + " is not a known type");
            }
        } else if (value != null && !value.isBlank() && (typeName != null || f.absent("indicatorType"))) {
            // Absent, null or "": the line does not say, so guess from the shape as CSV does.
            type = IndicatorIdentity.detectType(value).orElse(null);
            if (type == null) {
                f.error(
                        "TYPE_NOT_DETECTED",
                        "indicatorType is absent and indicatorValue " + FieldValues.quote(value)
                                + " does not look like any indicator type");
            }
        }
        JsonNode observed = node.get("observedAt");
        if (observed != null && !observed.isNull()) {
            Optional<Instant> at = observed.isIntegralNumber() && observed.canConvertToLong()
                    ? FieldValues.instant(Long.toString(observed.asLong()))
                    : observed.isTextual() ? FieldValues.instant(observed.asText()) : Optional.empty();
            at.ifPresentOrElse(
                    t -> draft.observedAt = t,
                    () -> f.error(
                            "BAD_TIMESTAMP",
                            "observedAt " + observed + " is neither an ISO-8601 instant nor epoch milliseconds"));
        }
        JsonNode confidence = node.get("confidence");
        if (confidence != null && !confidence.isNull()) {
            // canConvertToLong first: asLong() of 18446744073709551666 is 50, a bad value turned into another.
            if (confidence.isIntegralNumber()
                    && confidence.canConvertToLong()
                    && confidence.asLong() >= 0
                    && confidence.asLong() <= 100) {
                draft.confidence = confidence.asInt();
            } else {
                f.error("BAD_CONFIDENCE", "confidence " + confidence + " is not an integer 0..100");
            }
        }
        String tlp = f.string("tlp");
        if (tlp != null) {
            FieldValues.tlp(tlp)
                    .ifPresentOrElse(
                            t -> draft.tlp = t,
                            () -> f.error(
                                    "BAD_TLP",
                                    "tlp " + FieldValues.quote(tlp)
                                            + " is not one of CLEAR, GREEN, AMBER, AMBER_STRICT, RED"));
        }
        String phase = f.string("killChainPhase");
        if (phase != null) {
            FieldValues.killChainPhase(phase)
                    .ifPresentOrElse(
                            p -> draft.killChainPhase = p,
                            () -> f.error(
                                    "BAD_KILL_CHAIN_PHASE",
                                    "killChainPhase " + FieldValues.quote(phase)
                                            + " is not a Lockheed Martin kill-chain phase"));
        }
        JsonNode retraction = node.get("retraction");
        if (retraction != null && !retraction.isNull()) {
            if (retraction.isBoolean()) {
                draft.retraction = retraction.asBoolean();
            } else {
                f.error("BAD_RETRACTION", "retraction " + retraction + " is not true or false");
            }
        }
        String eventId = f.string("eventId");
        if (eventId != null) {
            try {
                draft.eventId = UUID.fromString(eventId.strip()).toString();
            } catch (IllegalArgumentException e) {
                f.error("BAD_EVENT_ID", "eventId " + FieldValues.quote(eventId) + " is not a UUID");
            }
        }
        String vendor = f.string("vendor");
        if (vendor != null && !vendor.isBlank()) {
            draft.vendor = vendor.strip();
        }
        String sensor = f.string("sensorId");
        if (sensor != null && !sensor.isBlank()) {
            draft.sensorId = sensor.strip();
        }
        String campaign = f.string("campaign");
        draft.campaign = campaign == null || campaign.isBlank() ? null : campaign.strip();
        String reason = f.string("retractionReason");
        draft.retractionReason = reason == null || reason.isBlank() ? null : reason.strip();
        draft.families.addAll(f.strings("malwareFamilies"));
        draft.tags.addAll(f.strings("tags"));

        if (f.code == null && (type == null || value == null)) {
            f.error("MISSING_VALUE", "indicatorValue or indicatorType is unusable"); // not reachable; never throw
        }
        if (f.code != null) {
            return new ParsedRecord.Problem(location, f.code, String.join("; ", f.messages));
        }
        return draft.toEvent(sourceName, location, type, value);
    }

    /** Typed access to one line's members, collecting wrong JSON types as BAD_FIELD. */
    private static final class Fields {
        final JsonNode node;
        String code;
        final List<String> messages = new ArrayList<>();

        Fields(JsonNode node) {
            this.node = node;
        }

        void error(String code, String message) {
            if (this.code == null) {
                this.code = code;
            }
            messages.add(message);
        }

        boolean absent(String field) {
            JsonNode v = node.get(field);
            return v == null || v.isNull();
        }

        /** A string member; null when absent, and an error (then null) when not a string. */
        String string(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                error("BAD_FIELD", field + " " + v + " is not a string");
                return null;
            }
            return v.asText();
        }

        /** An array of strings; a lone string is taken as a one-item list, anything else is an error. */
        List<String> strings(String field) {
            JsonNode v = node.get(field);
            List<String> out = new ArrayList<>();
            if (v == null || v.isNull()) {
                return out;
            }
            if (v.isTextual()) {
                v = JsonDocuments.MAPPER.createArrayNode().add(v);
            }
            if (!v.isArray()) {
                error("BAD_FIELD", field + " " + v + " is not an array of strings");
                return out;
            }
            for (JsonNode item : v) {
                if (!item.isTextual()) {
                    error("BAD_FIELD", field + " has a non-string item " + item);
                    return List.of();
                }
                if (!item.asText().isBlank()) {
                    out.add(item.asText().strip());
                }
            }
            return out;
        }
    }
}
