package io.threatline.schemas.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Threatline's topics, declared once: their names (under a configurable prefix, {@code ti.} by
 * default), partitions and cleanup policies, as DESIGN §3 lists them. Programs ask this class for
 * names; the platform creates what {@link #coreTopics} and {@link #partnerTopics} return.
 */
public final class ThreatlineTopics {

    public static final String DEFAULT_PREFIX = "ti.";
    /** A partner id is used in topic names and ACLs, so it is kept to a safe alphabet. */
    public static final Pattern PARTNER_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /**
     * Whether {@code id} is a valid partner id, exactly as {@link #PARTNER_ID} matches, without a
     * regular expression: the hub checks it for every agreement on every indicator change.
     */
    public static boolean isPartnerId(String id) {
        if (id == null || id.isEmpty() || id.length() > 63) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && i > 0);
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._-]*");

    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    private final String prefix;
    private final int partitions;
    private final short replicationFactor;

    /**
     * @param prefix            prepended to every topic name; letters, digits, '.', '_' and '-' only
     * @param partitions        partitions of the high-volume topics (sensor events, indicators, partner topics)
     * @param replicationFactor replication factor of every topic
     */
    public ThreatlineTopics(String prefix, int partitions, short replicationFactor) {
        Objects.requireNonNull(prefix, "prefix");
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException(
                    "topic prefix '" + prefix + "' may contain only letters, digits, '.', '_' and '-'");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1, was " + replicationFactor);
        }
        this.prefix = prefix;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    /** Default names, 6 partitions, replication factor 1 (the embedded single node). */
    public static ThreatlineTopics defaults() {
        return new ThreatlineTopics(DEFAULT_PREFIX, 6, (short) 1);
    }

    public String prefix() {
        return prefix;
    }

    /** Partitions of the high-volume topics. */
    public int partitions() {
        return partitions;
    }

    /** Replication factor of every topic. */
    public short replicationFactor() {
        return replicationFactor;
    }

    /** The same names and partitions, with another replication factor. */
    public ThreatlineTopics withReplicationFactor(short factor) {
        return new ThreatlineTopics(prefix, partitions, factor);
    }

    public String sensorEvents() {
        return prefix + "sensor-events.v1";
    }

    /**
     * A vendor's own input topic, {@code <prefix>vendor.<vendor>.events.v1}: only that vendor's Kafka
     * user may write it ({@link SensorSources}), so the hub takes the vendor from the topic, not from
     * what the event claims. Created with as many partitions as the shared sensor-events topic.
     */
    public String vendorEvents(String vendorId) {
        return prefix + "vendor." + checkPartnerId(vendorId) + ".events.v1";
    }

    /** The topics the hub reads sensor events from: the shared topic, every vendor's topic, and the operator's actions. */
    public Pattern sensorInputPattern() {
        return Pattern.compile(Pattern.quote(sensorEvents()) + "|" + Pattern.quote(prefix + "vendor.")
                + "[a-z0-9][a-z0-9-]{0,62}" + Pattern.quote(".events.v1") + "|" + Pattern.quote(operatorActions()));
    }

    /**
     * The operator's actions on indicators ({@code threatline indicators revoke}): retractions that
     * revoke whatever the vendors say, each with who and why. Only Threatline's own (super) user
     * writes it; kept five years, like receipts, as the record of what operators did.
     */
    public String operatorActions() {
        return prefix + "operator.actions.v1";
    }

    /** A vendor's input topic, as {@link #vendorEvents(String)}, with the sensor-events topic's partitions and retention. */
    public NewTopic vendorEventsTopic(String vendorId) {
        return delete(vendorEvents(vendorId), partitions, 7 * DAY_MS);
    }

    public String indicators() {
        return prefix + "indicators.v1";
    }

    public String agreements() {
        return prefix + "agreements.v1";
    }

    /**
     * Every version of every agreement and every end, in order, kept forever: the compacted
     * {@link #agreements()} topic keeps only each partner's latest, while a receipt's (agreement,
     * version) must stay answerable for as long as the receipt is kept.
     */
    public String agreementsHistory() {
        return prefix + "agreements.history.v1";
    }

    /**
     * The history topic as {@link #coreTopics} creates it. Delete policy with retention -1 rather
     * than compaction: the history is a log of events (an agreement can be ended and applied
     * again), so no key names one entry for good, and entries are few. The broker stamps each
     * entry (LogAppendTime), so when a version took effect is the broker's time, not the writer's.
     */
    public NewTopic agreementsHistoryTopic() {
        return new NewTopic(agreementsHistory(), 1, replicationFactor)
                .configs(durable(Map.of(
                        "cleanup.policy",
                        "delete",
                        "retention.ms",
                        "-1",
                        "retention.bytes",
                        "-1",
                        "message.timestamp.type",
                        "LogAppendTime")));
    }

    public String reference(ReferenceKind kind) {
        return prefix + "reference." + kind.topicPart() + ".v1";
    }

    public String deadLetter() {
        return prefix + "dead-letter.v1";
    }

    public String deliveryAudit() {
        return prefix + "delivery-audit.v1";
    }

    /**
     * Where delivery services and TAXII servers hand in the receipts of what they delivered, unchained;
     * the audit sequencer chains them into {@link #deliveryAudit()}, so that each partner's chain has
     * one writer however many services deliver it.
     */
    public String deliveryReceiptRequests() {
        return prefix + "delivery-receipt-requests.v1";
    }

    public String partnerIndicators(String partnerId) {
        return prefix + "partner." + checkPartnerId(partnerId) + ".indicators.v1";
    }

    public String partnerStatistics(String partnerId) {
        return prefix + "partner." + checkPartnerId(partnerId) + ".statistics.v1";
    }

    /**
     * Where delivery puts a partner's records that a channel refused for good (an HTTP 4xx, a
     * record the channel cannot express), with the reason. Operators read it; partners never do.
     */
    public String partnerDeadLetter(String partnerId) {
        return prefix + "partner." + checkPartnerId(partnerId) + ".dead-letter.v1";
    }

    /**
     * Where a partner reports back (docs/sharing-back.md): sightings, false positives, indicators, as
     * {@code PartnerReport} in the Confluent wire format. Only that partner's user may write it (and only
     * when its agreement grants reports), so the hub takes the partner from the topic; the TAXII server
     * writes a partner's posted objects here too.
     */
    public String partnerInbound(String partnerId) {
        return prefix + "partner." + checkPartnerId(partnerId) + ".inbound.v1";
    }

    /** The partner whose inbound topic {@code topic} is, if it is one. */
    public java.util.Optional<String> partnerOfInbound(String topic) {
        String start = prefix + "partner.";
        String end = ".inbound.v1";
        if (topic == null
                || !topic.startsWith(start)
                || !topic.endsWith(end)
                || topic.length() <= start.length() + end.length()) {
            return java.util.Optional.empty();
        }
        String partner = topic.substring(start.length(), topic.length() - end.length());
        return isPartnerId(partner) ? java.util.Optional.of(partner) : java.util.Optional.empty();
    }

    /** Every partner's inbound topic, which the hub reads. */
    public Pattern partnerInboundPattern() {
        return Pattern.compile(
                Pattern.quote(prefix + "partner.") + "[a-z0-9][a-z0-9-]{0,62}" + Pattern.quote(".inbound.v1"));
    }

    /**
     * Partners' false-positive reports and the operators' decisions on them, keyed by
     * {@code <indicator id> <partner id>}; compacted, so each report keeps its latest status.
     */
    public String falsePositives() {
        return prefix + "false-positives.v1";
    }

    /**
     * The indicators the hub refuses from sensors and partners, keyed by indicator id: a false positive
     * an operator (or a trusted partner's agreement) accepted. Compacted; a tombstone lifts one.
     */
    public String suppressions() {
        return prefix + "suppressions.v1";
    }

    /**
     * Where {@code threatline pull} keeps each external feed's progress (docs/sharing-back.md, "External
     * feeds"): keyed by feed name, the value JSON of the feed's own making; compacted.
     */
    public String feedState() {
        return prefix + "feed-state.v1";
    }

    /** The JSON copy of a partner's indicators, for SIEMs that subscribe to Kafka without Avro. */
    public String partnerIndicatorsJson(String partnerId) {
        return prefix + "partner." + checkPartnerId(partnerId) + ".indicators.json.v1";
    }

    /** The JSON mirror topic of a partner whose agreement asks for one (a Kafka channel with format json). */
    public NewTopic partnerIndicatorsJsonTopic(String partnerId, Duration retention) {
        return delete(partnerIndicatorsJson(partnerId), partitions, retention.toMillis());
    }

    /** The topics that exist whatever the partners: events, state, agreements and their history, reference data, dead letters, audit. */
    public List<NewTopic> coreTopics() {
        List<NewTopic> topics = new ArrayList<>();
        topics.add(delete(sensorEvents(), partitions, 7 * DAY_MS));
        topics.add(compact(indicators(), partitions));
        topics.add(compact(agreements(), 1));
        topics.add(agreementsHistoryTopic());
        for (ReferenceKind kind : ReferenceKind.values()) {
            topics.add(compact(reference(kind), 1));
        }
        topics.add(delete(deadLetter(), partitions, 30 * DAY_MS));
        // Receipts are evidence: kept for years, one partition so each partner's chain stays ordered.
        topics.add(delete(deliveryAudit(), 1, 5 * 365 * DAY_MS));
        // One partition: one sequencer instance at a time chains them, in the order they were handed in.
        topics.add(delete(deliveryReceiptRequests(), 1, 30 * DAY_MS));
        topics.add(delete(operatorActions(), 1, 5 * 365 * DAY_MS));
        topics.add(compact(falsePositives(), 1));
        topics.add(compact(suppressions(), 1));
        topics.add(compact(feedState(), 1));
        return topics;
    }

    /** A partner's own topics; {@code retention} comes from its agreement. */
    public List<NewTopic> partnerTopics(String partnerId, Duration retention) {
        return List.of(
                delete(partnerIndicators(partnerId), partitions, retention.toMillis()),
                delete(partnerStatistics(partnerId), 1, retention.toMillis()),
                delete(partnerDeadLetter(partnerId), 1, 30 * DAY_MS),
                delete(partnerInbound(partnerId), 1, 30 * DAY_MS));
    }

    /**
     * Names a partner may not have, because Threatline or Kafka already uses them for itself: a
     * partner id is also its Kafka user ({@code User:<partner id>}, whose password {@code run}
     * generates and whose ACLs {@code agreements apply --acls} grants), so a partner called
     * {@code admin} would take over the super user. {@code admin} is the super user of an
     * authenticated run; {@code anonymous} is Kafka's unauthenticated principal ({@code User:ANONYMOUS});
     * {@code hub}, {@code deliver}, {@code delivery}, {@code operator}, {@code threatline},
     * {@code vendor}, {@code sensor}, {@code simulator}, {@code init}, {@code taxii} and
     * {@code registry} name Threatline's own services and roles (vendors' sensors are {@code User:vendor.<id>},
     * which no partner id can spell). Listed in examples/agreements/README.md.
     */
    public static final java.util.Set<String> RESERVED_PARTNER_IDS = java.util.Set.of(
            "admin",
            "anonymous",
            "hub",
            "deliver",
            "delivery",
            "operator",
            "threatline",
            "vendor",
            "sensor",
            "simulator",
            "init",
            "taxii",
            "registry");

    /**
     * A partner id for an agreement: valid ({@link #checkPartnerId}) and not one of
     * {@link #RESERVED_PARTNER_IDS}.
     *
     * @throws IllegalArgumentException naming the id and why it is refused
     */
    public static String checkAgreementPartnerId(String partnerId) {
        checkPartnerId(partnerId);
        if (RESERVED_PARTNER_IDS.contains(partnerId)) {
            throw new IllegalArgumentException(
                    "partner id '" + partnerId + "' is reserved: Threatline uses it for itself" + " (reserved: "
                            + RESERVED_PARTNER_IDS.stream().sorted().toList() + ")");
        }
        return partnerId;
    }

    public static String checkPartnerId(String partnerId) {
        if (partnerId == null || !PARTNER_ID.matcher(partnerId).matches()) {
            throw new IllegalArgumentException("partner id '" + partnerId
                    + "' must be 1-63 lower-case letters, digits or '-', starting with a letter or digit");
        }
        return partnerId;
    }

    private NewTopic delete(String name, int numPartitions, long retentionMs) {
        return new NewTopic(name, numPartitions, replicationFactor)
                .configs(durable(Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(retentionMs))));
    }

    private NewTopic compact(String name, int numPartitions) {
        return new NewTopic(name, numPartitions, replicationFactor)
                .configs(durable(Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0")));
    }

    /**
     * The in-sync replicas a write needs ({@code acks=all}, which every Threatline producer uses):
     * with three or more replicas, two, so that an acknowledged record survives the loss of any one
     * broker and the topic stays writable while one is down; with fewer, one.
     */
    public int minInSyncReplicas() {
        return replicationFactor >= 3 ? 2 : 1;
    }

    private Map<String, String> durable(Map<String, String> configs) {
        Map<String, String> all = new java.util.HashMap<>(configs);
        all.put("min.insync.replicas", Integer.toString(minInSyncReplicas()));
        return Map.copyOf(all);
    }
}
