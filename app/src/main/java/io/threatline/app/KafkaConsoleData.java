package io.threatline.app;

import io.threatline.agreements.AgreementPolicy;
import io.threatline.agreements.Decision;
import io.threatline.app.console.ConsoleData;
import io.threatline.app.console.HubStateLookup;
import io.threatline.app.console.IndicatorView;
import io.threatline.consumer.audit.AuditReader;
import io.threatline.consumer.audit.AuditVerifier;
import io.threatline.contract.DeadLetter;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.Indicator;
import io.threatline.contract.PartnerAgreement;
import io.threatline.schemas.identity.CanonicalIndicator;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroSerde;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.schemas.topics.TopicSnapshot;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The console's reads of the topics ({@link ConsoleData}): the agreements and their history
 * ({@link AgreementHistory}), the receipt chains ({@link AuditReader}, {@link AuditVerifier}), one
 * indicator ({@link IndicatorLookup}, the reads of `threatline indicators show`) and the dead-letter
 * topic. Nothing is kept between calls; the console caches briefly.
 */
final class KafkaConsoleData implements ConsoleData {

    /** Offsets of each dead-letter partition the console looks through for the latest letters. */
    static final int DEAD_LETTER_WINDOW = 5_000;
    /** Bytes of an original record shown as text; the whole of it (as kept) is in {@code base64}. */
    static final int PREVIEW_BYTES = 512;

    private final Map<String, Object> client;
    private final ThreatlineTopics topics;
    private final HubStateLookup hubStates;

    /** @param hubStates the hub's state through interactive queries; null where the process runs no hub */
    KafkaConsoleData(Map<String, Object> client, ThreatlineTopics topics, HubStateLookup hubStates) {
        this.client = Map.copyOf(client);
        this.topics = topics;
        this.hubStates = hubStates;
    }

    @Override
    public List<Map<String, Object>> partners() throws Exception {
        Map<String, PartnerAgreement> inForce;
        Map<String, List<AgreementHistory.Entry>> history;
        try (AgreementHistory agreements =
                new AgreementHistory(client, topics.agreementsHistory(), topics.agreements())) {
            inForce = agreements.inForce();
            history = agreements.readAll();
        }
        List<DeliveryReceipt> receipts = new ArrayList<>();
        try (AuditReader reader = AuditReader.open(client, topics.deliveryAudit())) {
            reader.readAll(receipts::add);
        }
        Instant now = Instant.now();
        TreeSet<String> ids = new TreeSet<>(inForce.keySet());
        ids.addAll(history.keySet());
        List<Map<String, Object>> partners = new ArrayList<>();
        for (String id : ids) {
            PartnerAgreement agreement = inForce.get(id);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("partnerId", id);
            p.put("partnerName", agreement == null ? null : agreement.getPartnerName());
            p.put("inForce", agreement != null && AgreementPolicy.inForce(agreement, now));
            p.put("summary", agreement == null ? "no agreement (ended)" : AgreementHistoryFormat.summary(agreement));
            p.put("terms", agreement == null ? null : AgreementHistoryFormat.terms(agreement));
            List<Map<String, Object>> versions = new ArrayList<>();
            for (AgreementHistory.Entry e : history.getOrDefault(id, List.of())) {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("at", e.at().toString());
                v.put("event", e.value().getEvent().name());
                v.put("operator", e.value().getOperator());
                PartnerAgreement a = e.value().getAgreement();
                v.put("agreementId", a == null ? null : a.getAgreementId());
                v.put("version", a == null ? null : a.getVersion());
                versions.add(v);
            }
            p.put("versions", versions);
            AuditVerifier.Report chain = AuditVerifier.verify(id, receipts, Instant.EPOCH, now.plusSeconds(1));
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("receipts", chain.receipts());
            c.put("intact", chain.intact());
            c.put("lastSequence", chain.lastSequence());
            c.put("lastHash", chain.lastHash());
            c.put(
                    "breaks",
                    chain.breaks().stream()
                            .limit(5)
                            .map(b -> b.sequence() + ": " + b.problem())
                            .toList());
            p.put("chain", c);
            p.put(
                    "lastReceipt",
                    receipts.stream()
                            .filter(r -> r.getPartnerId().equals(id))
                            .max(Comparator.comparingLong(DeliveryReceipt::getSequence))
                            .map(KafkaConsoleData::receipt)
                            .orElse(null));
            partners.add(p);
        }
        return partners;
    }

