package io.threatline.app;

import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.PartnerAgreement;
import io.threatline.platform.kafka.TopicProvisioner;
import io.threatline.schemas.serde.ConfluentAvroSerializer;
import io.threatline.schemas.topics.PartnerAcls;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishing partner agreements, the one way `agreements apply` and `run` both use: each partner's
 * topics, then its agreement after its entry in the history of agreements, and, where a Kafka channel
 * names a principal, its ACLs.
 */
final class AgreementPublishing {

    private AgreementPublishing() {}

    /**
     * Checks every agreement's version against the history of agreements (nothing is written when
     * one is refused), then publishes them, each one's history entry first.
     *
     * @param operator who applies them, kept in the history
     * @throws AgreementVersions.RefusedException when a version is not greater than the partner's latest
     *                                            and its terms differ (nothing is written)
     */
    static void publish(
            Map<String, Object> clientProperties,
            Map<String, Object> kafkaProperties,
            ThreatlineTopics topics,
            Duration retention,
            List<PartnerAgreement> agreements,
            String operator,
            PrintWriter out)
            throws Exception {
        try (AgreementHistory history = AgreementHistory.open(clientProperties, kafkaProperties, topics)) {
            publish(
                    clientProperties,
                    kafkaProperties,
                    topics,
                    retention,
                    agreements,
                    history.plan(agreements, operator),
                    out);
        }
    }

    /**
     * Creates each partner's topics (its JSON mirror too when a Kafka channel asks for one), then
     * writes the agreements to the agreements topic, acknowledged, each after its history entry,
     * printing one line per agreement.
     */
    private static void publish(
            Map<String, Object> clientProperties,
            Map<String, Object> kafkaProperties,
            ThreatlineTopics topics,
            Duration retention,
            List<PartnerAgreement> agreements,
            AgreementHistory.Plan history,
            PrintWriter out)
            throws Exception {
        try (Admin admin = Admin.create(kafkaProperties)) {
            for (PartnerAgreement a : agreements) {
                // Topics first: the hub routes to a partner as soon as its agreement is in the topic. How long they
                // keep the feed is the agreement's to say, else the operator's default (docs/data-protection.md).
                Duration kept = a.getRetentionMillis() > 0 ? Duration.ofMillis(a.getRetentionMillis()) : retention;
                List<NewTopic> partnerTopics = new ArrayList<>(topics.partnerTopics(a.getPartnerId(), kept));
                boolean jsonMirror = a.getChannels().stream()
                        .anyMatch(c -> c.getChannel() == DeliveryChannel.KAFKA
                                && "json"
                                        .equalsIgnoreCase(c.getSettings()
                                                .getOrDefault("format", "avro")
                                                .strip()));
                if (jsonMirror) {
                    partnerTopics.add(topics.partnerIndicatorsJsonTopic(a.getPartnerId(), kept));
                }
                TopicProvisioner.ensure(admin, partnerTopics);
                // Topics that existed already follow a changed agreement too.
                TopicProvisioner.alignRetention(admin, topics.partnerFeedTopics(partnerTopics), kept);
            }
        }
        Map<String, Object> props = new java.util.HashMap<>(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        ConfluentAvroSerializer<PartnerAgreement> values = new ConfluentAvroSerializer<>();
        values.configure(props, false);
        try (KafkaProducer<String, PartnerAgreement> producer =
                new KafkaProducer<>(props, new StringSerializer(), values)) {
            for (PartnerAgreement a : agreements) {
                Optional<Instant> unchangedSince = history.recordThenWrite(
                        a,
                        () -> producer.send(new ProducerRecord<>(topics.agreements(), a.getPartnerId(), a))
                                .get(30, TimeUnit.SECONDS));
                if (unchangedSince.isPresent()) {
                    out.printf(
                            "unchanged: %s (%s) agreement %s version %d, the same terms in force since %s%n",
                            a.getPartnerId(),
                            a.getPartnerName(),
                            a.getAgreementId(),
                            a.getVersion(),
                            unchangedSince.get());
                    continue;
                }
                out.printf(
                        "applied: %s (%s) agreement %s version %d, valid %s to %s, ceiling %s, kinds %s -> %s (kept %s)%n",
                        a.getPartnerId(),
                        a.getPartnerName(),
                        a.getAgreementId(),
                        a.getVersion(),
                        a.getValidFrom(),
                        Optional.ofNullable(a.getValidUntil())
                                .map(Instant::toString)
                                .orElse("open-ended"),
                        a.getTlpCeiling(),
                        a.getDataKinds(),
                        topics.partnerIndicators(a.getPartnerId()),
                        a.getRetentionMillis() > 0
                                ? Duration.ofMillis(a.getRetentionMillis()) + ", as the agreement says"
                                : retention + ", the default");
            }
        }
        out.flush();
    }

    /**
     * Grants each partner whose Kafka channel names a principal read on its own topics and groups
     * ({@link PartnerAcls}); Kafka denies everything else to it.
     */
    static void grantPartnerAcls(
            Map<String, Object> kafkaProperties,
            ThreatlineTopics topics,
            List<PartnerAgreement> agreements,
            PrintWriter out)
            throws Exception {
        PartnerAcls partnerAcls = new PartnerAcls(topics);
        try (Admin admin = Admin.create(kafkaProperties)) {
            for (PartnerAgreement a : agreements) {
                Optional<String> principal = a.getChannels().stream()
                        .filter(c -> c.getChannel() == DeliveryChannel.KAFKA)
                        .map(c -> c.getSettings().get("principal"))
                        .filter(p -> p != null && !p.isBlank())
                        .findFirst();
                if (principal.isEmpty()) {
                    continue;
                }
                // Checked again here (apply checked the files): only User:<partner id>, never a wildcard or another
                // user.
                PartnerAcls.checkPrincipal(a.getPartnerId(), principal.get());
                try {
                    admin.createAcls(partnerAcls.partnerReader(
                                    a.getPartnerId(), principal.get().strip()))
                            .all()
                            .get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof org.apache.kafka.common.errors.SecurityDisabledException) {
                        throw new IllegalStateException(
                                "--acls: the cluster has no authorizer, so ACLs cannot keep partners apart; "
                                        + "enable one (authorizer.class.name) or leave out --acls",
                                e);
                    }
                    throw e;
                }
                out.printf(
                        "acls: %s may read %s and use groups %s* only%n",
                        principal.get().strip(),
                        String.join(", ", partnerAcls.partnerReadableTopics(a.getPartnerId())),
                        PartnerAcls.partnerGroupPrefix(a.getPartnerId()));
                // Reporting back (docs/sharing-back.md): write on its own inbound topic while its agreement lets it.
                if (a.getInbound() != null && !a.getInbound().getReports().isEmpty()) {
                    admin.createAcls(partnerAcls.partnerReporter(
                                    a.getPartnerId(), principal.get().strip()))
                            .all()
                            .get(30, TimeUnit.SECONDS);
                    out.printf(
                            "acls: %s may write %s%n",
                            principal.get().strip(), topics.partnerInbound(a.getPartnerId()));
                } else {
                    admin.deleteAcls(partnerAcls
                                    .partnerReporter(
                                            a.getPartnerId(), principal.get().strip())
                                    .stream()
                                    .map(org.apache.kafka.common.acl.AclBinding::toFilter)
                                    .toList())
                            .all()
                            .get(30, TimeUnit.SECONDS);
                }
            }
        }
        out.flush();
    }
}
