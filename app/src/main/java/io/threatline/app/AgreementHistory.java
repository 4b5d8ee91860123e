package io.threatline.app;

import io.threatline.contract.AgreementEvent;
import io.threatline.contract.AgreementHistoryEntry;
import io.threatline.contract.PartnerAgreement;
import io.threatline.platform.kafka.TopicProvisioner;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroSerde;
import io.threatline.schemas.serde.SchemaRegistryClient;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.schemas.topics.TopicSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The history of agreements ({@code <prefix>agreements.history.v1}): appends an entry for each
 * version applied and each end, and reads a partner's entries back in order with the broker's time
 * of each. The compacted agreements topic says what is in force now; this log says what was in
 * force when, so a receipt's (agreement id, version) can always be looked up.
 */
final class AgreementHistory implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** One entry with when the broker appended it (the topic's LogAppendTime) and its position. */
    record Entry(Instant at, long offset, AgreementHistoryEntry value) {
        boolean applied() {
            return value.getEvent() == AgreementEvent.APPLIED;
        }
    }

    private final Map<String, Object> clientProperties;
    private final String topic;
    private final String agreementsTopic;
    private final SchemaRegistryClient registry;
    private final ConfluentAvroSerde<AgreementHistoryEntry> serde;
    private KafkaProducer<String, byte[]> producer;

    /**
     * @param clientProperties Kafka client and serde settings ({@code schema.registry.url} and friends)
     * @param topic            the history topic, {@code ThreatlineTopics.agreementsHistory()}
     * @param agreementsTopic  the agreements topic, named when its write fails after the history's
     */
    AgreementHistory(Map<String, Object> clientProperties, String topic, String agreementsTopic) {
        this.clientProperties = Map.copyOf(clientProperties);
        this.topic = topic;
        this.agreementsTopic = agreementsTopic;
        this.registry = new AvroSerdeConfig(clientProperties).newClient();
        this.serde = ConfluentAvroSerde.specific(AgreementHistoryEntry.class, registry, clientProperties, false);
    }

    /** An entry saying {@code agreement} took effect, applied by {@code operator}. */
    static AgreementHistoryEntry applied(PartnerAgreement agreement, String operator) {
        return AgreementHistoryEntry.newBuilder()
                .setPartnerId(agreement.getPartnerId())
                .setEvent(AgreementEvent.APPLIED)
                .setOperator(operator)
                .setAgreement(agreement)
                .build();
    }

    /** An entry saying the partner's agreement was ended by {@code operator}. */
    static AgreementHistoryEntry ended(String partnerId, String operator) {
        return AgreementHistoryEntry.newBuilder()
                .setPartnerId(partnerId)
                .setEvent(AgreementEvent.ENDED)
                .setOperator(operator)
                .setAgreement(null)
                .build();
    }

    /**
     * Appends {@code entry}, keyed by its partner id, and returns once every in-sync replica has it
     * (acks=all, idempotent), so a caller writes the agreements topic only after its history.
     *
     * @return when the broker appended it
     */
    Instant append(AgreementHistoryEntry entry) throws Exception {
        if (producer == null) {
            Map<String, Object> props = new HashMap<>(AvroSerdeConfig.kafkaOnly(clientProperties));
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        }
        byte[] value = serde.serializer().serialize(topic, entry);
        RecordMetadata written = producer.send(new ProducerRecord<>(topic, entry.getPartnerId(), value))
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return Instant.ofEpochMilli(written.timestamp());
    }

    /** The write of an agreement to the agreements topic, acknowledged. */
    @FunctionalInterface
    interface AgreementWrite {
        void write() throws Exception;
    }

    /**
     * Opens the history of {@code topics}, creating its topic first if it is missing (with the
     * configuration {@link ThreatlineTopics#agreementsHistoryTopic()} declares, never the broker's defaults).
     */
    static AgreementHistory open(
            Map<String, Object> clientProperties, Map<String, Object> kafkaProperties, ThreatlineTopics topics) {
        try (Admin admin = Admin.create(kafkaProperties)) {
            TopicProvisioner.ensure(admin, List.of(topics.agreementsHistoryTopic()));
        }
        return new AgreementHistory(clientProperties, topics.agreementsHistory(), topics.agreements());
    }

    /**
     * Decides every agreement of one apply against the history now ({@link AgreementVersions#decideAll}).
     *
     * @throws AgreementVersions.RefusedException when one is refused; nothing has been written
     */
    Plan plan(List<PartnerAgreement> agreements, String operator) throws AgreementVersions.RefusedException {
        return new Plan(
                List.copyOf(agreements), AgreementVersions.decideAll(readAll(), inForce(), agreements), operator);
    }

    /** The decided agreements of one apply, written in their order, each after its history entry. */
    final class Plan {
        private final List<PartnerAgreement> agreements;
        private final List<AgreementVersions.Decision> decisions;
        private final String operator;
        private int next;

        private Plan(List<PartnerAgreement> agreements, List<AgreementVersions.Decision> decisions, String operator) {
            this.agreements = agreements;
            this.decisions = decisions;
            this.operator = operator;
        }

        /**
         * Records the next agreement of the plan, which must be {@code agreement}, then writes it: see
         * {@link AgreementHistory#recordThenWrite}.
         *
         * @return when the same terms took effect, if they are unchanged; empty if this applied them
         */
        Optional<Instant> recordThenWrite(PartnerAgreement agreement, AgreementWrite write) throws Exception {
            if (next >= agreements.size() || agreements.get(next) != agreement) {
                throw new IllegalStateException("agreements must be written in the order they were decided");
            }
            AgreementVersions.Decision decision = decisions.get(next++);
            AgreementHistory.this.recordThenWrite(decision, agreement, operator, write);
            return decision.outcome() == AgreementVersions.Outcome.UNCHANGED
                    ? decision.latest().map(Entry::at)
                    : Optional.empty();
        }
    }

    /**
     * Appends the history entry {@code decision} calls for (none when the terms are unchanged), then
     * writes the agreement to the agreements topic: a version is in force only once its history has
     * it. Should the second write fail, the history names a version that may not have taken effect;
     * the exception says so, and applying the same file again writes the agreement (unchanged terms
     * add no second entry). An unchanged agreement is written again for that reason: it repairs such
     * a failure and changes nothing otherwise.
     */
    void recordThenWrite(
            AgreementVersions.Decision decision, PartnerAgreement agreement, String operator, AgreementWrite write)
            throws Exception {
        Instant recorded = null;
        if (decision.outcome() == AgreementVersions.Outcome.APPLY
                || decision.outcome() == AgreementVersions.Outcome.APPLY_AGAIN) {
            recorded = append(applied(agreement, operator));
        } else if (decision.outcome() != AgreementVersions.Outcome.UNCHANGED) {
            throw new IllegalArgumentException(
                    "agreement of partner " + agreement.getPartnerId() + " was refused: " + decision.reason());
        }
        try {
            write.write();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "partner " + agreement.getPartnerId() + ": version " + agreement.getVersion()
                            + (recorded == null ? " is" : " was added to the history at " + recorded + " and is")
                            + " in " + topic + ", but writing it to " + agreementsTopic + " failed (" + e.getMessage()
                            + "); apply the same file again: the same terms are written again without a second history entry",
                    e);
        }
    }

    /** Every entry now in the topic, in order, grouped by partner id (entries of other partners are never mixed in). */
    Map<String, List<Entry>> readAll() {
        Map<String, List<Entry>> byPartner = new HashMap<>();
        readToEnd(topic, record -> {
            if (record.value() == null) {
                return;
            }
            AgreementHistoryEntry value = serde.deserializer().deserialize(topic, record.value());
            // The partner named inside the entry decides, not the key, so a mis-keyed entry is still found under its
            // partner.
            byPartner
                    .computeIfAbsent(value.getPartnerId(), k -> new ArrayList<>())
                    .add(new Entry(Instant.ofEpochMilli(record.timestamp()), record.offset(), value));
        });
        return byPartner;
    }

    /**
     * The agreement each partner has in the agreements topic now (the latest record per partner id;
     * a tombstone removes it). Agreements applied before the history existed are there only, and
     * still bind the version rule.
     */
    Map<String, PartnerAgreement> inForce() {
        Map<String, PartnerAgreement> current = new HashMap<>();
        try (ConfluentAvroSerde<PartnerAgreement> agreements =
                ConfluentAvroSerde.specific(PartnerAgreement.class, registry, clientProperties, false)) {
            readToEnd(agreementsTopic, record -> {
                if (record.value() == null) {
                    current.remove(record.key());
                } else {
                    current.put(record.key(), agreements.deserializer().deserialize(agreementsTopic, record.value()));
                }
            });
        }
        return current;
    }

    /** Hands every record now in {@code name}, tombstones too, to {@code each}, in order, without a consumer group. */
    private void readToEnd(String name, java.util.function.Consumer<ConsumerRecord<String, byte[]>> each) {
        TopicSnapshot.read(clientProperties, name, each);
    }

    /** A partner's entries, in order; empty when it has none. */
    List<Entry> read(String partnerId) {
        return readAll().getOrDefault(partnerId, List.of());
    }

    String topic() {
        return topic;
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        serde.close();
        registry.close();
    }
}