    /** The deployment's indicator key, when the console's settings name it ({@code threatline.indicator-key.file}). */
    private Optional<io.threatline.schemas.privacy.IndicatorKey> indicatorKey() throws java.io.IOException {
        Object file = client.get(io.threatline.schemas.privacy.IndicatorKey.FILE_SETTING);
        return file == null
                ? Optional.empty()
                : Optional.of(io.threatline.schemas.privacy.IndicatorKey.read(java.nio.file.Path.of(file.toString())));
    }

    @Override
    public Optional<Map<String, Object>> indicator(String pasted) throws Exception {
        CanonicalIndicator canonical = IndicatorLookup.canonical(pasted, null);
        IndicatorLookup lookup = new IndicatorLookup(client, topics, indicatorKey());
        List<IndicatorLookup.Change> changes = lookup.changes(canonical.id());
        if (changes.isEmpty()) {
            return Optional.empty();
        }
        Indicator now = changes.get(changes.size() - 1).indicator();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("pasted", pasted);
        view.putAll(IndicatorView.of(now));
        view.put(
                "changes",
                changes.stream()
                        .map(c -> Map.of(
                                "at",
                                c.at().toString(),
                                "action",
                                c.indicator().getAction().name()))
                        .toList());
        Map<String, List<DeliveryReceipt>> receipts = lookup.receipts(now.getId());
        Instant at = Instant.now();
        List<Map<String, Object>> partners = new ArrayList<>();
        for (PartnerAgreement agreement : new TreeMap<>(lookup.agreements()).values()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("partnerId", agreement.getPartnerId());
            Decision decision = AgreementPolicy.decide(agreement, now, at);
            p.put(
                    "decision",
                    decision instanceof Decision.Deliver
                            ? "granted"
                            : decision instanceof Decision.Embargoed ? "embargoed" : "withheld");
            if (decision instanceof Decision.Withhold w) {
                p.put("reasonCode", w.reasonCode());
                p.put("reason", w.reason());
            }
            p.put("explanation", IndicatorLookup.decision(agreement, now, at));
            List<DeliveryReceipt> partnerReceipts = receipts.getOrDefault(agreement.getPartnerId(), List.of());
            p.put(
                    "received",
                    partnerReceipts.stream().map(KafkaConsoleData::receipt).toList());
            p.put(
                    "versions",
                    lookup.versions(now.getId(), partnerReceipts).stream()
                            .map(v -> Map.of(
                                    "at", v.at().toString(),
                                    "action", v.action(),
                                    "tlp", v.tlp(),
                                    "agreementVersion", v.agreementVersion()))
                            .toList());
            partners.add(p);
        }
        view.put("partners", partners);
        if (hubStates != null) {
            view.put("hub", hubStates.find(now.getId()));
        }
        return Optional.of(view);
    }

    private static Map<String, Object> receipt(DeliveryReceipt r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sequence", r.getSequence());
        m.put("deliveredAt", r.getDeliveredAt().toString());
        m.put("channel", r.getChannel().name().toLowerCase(java.util.Locale.ROOT));
        m.put("target", r.getChannelTarget());
        m.put("agreementId", r.getAgreementId());
        m.put("agreementVersion", r.getAgreementVersion());
        m.put("records", r.getRecordIds().size());
        return m;
    }

    @Override
    public Optional<Map<String, Object>> decideFalsePositive(
            String value, String partnerId, boolean accept, String operator, String reason) throws Exception {
        var canonical = IndicatorLookup.canonical(value, null);
        int decided = FalsePositivesCommand.decide(
                client,
                topics,
                canonical,
                partnerId,
                accept
                        ? io.threatline.contract.FalsePositiveStatus.ACCEPTED
                        : io.threatline.contract.FalsePositiveStatus.REJECTED,
                operator,
                reason);
        return decided == 0
                ? Optional.empty()
                : Optional.of(Map.of("indicatorId", canonical.id(), "partnerId", partnerId, "decided", decided));
    }

