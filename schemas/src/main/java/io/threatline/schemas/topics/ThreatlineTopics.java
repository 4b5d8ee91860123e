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
                + "[a-z0-9][a-z0-9-]{0,62}" + Pattern.quote(".events.v1") + "|" + Pattern.quote(operatorActions()) + "|"
                + Pattern.quote(erasureRequests()));
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
     * Indicators erased on request (docs/data-protection.md), keyed by the indicator's reference (a
     * keyed hash, never the value): who, when, why, and who lifted it. Compacted, kept for good, as the
     * account of erasures.
     */
    public String erasures() {
        return prefix + "erasures.v1";
    }

    /**
     * The erasure requests the hub carries out (docs/data-protection.md): the operator's order, which
     * must name the value for the hub to find it, written only by Threatline's own user and kept no
     * longer than the sensors' events ({@value #REQUEST_RETENTION_DAYS} days), unlike the operator's
     * other actions.
     */
    public String erasureRequests() {
        return prefix + "erasure-requests.v1";
    }

    /** How long erasure requests, like sensors' events, are kept, in days. */
    public static final int REQUEST_RETENTION_DAYS = 7;

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
        return feed(partnerIndicatorsJson(partnerId), partitions, retention);
    }

    /** The topics that exist whatever the partners: events, state, agreements and their history, reference data, dead letters, audit. */
    public List<NewTopic> coreTopics() {
        List<NewTopic> topics = new ArrayList<>();
        topics.add(delete(sensorEvents(), partitions, REQUEST_RETENTION_DAYS * DAY_MS));
        topics.add(indicatorsTopic());
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
        topics.add(compact(erasures(), 1));
        topics.add(delete(erasureRequests(), 1, REQUEST_RETENTION_DAYS * DAY_MS));
        return topics;
    }

    /**
     * The indicators topic: compacted, and compacted soon (docs/data-protection.md). The hub writes a
     * tombstone for an indicator erased, or expired or revoked a grace period ago; a segment rolls and
     * becomes compactable within a day ({@code segment.ms}, {@code max.compaction.lag.ms}), and a
     * tombstone itself goes a day after that ({@code delete.retention.ms}), so the value has left the
     * topic within about two days of its tombstone.
     */
    public NewTopic indicatorsTopic() {
        Map<String, String> configs = new java.util.HashMap<>(Map.of(
                "cleanup.policy", "compact",
                "min.compaction.lag.ms", "0",
                "segment.ms", Long.toString(DAY_MS),
                "max.compaction.lag.ms", Long.toString(DAY_MS),
                "delete.retention.ms", Long.toString(DAY_MS)));
        return new NewTopic(indicators(), partitions, replicationFactor).configs(durable(configs));
    }

    /**
     * A partner's own topics; {@code retention} comes from its agreement (docs/data-protection.md). The
     * feed topics roll a segment at least daily, so the broker deletes a day's records within a day of
     * their retention ending rather than a week (its default segment time).
     */
    public List<NewTopic> partnerTopics(String partnerId, Duration retention) {
        return List.of(
                feed(partnerIndicators(partnerId), partitions, retention),
                feed(partnerStatistics(partnerId), 1, retention),
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

    private NewTopic feed(String name, int numPartitions, Duration retention) {
        Map<String, String> configs = new java.util.HashMap<>(Map.of(
                "cleanup.policy", "delete",
                "retention.ms", Long.toString(retention.toMillis()),
                "segment.ms", Long.toString(Math.min(DAY_MS, retention.toMillis()))));
        return new NewTopic(name, numPartitions, replicationFactor).configs(durable(configs));
    }

    /** Of a partner's topics, the names of those that carry its feed (and so follow its agreement's retention). */
    public List<String> partnerFeedTopics(List<NewTopic> partnerTopics) {
        return partnerTopics.stream()
                .map(NewTopic::name)
                .filter(n -> n.endsWith(".indicators.v1")
                        || n.endsWith(".statistics.v1")
                        || n.endsWith(".indicators.json.v1"))
                .toList();
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
