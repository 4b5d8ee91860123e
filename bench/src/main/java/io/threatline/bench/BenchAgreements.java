package io.threatline.bench;

import io.threatline.contract.AgreementScope;
import io.threatline.contract.DataKind;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.Redaction;
import io.threatline.contract.Tlp;
import io.threatline.platform.kafka.TopicProvisioner;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroSerializer;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The agreements the hub benchmarks run with. {@link #standard()} is the scenario's three
 * (statistics only; indicators up to GREEN; Shylock up to AMBER). {@link #scoped(int)} adds
 * agreements scoped by malware family, indicator type and TLP ceiling so that each indicator
 * matches a handful of them, however many there are (about 4 on the simulator's mix; the
 * agreement-scaling run prints what it measured).
 */
public final class BenchAgreements {

    /** The simulator's families (SimulatedFamily), as the hub sees them without the alias table. */
    static final List<String> FAMILIES =
            List.of("Shylock", "Emotet", "QakBot", "Dridex", "TrickBot", "ZeuS", "IcedID", "AgentTesla");

    static final List<IndicatorType> TYPES = List.of(
            IndicatorType.IPV4,
            IndicatorType.DOMAIN,
            IndicatorType.URL,
            IndicatorType.SHA256,
            IndicatorType.MD5,
            IndicatorType.SHA1,
            IndicatorType.IPV6,
            IndicatorType.EMAIL);
    static final List<Tlp> CEILINGS = List.of(Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED, Tlp.AMBER);
    static final Instant VALID_FROM = Instant.parse("2026-01-01T00:00:00Z");

    private BenchAgreements() {}

    /** Europol EC3 (statistics only), INTERPOL (indicators up to GREEN), an NCA (Shylock up to AMBER). */
    public static List<PartnerAgreement> standard() {
        return List.of(
                agreement("europol-ec3", DataKind.STATISTICS, Tlp.GREEN, List.of(), List.of()),
                agreement("interpol", DataKind.INDICATORS, Tlp.GREEN, List.of(), List.of()),
                agreement("nca", DataKind.INDICATORS, Tlp.AMBER, List.of(), List.of("Shylock")));
    }

    /**
     * The standard three and {@code count - 3} more: agreement {@code j} takes one family
     * ({@code j mod 8}), two neighbouring indicator types (chosen by {@code j / 8}) and a ceiling
     * from GREEN to RED, so an indicator with a family and type matches about six of every 200 before
     * the TLP check, and one without a family matches only the standard ones.
     */
    public static List<PartnerAgreement> scoped(int count) {
        if (count < 3) {
            throw new IllegalArgumentException(
                    "the scoped set includes the standard three, so at least 3; was " + count);
        }
        List<PartnerAgreement> all = new ArrayList<>(standard());
        for (int j = 0; j < count - 3; j++) {
            int round = j / FAMILIES.size();
            List<IndicatorType> types = List.of(TYPES.get(round % TYPES.size()), TYPES.get((round + 1) % TYPES.size()));
            all.add(agreement(
                    String.format("partner-%03d", j),
                    DataKind.INDICATORS,
                    CEILINGS.get(j % CEILINGS.size()),
                    types,
                    List.of(FAMILIES.get(j % FAMILIES.size()))));
        }
        return all;
    }

    /** The set of the given size: {@link #standard()} for 3, else {@link #scoped(int)}. */
    public static List<PartnerAgreement> ofSize(int count) {
        return count == 3 ? standard() : scoped(count);
    }

    /**
     * Creates each partner's indicators topic (and, where it is granted statistics, the statistics
     * topic) and writes the agreements; the hub reads them at start-up from the compacted topic.
     */
    public static void apply(
            String bootstrap, String registry, ThreatlineTopics topics, List<PartnerAgreement> agreements)
            throws Exception {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            List<NewTopic> partnerTopics = new ArrayList<>();
            for (PartnerAgreement a : agreements) {
                // Only the topics the hub writes: 200 partners' dead-letter topics would be 200 idle topics more.
                boolean statistics = a.getDataKinds().contains(DataKind.STATISTICS)
                        || a.getDataKinds().contains(DataKind.TRENDS);
                String indicatorsTopic = topics.partnerIndicators(a.getPartnerId());
                String statisticsTopic = topics.partnerStatistics(a.getPartnerId());
                topics.partnerTopics(a.getPartnerId(), Duration.ofDays(7)).stream()
                        .filter(t -> t.name().equals(indicatorsTopic)
                                || statistics && t.name().equals(statisticsTopic))
                        .forEach(partnerTopics::add);
            }
            TopicProvisioner.ensure(admin, partnerTopics);
        }
        ConfluentAvroSerializer<PartnerAgreement> values = new ConfluentAvroSerializer<>();
        values.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry), false);
        try (KafkaProducer<String, PartnerAgreement> producer = new KafkaProducer<>(
                Map.<String, Object>of("bootstrap.servers", bootstrap), new StringSerializer(), values)) {
            List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
            for (PartnerAgreement a : agreements) {
                sends.add(producer.send(new ProducerRecord<>(topics.agreements(), a.getPartnerId(), a)));
            }
            for (java.util.concurrent.Future<?> send : sends) {
                send.get();
            }
        }
    }

    private static PartnerAgreement agreement(
            String partner, DataKind kind, Tlp ceiling, List<IndicatorType> types, List<String> families) {
        return PartnerAgreement.newBuilder()
                .setPartnerId(partner)
                .setPartnerName(partner)
                .setAgreementId("mou-" + partner)
                .setVersion(1)
                .setValidFrom(VALID_FROM)
                .setDataKinds(List.of(kind))
                .setTlpCeiling(ceiling)
                .setScope(AgreementScope.newBuilder()
                        .setIndicatorTypes(types)
                        .setMalwareFamilies(families)
                        .build())
                .setRedaction(Redaction.newBuilder().build())
                .build();
    }
}