    @Override
    public Map<String, Object> reports(int limit) throws Exception {
        List<Map<String, Object>> falsePositives = new ArrayList<>();
        FalsePositivesCommand.reports(client, topics).values().stream()
                .sorted(java.util.Comparator.comparing((io.threatline.contract.FalsePositiveReport r) ->
                                r.getStatus() != io.threatline.contract.FalsePositiveStatus.OPEN)
                        .thenComparing(r -> r.getReportedAt(), java.util.Comparator.reverseOrder()))
                .forEach(r -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("indicatorId", r.getIndicatorId());
                    m.put("partnerId", r.getPartnerId());
                    m.put("reportId", r.getReportId());
                    m.put("reportedAt", r.getReportedAt().toString());
                    m.put("comment", r.getComment());
                    m.put("status", r.getStatus().name());
                    m.put("decidedBy", r.getDecidedBy());
                    m.put(
                            "decidedAt",
                            r.getDecidedAt() == null ? null : r.getDecidedAt().toString());
                    m.put("decisionReason", r.getDecisionReason());
                    falsePositives.add(m);
                });
        java.util.ArrayDeque<Map<String, Object>> received = new java.util.ArrayDeque<>();
        try (AuditReader reader = AuditReader.open(client, topics.deliveryAudit())) {
            reader.readAll(r -> {
                if (r.getDirection() != io.threatline.contract.ReceiptDirection.INBOUND) {
                    return;
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("partnerId", r.getPartnerId());
                m.put("receivedAt", r.getDeliveredAt().toString());
                m.put("sequence", r.getSequence());
                m.put("records", r.getRecordIds());
                m.put("target", r.getChannelTarget());
                m.put(
                        "agreement",
                        r.getAgreementId().isEmpty() ? null : r.getAgreementId() + " v" + r.getAgreementVersion());
                received.addFirst(m);
                if (received.size() > limit) {
                    received.removeLast();
                }
            });
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("falsePositives", falsePositives);
        out.put("received", new ArrayList<>(received));
        return out;
    }

    @Override
    public List<Map<String, Object>> deadLetters(String reasonCode, int limit) throws Exception {
        String topic = topics.deadLetter();
        List<Map<String, Object>> letters = new ArrayList<>();
        try (ConfluentAvroSerde<DeadLetter> serde =
                ConfluentAvroSerde.specific(DeadLetter.class, new AvroSerdeConfig(client).newClient(), client, false)) {
            TopicSnapshot.readLatest(client, topic, DEAD_LETTER_WINDOW, record -> {
                if (record.value() == null) {
                    return;
                }
                DeadLetter d;
                try {
                    d = serde.deserializer().deserialize(topic, record.value());
                } catch (RuntimeException e) {
                    letters.add(Map.of(
                            "reasonCode", "UNREADABLE",
                            "reason", "not a dead letter: " + e.getMessage(),
                            "offset", record.offset(),
                            "partition", record.partition(),
                            "failedAt", Instant.ofEpochMilli(record.timestamp()).toString()));
                    return;
                }
                if (reasonCode != null && !reasonCode.equals(d.getReasonCode())) {
                    return;
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("failedAt", d.getFailedAt().toString());
                m.put("reasonCode", d.getReasonCode());
                m.put("reason", d.getReason());
                m.put("stage", d.getStage());
                m.put("sourceTopic", d.getSourceTopic());
                m.put("sourcePartition", d.getSourcePartition());
                m.put("sourceOffset", d.getSourceOffset());
                m.put("partnerId", d.getPartnerId());
                m.put("originalSize", d.getOriginalSize());
                m.put("originalSha256", d.getOriginalSha256());
                byte[] value = bytes(d.getOriginalValue());
                m.put(
                        "originalBase64",
                        value == null ? null : Base64.getEncoder().encodeToString(value));
                m.put("originalPreview", value == null ? null : preview(value));
                byte[] key = bytes(d.getOriginalKey());
                m.put("originalKeyPreview", key == null ? null : preview(key));
                m.put("offset", record.offset());
                m.put("partition", record.partition());
                letters.add(m);
            });
        }
        letters.sort(Comparator.comparing((Map<String, Object> m) -> String.valueOf(m.get("failedAt")))
                .reversed());
        return letters.size() > limit ? new ArrayList<>(letters.subList(0, limit)) : letters;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** The first bytes as text: printable ASCII as it is, anything else as a dot. */
    static String preview(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, PREVIEW_BYTES); i++) {
            int b = bytes[i] & 0xff;
            s.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        return bytes.length > PREVIEW_BYTES ? s + "…" : s.toString();
    }
}
