package io.threatline.consumer.taxii;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.threatline.agreements.InboundPolicy;
import io.threatline.consumer.stix.StixIds;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerReport;
import io.threatline.contract.ReportKind;
import io.threatline.contract.Tlp;
import io.threatline.schemas.Result;
import io.threatline.schemas.identity.CanonicalIndicator;
import io.threatline.schemas.identity.IndicatorIdentity;
import io.threatline.schemas.stix.StixPattern;
import io.threatline.schemas.tlp.StixTlpIds;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

/**
 * The write side of the TAXII server (docs/sharing-back.md): a partner POSTs a STIX 2.1 envelope to
 * the {@code reports} collection of its own API root, and each object becomes a {@link PartnerReport}
 * on the partner's inbound topic, where the hub reads it like one the partner wrote to Kafka itself.
 *
 * <ul>
 *   <li>{@code sighting}: {@code sighting_of_ref} must be an indicator of the partner's own
 *       {@code indicators} collection (the STIX id it was given); {@code count}, {@code first_seen},
 *       {@code last_seen} as STIX defines them.</li>
 *   <li>{@code opinion} of {@code disagree} or {@code strongly-disagree} on such an indicator
 *       ({@code object_refs}): a false-positive report, {@code explanation} its reason.</li>
 *   <li>{@code indicator} with a pattern of one comparison ({@link StixPattern}): a new indicator;
 *       {@code confidence} 0–100 (50 when absent).</li>
 * </ul>
 *
 * Each object's TLP is its TLP marking ({@code object_marking_refs}, TLP 1.0 or 2.0 ids); an
 * unmarked object takes its agreement's {@code share_as}; an object with any other marking, or with
 * granular markings, is refused. {@link InboundPolicy} decides each object
 * before anything is written, so the status answers at once what the agreement refuses; the hub
 * decides again when it reads the report (the agreement may have changed). Objects of other types,
 * and objects that cannot be read, are failures with the reason; the rest of the envelope goes on.
 *
 * <p>The answer is a TAXII status resource, complete when returned: a success is a report the broker
 * acknowledged on the inbound topic. Statuses are kept in memory for {@link #STATUS_KEPT} (at most
 * {@link #MAX_STATUSES_PER_PARTNER} per partner and {@link #MAX_STATUSES} in all, the oldest dropped
 * first; each repeats at most {@link #MAX_ECHO} characters of any text the partner sent) and shown
 * only to the partner that posted.
 */
final class TaxiiReports implements AutoCloseable {

    /** The largest request body taken, announced as the API root's {@code max_content_length}. */
    static final int MAX_CONTENT_LENGTH = 1024 * 1024;

    /** The most objects in one envelope. */
    static final int MAX_OBJECTS = 1_000;

    static final Duration STATUS_KEPT = Duration.ofHours(24);
    static final int MAX_STATUSES = 10_000;
    /** Statuses kept per partner, the oldest dropped first: no partner pushes out another's. */
    static final int MAX_STATUSES_PER_PARTNER = 100;
    /** The most of a partner's own text (an id, a version) a status repeats. */
    static final int MAX_ECHO = 256;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private record Kept(String partnerId, Instant at, ObjectNode status) {}

    private final Producer<String, PartnerReport> producer;
    private final ThreatlineTopics topics;
    private final VersionIndex versions;
    private final Clock clock;
    private final Map<String, Kept> statuses = new LinkedHashMap<>();

    TaxiiReports(
            Producer<String, PartnerReport> producer, ThreatlineTopics topics, VersionIndex versions, Clock clock) {
        this.producer = producer;
        this.topics = topics;
        this.versions = versions;
        this.clock = clock;
    }

