package io.threatline.app;

import io.threatline.agreements.AgreementPolicy;
import io.threatline.agreements.Decision;
import io.threatline.consumer.audit.AuditReader;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.OffsetRange;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.ReceiptDirection;
import io.threatline.schemas.Result;
import io.threatline.schemas.identity.CanonicalIndicator;
import io.threatline.schemas.identity.IndicatorIdentity;
import io.threatline.schemas.serde.ConfluentAvroSerde;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.schemas.topics.TopicSnapshot;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.utils.Utils;

/**
 * Looks one indicator up the way an operator asks about it (`threatline indicators show` and
 * `explain`), from what the topics hold: its changes in the indicators topic (the partition its key
 * hashes to, as the hub wrote it), the partners' agreements, and the receipts of what each partner
 * received. What a partner may receive is decided by the same rule the hub applies
 * ({@link AgreementPolicy#decide}), so "why not" is the hub's own reason.
 */
final class IndicatorLookup {

    private final Map<String, Object> client;
    private final ThreatlineTopics topics;

    private final java.util.Optional<io.threatline.schemas.privacy.IndicatorKey> key;

    /** @param key the deployment's indicator key, to find receipts that name the indicator by reference */
    IndicatorLookup(
            Map<String, Object> client,
            ThreatlineTopics topics,
            java.util.Optional<io.threatline.schemas.privacy.IndicatorKey> key) {
        this.client = client;
        this.topics = topics;
        this.key = key;
    }

    /** One change of the indicator as the indicators topic holds it. */
    record Change(Instant at, Indicator indicator) {}

    /**
     * The indicator's changes still in the indicators topic, oldest first (compaction may have removed
     * all but the last); empty when the hub never emitted it.
     */
    List<Change> changes(String indicatorId) throws Exception {
        String topic = topics.indicators();
        int partitions;
        try (Admin admin = Admin.create(io.threatline.schemas.serde.AvroSerdeConfig.kafkaOnly(client))) {
            partitions = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions()
                    .size();
        }
        // The hub's records are keyed by the indicator id and placed by Kafka's default partitioner.
        int partition = Utils.toPositive(Utils.murmur2(indicatorId.getBytes(StandardCharsets.UTF_8))) % partitions;
        List<Change> changes = new ArrayList<>();
        try (ConfluentAvroSerde<Indicator> serde = ConfluentAvroSerde.specific(
                Indicator.class, new io.threatline.schemas.serde.AvroSerdeConfig(client).newClient(), client, false)) {
            TopicSnapshot.read(client, topic, p -> p == partition, record -> {
                if (indicatorId.equals(record.key()) && record.value() == null) {
                    // A tombstone (erased, or gone a grace period ago): nothing before it counts.
                    changes.clear();
                } else if (indicatorId.equals(record.key())) {
                    changes.add(new Change(
                            Instant.ofEpochMilli(record.timestamp()),
                            serde.deserializer().deserialize(topic, record.value())));
                }
            });
        }
        return changes;
    }

    /**
     * The receipts that name the indicator, per partner, in chain order (one read of the audit topic):
     * by its reference under the deployment's key, or by value in receipts written before keys.
     */
    Map<String, List<DeliveryReceipt>> receipts(String indicatorId) {
        Map<String, List<DeliveryReceipt>> byPartner = new java.util.TreeMap<>();
        java.util.Set<String> names = names(indicatorId);
        try (AuditReader reader = AuditReader.open(client, topics.deliveryAudit())) {
            reader.readAll(r -> {
                if (r.getDirection() == ReceiptDirection.OUTBOUND
                        && r.getRecordIds().stream().anyMatch(names::contains)) {
                    byPartner
                            .computeIfAbsent(r.getPartnerId(), p -> new ArrayList<>())
                            .add(r);
                }
            });
        }
        return byPartner;
    }

