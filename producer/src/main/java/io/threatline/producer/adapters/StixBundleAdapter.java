package io.threatline.producer.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import io.threatline.contract.KillChainPhase;
import io.threatline.contract.Tlp;
import io.threatline.schemas.stix.StixPattern;
import java.io.IOException;
import java.io.Reader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads a STIX 2.1 bundle: one event per equality comparison in the pattern of each {@code
 * indicator} (see {@link StixPattern} for what patterns are accepted).
 *
 * <p>The bundle is read as a whole before any event is emitted, because what an indicator means
 * depends on objects that may come after it (its markings, its creator, the relationships to its
 * malware). For the same reason a truncated or otherwise malformed bundle yields a single {@code
 * MALFORMED_JSON} problem and no events: a half-read bundle could lose a TLP marking and publish an
 * indicator under the more permissive default.
 *
 * <p>Per indicator:
 * <ul>
 *   <li>location {@code <source>#<indicator id>}; vendor the {@code name} of the {@code identity}
 *       that {@code created_by_ref} points to, when the bundle has it;
 *   <li>TLP from {@code object_marking_refs}: the predefined TLP 1.0 and TLP 2.0 ids ({@link
 *       StixTlpMarkings}) or TLP marking-definitions in the bundle; the most restrictive wins;
 *   <li>malware families: the {@code name} of each {@code malware} the indicator {@code indicates}
 *       (aliases are left to the hub); campaign: the name of a {@code campaign} it indicates or is
 *       {@code attributed-to}; revoked relationships are ignored;
 *   <li>observedAt {@code valid_from}, else {@code created}; {@code confidence}; {@code labels} as
 *       tags; the Lockheed Martin {@code kill_chain_phases} entry as the kill-chain phase;
 *   <li>{@code revoked: true} makes a retraction ("revoked in STIX").
 * </ul>
 *
 * <p>Problem codes: {@code MALFORMED_JSON}, {@code NOT_A_BUNDLE}, {@code NOT_AN_OBJECT}, {@code
 * MISSING_PATTERN}, {@code UNSUPPORTED_PATTERN} (also for a pattern_type other than stix), {@code
 * MALFORMED_PATTERN}, {@code BAD_TIMESTAMP}, {@code BAD_CONFIDENCE}. Objects of other types are
 * context and are never reported.
 */
public final class StixBundleAdapter implements InputAdapter {

    static final String LOCKHEED_KILL_CHAIN = "lockheed-martin-cyber-kill-chain";

    @Override
    public InputFormat format() {
        return InputFormat.STIX;
    }

    @Override
    public void read(Reader input, String sourceName, AdapterDefaults defaults, Consumer<ParsedRecord> out)
            throws IOException {
        Optional<JsonNode> document = JsonDocuments.readDocument(input, sourceName, out);
        if (document.isEmpty()) {
            return;
        }
        JsonNode root = document.get();
        if (!root.isObject() || !"bundle".equals(root.path("type").asText())) {
            out.accept(new ParsedRecord.Problem(
                    sourceName + ":1",
                    "NOT_A_BUNDLE",
                    "the document is not a STIX bundle (no top-level \"type\": \"bundle\")"));
            return;
        }
        JsonNode objects = root.path("objects");
        if (!objects.isMissingNode() && !objects.isArray()) {
            out.accept(new ParsedRecord.Problem(sourceName + ":1", "NOT_A_BUNDLE", "\"objects\" is not an array"));
            return;
        }
        Context context = Context.of(objects);
        int index = 0;
        for (JsonNode object : objects) {
            if (!object.isObject()) {
                out.accept(new ParsedRecord.Problem(
                        sourceName + "#objects[" + index + "]",
                        "NOT_AN_OBJECT",
                        "bundle entry " + index + " is not a JSON object"));
            } else if ("indicator".equals(object.path("type").asText())) {
                String id = object.path("id").asText("");
                String location = sourceName + "#" + (id.isEmpty() ? "objects[" + index + "]" : id);
                readIndicator(object, location, sourceName, defaults, context, out);
            }
            index++;
        }
    }

    private static void readIndicator(
            JsonNode indicator,
            String location,
            String sourceName,
            AdapterDefaults defaults,
            Context context,
            Consumer<ParsedRecord> out) {
        String patternType = indicator.path("pattern_type").asText("stix");
        if (!"stix".equalsIgnoreCase(patternType)) {
            out.accept(new ParsedRecord.Problem(
                    location,
                    "UNSUPPORTED_PATTERN",
                    "pattern_type " + FieldValues.quote(patternType) + " is not supported (only stix)"));
            return;
        }
        String pattern = JsonDocuments.text(indicator, "pattern");
        if (pattern == null || pattern.isBlank()) {
            out.accept(new ParsedRecord.Problem(location, "MISSING_PATTERN", "the indicator has no pattern"));
            return;
        }
        List<StixPattern.Comparison> comparisons;
        try {
            comparisons = StixPattern.parse(pattern);
        } catch (StixPattern.PatternException e) {
            out.accept(new ParsedRecord.Problem(
                    location, e.code(), "pattern " + FieldValues.quote(pattern) + ": " + e.getMessage()));
            return;
        }

        EventDraft draft = new EventDraft(defaults);
        String id = indicator.path("id").asText("");
        String observed = JsonDocuments.text(indicator, "valid_from");
        String observedField = "valid_from";
        if (observed == null) {
            observed = JsonDocuments.text(indicator, "created");
            observedField = "created";
        }
        if (observed != null) {
            Optional<Instant> at = FieldValues.isoInstant(observed);
            if (at.isEmpty()) {
                out.accept(new ParsedRecord.Problem(
                        location,
                        "BAD_TIMESTAMP",
                        observedField + " " + FieldValues.quote(observed) + " is not an RFC 3339 timestamp"));
                return;
            }
            draft.observedAt = at.get();
        }
        JsonNode confidence = indicator.get("confidence");
        if (confidence != null && !confidence.isNull()) {
            // canConvertToLong first: asLong() of 18446744073709551666 is 50, a bad value turned into another.
            if (!confidence.isIntegralNumber()
                    || !confidence.canConvertToLong()
                    || confidence.asLong() < 0
                    || confidence.asLong() > 100) {
                out.accept(new ParsedRecord.Problem(
                        location, "BAD_CONFIDENCE", "confidence " + confidence + " is not an integer 0..100"));
                return;
            }
            draft.confidence = confidence.asInt();
        }
        String vendor =
                context.identityNames.get(indicator.path("created_by_ref").asText(""));
        if (vendor != null && !vendor.isBlank()) {
            draft.vendor = vendor.strip();
        }
        Tlp tlp = null;
        for (String ref : JsonDocuments.strings(indicator, "object_marking_refs")) {
            tlp = FieldValues.moreRestrictive(tlp, context.tlpOf(ref));
        }
        if (tlp != null) {
            draft.tlp = tlp;
        }
        for (String target : context.related.getOrDefault(id, List.of())) {
            String malware = context.malwareNames.get(target);
            if (malware != null) {
                draft.families.add(malware);
            }
            String campaign = context.campaignNames.get(target);
            if (campaign != null && draft.campaign == null) {
                draft.campaign = campaign;
            }
        }
        for (JsonNode phase : JsonDocuments.array(indicator, "kill_chain_phases")) {
            if (LOCKHEED_KILL_CHAIN.equals(phase.path("kill_chain_name").asText())) {
                Optional<KillChainPhase> p =
                        FieldValues.killChainPhase(phase.path("phase_name").asText(null));
                if (p.isPresent()) {
                    draft.killChainPhase = p.get();
                    break;
                }
            }
        }
        draft.tags.addAll(JsonDocuments.strings(indicator, "labels"));
        if (indicator.path("revoked").asBoolean(false)) {
            draft.retraction = true;
            draft.retractionReason = "revoked in STIX";
        }
        for (StixPattern.Comparison c : comparisons) {
            out.accept(draft.toEvent(sourceName, location, c.type(), c.value()));
        }
    }

    /** What indicators refer to, indexed once per bundle. */
    private static final class Context {
        final Map<String, String> identityNames = new HashMap<>();
        final Map<String, String> malwareNames = new HashMap<>();
        final Map<String, String> campaignNames = new HashMap<>();
        final Map<String, Tlp> bundleMarkings = new HashMap<>();
        /** indicator id → target ids of its indicates / attributed-to relationships, in bundle order. */
        final Map<String, List<String>> related = new LinkedHashMap<>();

        static Context of(JsonNode objects) {
            Context c = new Context();
            for (JsonNode o : objects) {
                String id = o.path("id").asText("");
                String name = JsonDocuments.text(o, "name");
                switch (o.path("type").asText("")) {
                    case "identity":
                        putName(c.identityNames, id, name);
                        break;
                    case "malware":
                        putName(c.malwareNames, id, name);
                        break;
                    case "campaign":
                        putName(c.campaignNames, id, name);
                        break;
                    case "marking-definition":
                        StixTlpMarkings.of(o).ifPresent(t -> c.bundleMarkings.put(id, t));
                        break;
                    case "relationship":
                        String kind = o.path("relationship_type").asText("");
                        boolean relevant = kind.equals("indicates") || kind.equals("attributed-to");
                        if (relevant && !o.path("revoked").asBoolean(false)) {
                            c.related
                                    .computeIfAbsent(o.path("source_ref").asText(""), k -> new ArrayList<>())
                                    .add(o.path("target_ref").asText(""));
                        }
                        break;
                    default:
                        break; // context we do not use: reports, observed-data, sightings...
                }
            }
            return c;
        }

        private static void putName(Map<String, String> names, String id, String name) {
            if (!id.isEmpty() && name != null && !name.isBlank()) {
                names.putIfAbsent(id, name.strip());
            }
        }

        /** The published ids first, so a bundle cannot relabel TLP:RED by shipping its own object. */
        Tlp tlpOf(String ref) {
            Tlp known = StixTlpMarkings.WELL_KNOWN.get(ref);
            return known != null ? known : bundleMarkings.get(ref);
        }
    }
}