    /** Reads the envelope, writes what may be written, and returns the status resource. */
    ObjectNode post(TaxiiPartner partner, byte[] body) throws TaxiiRequestException, InterruptedException {
        JsonNode envelope;
        try {
            envelope = JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new TaxiiRequestException(400, "the body is not JSON: " + firstLine(e.getMessage()));
        }
        if (envelope == null
                || !envelope.isObject()
                || !envelope.path("objects").isArray()) {
            throw new TaxiiRequestException(400, "the body must be a TAXII envelope: {\"objects\": [...]}");
        }
        JsonNode objects = envelope.path("objects");
        if (objects.size() > MAX_OBJECTS) {
            throw new TaxiiRequestException(
                    413, "an envelope may hold at most " + MAX_OBJECTS + " objects, this one " + objects.size());
        }
        Instant now = clock.instant();
        PartnerAgreement agreement = partner.agreement();
        String inbound = topics.partnerInbound(partner.partnerId());
        ArrayNode successes = JSON.createArrayNode();
        ArrayNode failures = JSON.createArrayNode();
        List<Object[]> sent = new ArrayList<>();
        for (JsonNode object : objects) {
            String id = object.path("id").isTextual() ? object.path("id").asText() : null;
            String version =
                    object.path("modified").asText(object.path("created").asText(""));
            try {
                PartnerReport report = report(partner, object, id, now);
                InboundPolicy.Decision decision = InboundPolicy.decide(agreement, report, now);
                if (decision instanceof InboundPolicy.Refuse refuse) {
                    failures.add(entry(id, version, refuse.code() + ": " + refuse.message()));
                    continue;
                }
                Future<RecordMetadata> future = producer.send(new ProducerRecord<>(inbound, id, report));
                sent.add(new Object[] {id, version, future});
            } catch (Refused e) {
                failures.add(entry(id, version, e.getMessage()));
            } catch (KafkaException e) {
                failures.add(entry(id, version, "not stored: " + e.getMessage()));
            }
        }
        long deadline = System.nanoTime() + SEND_TIMEOUT.toNanos();
        for (Object[] s : sent) {
            @SuppressWarnings("unchecked")
            Future<RecordMetadata> future = (Future<RecordMetadata>) s[2];
            try {
                RecordMetadata at = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                successes.add(entry(
                        (String) s[0],
                        (String) s[1],
                        "stored on " + at.topic() + "-" + at.partition() + "@" + at.offset()
                                + "; the hub receipts it in your receipt chain"));
            } catch (ExecutionException | TimeoutException e) {
                failures.add(entry((String) s[0], (String) s[1], "not stored: " + firstLine(String.valueOf(e))));
            }
        }
        ObjectNode status = JSON.createObjectNode();
        status.put("id", UUID.randomUUID().toString());
        status.put("status", "complete");
        status.put("request_timestamp", StixIds.timestamp(now));
        status.put("total_count", objects.size());
        status.put("success_count", successes.size());
        status.set("successes", successes);
        status.put("failure_count", failures.size());
        status.set("failures", failures);
        status.put("pending_count", 0);
        status.set("pendings", JSON.createArrayNode());
        keep(partner.partnerId(), now, status);
        return status;
    }

    /** The status {@code id}, if the partner posted it and it is still kept. */
    Optional<ObjectNode> status(String partnerId, String id) {
        synchronized (statuses) {
            expire(clock.instant());
            Kept kept = statuses.get(id);
            return kept == null || !kept.partnerId().equals(partnerId) ? Optional.empty() : Optional.of(kept.status());
        }
    }

    private void keep(String partnerId, Instant now, ObjectNode status) {
        synchronized (statuses) {
            expire(now);
            long own = statuses.values().stream()
                    .filter(k -> k.partnerId().equals(partnerId))
                    .count();
            var it = statuses.values().iterator();
            while (own >= MAX_STATUSES_PER_PARTNER && it.hasNext()) {
                if (it.next().partnerId().equals(partnerId)) {
                    it.remove();
                    own--;
                }
            }
            while (statuses.size() >= MAX_STATUSES) {
                statuses.remove(statuses.keySet().iterator().next());
            }
            statuses.put(status.get("id").asText(), new Kept(partnerId, now, status));
        }
    }

    private void expire(Instant now) {
        var it = statuses.values().iterator();
        while (it.hasNext() && it.next().at().plus(STATUS_KEPT).isBefore(now)) {
            it.remove();
        }
    }

    /** One object as a report, or why not. */
    private PartnerReport report(TaxiiPartner partner, JsonNode object, String id, Instant now)
            throws Refused, TaxiiRequestException, InterruptedException {
        if (id == null || id.isBlank() || id.length() > 256) {
            throw new Refused("an object needs an id of 1 to 256 characters");
        }
        String type = object.path("type").asText("");
        PartnerReport.Builder report = PartnerReport.newBuilder()
                .setReportId(id)
                .setTlp(tlp(object, partner.agreement()))
                .setLastSeen(time(object, "modified", now));
        switch (type) {
            case "sighting" -> {
                CanonicalIndicator indicator =
                        shared(partner, object.path("sighting_of_ref").asText(""));
                JsonNode count = object.path("count");
                if (!count.isMissingNode() && !count.canConvertToInt()) {
                    throw new Refused("count must be an integer");
                }
                report.setKind(ReportKind.SIGHTING)
                        .setIndicatorType(indicator.type())
                        .setIndicatorValue(indicator.value())
                        .setCount(count.isMissingNode() ? 1 : count.asInt())
                        .setFirstSeen(object.has("first_seen") ? time(object, "first_seen", now) : null)
                        .setLastSeen(time(object, "last_seen", time(object, "modified", now)));
            }
            case "opinion" -> {
                String opinion = object.path("opinion").asText("");
                if (!opinion.equals("disagree") && !opinion.equals("strongly-disagree")) {
                    throw new Refused(
                            "only an opinion that disagrees (a false-positive report) is taken, not '" + opinion + "'");
                }
                JsonNode refs = object.path("object_refs");
                if (!refs.isArray() || refs.size() != 1) {
                    throw new Refused("a false-positive opinion must name exactly one indicator in object_refs");
                }
                CanonicalIndicator indicator = shared(partner, refs.get(0).asText(""));
                String explanation = object.path("explanation").asText(null);
                report.setKind(ReportKind.FALSE_POSITIVE)
                        .setIndicatorType(indicator.type())
                        .setIndicatorValue(indicator.value())
                        .setComment(explanation);
            }
            case "indicator" -> {
                List<StixPattern.Comparison> comparisons;
                try {
                    comparisons = StixPattern.parse(object.path("pattern").asText(""));
                } catch (StixPattern.PatternException e) {
                    throw new Refused(e.code() + ": " + e.getMessage());
                }
                if (comparisons.size() != 1) {
                    throw new Refused("an indicator's pattern must name one value; post one indicator per value");
                }
                JsonNode confidence = object.path("confidence");
                report.setKind(ReportKind.INDICATOR)
                        .setIndicatorType(comparisons.get(0).type())
                        .setIndicatorValue(comparisons.get(0).value())
                        .setConfidence(confidence.canConvertToInt() ? confidence.asInt() : 50);
            }
            default ->
                throw new Refused("objects of type '" + cut(type, 64)
                        + "' are not taken; post sighting, opinion (a false positive) or indicator");
        }
        return report.build();
    }