    /**
     * Every name a receipt may give the indicator: its id, and the id each agreement's minimisation made of
     * it (docs/data-protection.md), each in clear (receipts before keys) and as its reference.
     */
    java.util.Set<String> names(String indicatorId) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        ids.add(indicatorId);
        int colon = indicatorId.indexOf(':');
        if (colon > 0) {
            Indicator stub = new Indicator();
            stub.setId(indicatorId);
            stub.setValue(indicatorId.substring(colon + 1));
            stub.setType(java.util.Arrays.stream(IndicatorType.values())
                    .filter(t -> t.name().equalsIgnoreCase(indicatorId.substring(0, colon)))
                    .findFirst()
                    .orElse(IndicatorType.UNKNOWN));
            try {
                agreements()
                        .values()
                        .forEach(a -> ids.add(io.threatline.agreements.AgreementPolicy.minimisedId(a, stub)));
            } catch (Exception e) {
                throw new IllegalStateException("cannot read the agreements: " + e.getMessage(), e);
            }
        }
        java.util.Set<String> names = new java.util.HashSet<>(ids);
        key.ifPresent(k -> ids.forEach(id -> names.add(k.ref(id))));
        return names;
    }

    /** One version of the indicator a partner received: its record on the partner's topic. */
    record Version(
            Instant at, String action, String tlp, int agreementVersion, String topic, int partition, long offset) {}

    /**
     * The versions of the indicator the receipts cover, oldest first: its records on the partner's
     * topic within the receipts' offset ranges (each record once, however many channels delivered it).
     * A range compacted or deleted away since is read as far as it still exists.
     */
    List<Version> versions(String indicatorId, List<DeliveryReceipt> receipts) {
        java.util.TreeMap<String, Version> byPosition = new java.util.TreeMap<>();
        Map<String, Object> props =
                new java.util.HashMap<>(io.threatline.schemas.serde.AvroSerdeConfig.kafkaOnly(client));
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", false);
        props.put("allow.auto.create.topics", false);
        props.remove("group.id");
        try (ConfluentAvroSerde<PartnerIndicator> serde = ConfluentAvroSerde.specific(
                        PartnerIndicator.class,
                        new io.threatline.schemas.serde.AvroSerdeConfig(client).newClient(),
                        client,
                        false);
                var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                        props,
                        new org.apache.kafka.common.serialization.StringDeserializer(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            for (DeliveryReceipt receipt : receipts) {
                for (OffsetRange range : receipt.getOffsets()) {
                    var partition = new org.apache.kafka.common.TopicPartition(range.getTopic(), range.getPartition());
                    consumer.assign(List.of(partition));
                    long begin = consumer.beginningOffsets(List.of(partition)).get(partition);
                    long end = consumer.endOffsets(List.of(partition)).get(partition);
                    long from = Math.max(begin, range.getFirstOffset());
                    long to = Math.min(end - 1, range.getLastOffset());
                    if (from > to) {
                        continue;
                    }
                    consumer.seek(partition, from);
                    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
                    while (consumer.position(partition) <= to && System.nanoTime() < deadline) {
                        for (var record : consumer.poll(java.time.Duration.ofMillis(200))) {
                            if (record.offset() > to || !indicatorId.equals(record.key()) || record.value() == null) {
                                continue;
                            }
                            PartnerIndicator r = serde.deserializer().deserialize(record.topic(), record.value());
                            String position = record.topic() + "/" + record.partition() + "/"
                                    + String.format("%020d", record.offset());
                            byPosition.put(
                                    position,
                                    new Version(
                                            Instant.ofEpochMilli(record.timestamp()),
                                            r.getAction().name(),
                                            r.getTlp().name(),
                                            r.getAgreementVersion(),
                                            record.topic(),
                                            record.partition(),
                                            record.offset()));
                        }
                    }
                }
            }
        }
        List<Version> versions = new ArrayList<>(byPosition.values());
        versions.sort(java.util.Comparator.comparing(Version::at));
        return versions;
    }

    Map<String, PartnerAgreement> agreements() throws Exception {
        try (AgreementHistory history = new AgreementHistory(client, topics.agreementsHistory(), topics.agreements())) {
            return history.inForce();
        }
    }

    /**
     * The value as an analyst pastes it (defanged or not) in the hub's canonical form, its type
     * detected unless given: the one canonicalisation of `indicators revoke`, `show`, `explain` and the
     * console.
     *
     * @throws IllegalArgumentException naming what is wrong with the value
     */
    static CanonicalIndicator canonical(String value, IndicatorType type) {
        IndicatorType indicatorType = Optional.ofNullable(type)
                .or(() -> IndicatorIdentity.detectType(value))
                .orElseThrow(
                        () -> new IllegalArgumentException("cannot tell what kind of indicator '" + value + "' is"));
        Result<CanonicalIndicator> canonical = IndicatorIdentity.canonicalize(indicatorType, value);
        if (!canonical.isOk()) {
            throw new IllegalArgumentException("not a valid " + indicatorType + ": "
                    + canonical.rejection().message());
        }
        return canonical.value();
    }

    /** Prints the indicator's state and its changes. */
    static void printState(PrintWriter out, List<Change> changes) {
        Indicator now = changes.get(changes.size() - 1).indicator();
        out.printf("%s  (%s %s)%n", now.getId(), now.getType(), now.getValue());
        out.printf(
                "  state      %s, TLP:%s, confidence %d, score %s%n",
                now.getAction(), now.getTlp(), now.getConfidence(), now.getScore());
        out.printf(
                "  seen       first %s, last %s, %d sighting(s)%n",
                now.getFirstSeen(), now.getLastSeen(), now.getSightings());
        out.printf("  expires    %s%n", now.getExpiresAt());
        out.printf("  vendors    %s%n", now.getVendors());
        out.printf("  families   %s%n", now.getMalwareFamilies());
        out.printf("  campaigns  %s%n", now.getCampaigns());
        out.printf(
                "  enrichment country %s, AS%s %s%n",
                Optional.ofNullable(now.getCountry()).orElse("-"),
                Optional.ofNullable(now.getAsn()).map(String::valueOf).orElse("-"),
                Optional.ofNullable(now.getAsOrganization()).orElse(""));
        out.println("  changes (as the indicators topic still holds them):");
        for (Change change : changes) {
            out.printf("    %s  %s%n", change.at(), change.indicator().getAction());
        }
    }

    /** What {@code agreement} lets its partner receive of the indicator now, in words. */
    static String decision(PartnerAgreement agreement, Indicator indicator, Instant now) {
        Decision decision = AgreementPolicy.decide(agreement, indicator, now);
        if (decision instanceof Decision.Deliver) {
            return "now granted by " + agreement.getAgreementId() + " v" + agreement.getVersion();
        }
        if (decision instanceof Decision.Embargoed embargoed) {
            return "now granted by " + agreement.getAgreementId() + " v" + agreement.getVersion() + ", embargoed until "
                    + embargoed.until();
        }
        Decision.Withhold withhold = (Decision.Withhold) decision;
        String terms = agreement == null ? "" : " under " + agreement.getAgreementId() + " v" + agreement.getVersion();
        return "now withheld" + terms + ": " + withhold.reasonCode() + " (" + withhold.reason() + ")";
    }
}