    /** The indicator of the partner's own collection that {@code stixId} names. */
    private CanonicalIndicator shared(TaxiiPartner partner, String stixId)
            throws Refused, TaxiiRequestException, InterruptedException {
        if (!stixId.startsWith("indicator--")) {
            throw new Refused("'" + stixId + "' is not an indicator id");
        }
        Optional<String> key = partner.collections().contains(TaxiiCollection.INDICATORS)
                ? versions.keyOfStixIndicator(topics.partnerIndicators(partner.partnerId()), stixId)
                : Optional.empty();
        if (key.isEmpty()) {
            throw new Refused(stixId + " is not an indicator of your indicators collection");
        }
        String indicatorId = key.get();
        int colon = indicatorId.indexOf(':');
        Optional<IndicatorType> type = colon < 0
                ? Optional.empty()
                : java.util.Arrays.stream(IndicatorType.values())
                        .filter(t -> t.name().equalsIgnoreCase(indicatorId.substring(0, colon)))
                        .findFirst();
        if (type.isEmpty()) {
            throw new Refused(stixId + " names a record this server cannot read back");
        }
        Result<CanonicalIndicator> canonical =
                IndicatorIdentity.canonicalize(type.get(), indicatorId.substring(colon + 1));
        if (!canonical.isOk()) {
            throw new Refused(stixId + ": " + canonical.rejection().message());
        }
        return canonical.value();
    }

    /**
     * The object's TLP marking; the agreement's share_as when it has none (UNKNOWN when neither). A
     * marking this server does not know (not a TLP 1.0 or 2.0 id), and any granular marking, refuses
     * the object: a restriction it cannot read must not be dropped.
     */
    private static Tlp tlp(JsonNode object, PartnerAgreement agreement) throws Refused {
        if (object.has("granular_markings")) {
            throw new Refused("granular markings are not taken; mark the whole object with a TLP marking");
        }
        Tlp marked = null;
        for (JsonNode ref : object.path("object_marking_refs")) {
            Tlp tlp = StixTlpIds.TLP1.get(ref.asText());
            if (tlp == null) {
                tlp = StixTlpIds.TLP2.entrySet().stream()
                        .filter(e -> e.getValue().equals(ref.asText()))
                        .map(Map.Entry::getKey)
                        .findFirst()
                        .orElse(null);
            }
            if (tlp == null) {
                throw new Refused("marking " + cut(ref.asText(), 100)
                        + " is not a TLP marking this server knows; only TLP 1.0 and 2.0 markings are taken");
            }
            marked = marked == null ? tlp : io.threatline.schemas.tlp.Tlp2.mostRestrictive(marked, tlp);
        }
        if (marked != null) {
            return marked;
        }
        return agreement == null || agreement.getInbound() == null
                ? Tlp.UNKNOWN
                : agreement.getInbound().getShareAs();
    }

    private static Instant time(JsonNode object, String field, Instant absent) throws Refused {
        JsonNode value = object.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return absent;
        }
        try {
            return Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw new Refused(field + " is not an RFC 3339 timestamp: '" + value.asText() + "'");
        }
    }

    private static ObjectNode entry(String id, String version, String message) {
        ObjectNode e = JSON.createObjectNode();
        e.put("id", id == null ? "" : cut(id, MAX_ECHO));
        if (version != null && !version.isEmpty()) {
            e.put("version", cut(version, MAX_ECHO));
        }
        e.put("message", cut(message, 2 * MAX_ECHO));
        return e;
    }

    /** At most {@code most} characters of a partner's text, so that a status stays small whatever was posted. */
    static String cut(String text, int most) {
        return text.length() <= most ? text : text.substring(0, most) + "...";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /** An object that cannot be taken, with the reason for the status. */
    private static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }
}
