package io.threatline.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.threatline.contract.AgreementScope;
import io.threatline.contract.ChannelSettings;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.Redaction;
import io.threatline.contract.Tlp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * How {@code threatline agreements history} shows a partner's history: a list of entries with
 * each version's terms and when it took effect and stopped, one version's full terms, or either
 * as JSON for scripts. Channel settings are shown without secrets: a setting named like a secret
 * shows only a reference ({@code secret:<name>}, <code>${THREATLINE_SECRET_...}</code>), never a value.
 */
final class AgreementHistoryFormat {

    private static final Pattern SECRET_NAME =
            Pattern.compile("(?i).*(password|passphrase|secret|token|key|credential).*");
    private static final Pattern SECRET_REFERENCE = Pattern.compile("secret:\\S+|\\$\\{THREATLINE_SECRET_[A-Z0-9_]+}");
    static final String HIDDEN = "(hidden)";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AgreementHistoryFormat() {}

    /** One entry and what followed it: the next entry's time and what it was, if any. */
    private record Span(AgreementHistory.Entry entry, Optional<AgreementHistory.Entry> next) {
        String until() {
            return next.map(n -> n.at()
                            + (n.applied()
                                    ? " (replaced by v"
                                            + n.value().getAgreement().getVersion() + ")"
                                    : " (ended)"))
                    .orElse("now (latest)");
        }
    }

    /** Every entry of a partner, oldest first, each applied version with its terms. */
    static String list(String partnerId, String topic, List<AgreementHistory.Entry> entries) {
        StringBuilder out = new StringBuilder();
        long versions = entries.stream()
                .filter(AgreementHistory.Entry::applied)
                .map(e -> e.value().getAgreement().getVersion())
                .distinct()
                .count();
        out.append(String.format(
                "History of %s's agreement: %d version(s), %d entr%s in %s%n",
                partnerId, versions, entries.size(), entries.size() == 1 ? "y" : "ies", topic));
        for (Span span : spans(entries)) {
            AgreementHistory.Entry e = span.entry();
            if (e.applied()) {
                PartnerAgreement a = e.value().getAgreement();
                out.append(String.format(
                        "  v%d  %s (%s)  took effect %s%s, in force until %s%n",
                        a.getVersion(), a.getAgreementId(), a.getPartnerName(), e.at(), by(e), span.until()));
                out.append("      ").append(summary(a)).append(System.lineSeparator());
            } else {
                out.append(String.format("  ended  %s%s%n", e.at(), by(e)));
            }
        }
        return out.toString();
    }

    /** The full terms of one version and when it was in force; empty when the history has no such version. */
    static Optional<String> version(String partnerId, List<AgreementHistory.Entry> entries, int version) {
        List<Span> spans = spans(entries).stream()
                .filter(s ->
                        s.entry().applied() && s.entry().value().getAgreement().getVersion() == version)
                .toList();
        if (spans.isEmpty()) {
            return Optional.empty();
        }
        PartnerAgreement a = spans.get(spans.size() - 1).entry().value().getAgreement();
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                "Partner %s (%s), agreement %s version %d%n",
                partnerId, a.getPartnerName(), a.getAgreementId(), version));
        for (Span s : spans) {
            out.append(String.format(
                    "  %-26s from %s%s until %s%n", "in force:", s.entry().at(), by(s.entry()), s.until()));
        }
        Map<String, Object> terms = terms(a);
        if (terms.get("validUntil") == null) {
            terms.put("validUntil", "open-ended");
        }
        terms.forEach((name, value) -> out.append(String.format("  %-26s %s%n", label(name) + ":", text(value))));
        return Optional.of(out.toString());
    }

    /** The history as JSON: every entry with its time, operator, and for an applied version its terms and until when. */
    static String listJson(String partnerId, String topic, List<AgreementHistory.Entry> entries) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("partnerId", partnerId);
        doc.put("topic", topic);
        doc.put(
                "entries",
                spans(entries).stream().map(AgreementHistoryFormat::jsonEntry).toList());
        return write(doc);
    }

    /** One version as JSON: its terms and every period it was in force; empty when there is no such version. */
    static Optional<String> versionJson(String partnerId, List<AgreementHistory.Entry> entries, int version) {
        List<Span> spans = spans(entries).stream()
                .filter(s ->
                        s.entry().applied() && s.entry().value().getAgreement().getVersion() == version)
                .toList();
        if (spans.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("partnerId", partnerId);
        doc.put("version", version);
        doc.put(
                "inForce",
                spans.stream()
                        .map(s -> {
                            Map<String, Object> period = new LinkedHashMap<>();
                            period.put("from", s.entry().at().toString());
                            period.put("operator", s.entry().value().getOperator());
                            period.put(
                                    "until",
                                    s.next().map(n -> n.at().toString()).orElse(null));
                            return period;
                        })
                        .toList());
        doc.put("terms", terms(spans.get(spans.size() - 1).entry().value().getAgreement()));
        return Optional.of(write(doc));
    }

    /** One line of the terms that decide what a partner receives and how. */
    static String summary(PartnerAgreement a) {
        AgreementScope s = a.getScope();
        return String.format(
                "ceiling %s; kinds %s; scope: types %s, families %s, campaigns %s, countries %s, minimum confidence %d; "
                        + "embargo %s; period %s to %s; channels %s",
                tlp(a.getTlpCeiling()),
                a.getDataKinds(),
                anyIfEmpty(s.getIndicatorTypes()),
                anyIfEmpty(s.getMalwareFamilies()),
                anyIfEmpty(s.getCampaigns()),
                anyIfEmpty(s.getCountries()),
                s.getMinimumConfidence(),
                embargo(a.getEmbargoMillis()),
                a.getValidFrom(),
                until(a),
                channels(a.getChannels()));
    }

    /** Every term of an agreement, named, in the order of the agreement file; channel settings without secrets. */
    static Map<String, Object> terms(PartnerAgreement a) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("partnerId", a.getPartnerId());
        t.put("partnerName", a.getPartnerName());
        t.put("agreementId", a.getAgreementId());
        t.put("version", a.getVersion());
        t.put("validFrom", a.getValidFrom().toString());
        t.put(
                "validUntil",
                Optional.ofNullable(a.getValidUntil()).map(Instant::toString).orElse(null));
        t.put("dataKinds", a.getDataKinds().stream().map(Enum::name).toList());
        t.put("tlpCeiling", tlp(a.getTlpCeiling()));
        AgreementScope s = a.getScope();
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put(
                "indicatorTypes", s.getIndicatorTypes().stream().map(Enum::name).toList());
        scope.put("malwareFamilies", List.copyOf(s.getMalwareFamilies()));
        scope.put("campaigns", List.copyOf(s.getCampaigns()));
        scope.put("minimumConfidence", s.getMinimumConfidence());
        scope.put("countries", List.copyOf(s.getCountries()));
        t.put("scope", scope);
        Redaction r = a.getRedaction();
        Map<String, Object> redaction = new LinkedHashMap<>();
        redaction.put("dropProviderAttribution", r.getDropProviderAttribution());
        redaction.put("dropSensorIds", r.getDropSensorIds());
        redaction.put("obfuscateAffectedParties", r.getObfuscateAffectedParties());
        t.put("redaction", redaction);
        t.put("embargo", embargo(a.getEmbargoMillis()));
        t.put("redistributionAllowed", a.getRedistributionAllowed());
        t.put("redistributionScope", a.getRedistributionScope());
        t.put("statisticsMinimumCount", a.getStatisticsMinimumCount());
        List<Map<String, Object>> channels = new ArrayList<>();
        for (ChannelSettings c : a.getChannels()) {
            Map<String, Object> channel = new LinkedHashMap<>();
            channel.put("channel", c.getChannel().name().toLowerCase(Locale.ROOT));
            channel.put("settings", withoutSecrets(c.getSettings()));
            channels.add(channel);
        }
        t.put("channels", channels);
        return t;
    }

    /**
     * The settings, sorted by name, with the value of any setting named like a secret replaced by
     * {@link #HIDDEN} unless it is only a reference. Agreements refuse literal secrets at apply
     * time; this keeps the history's output clean of one even if an entry holds one.
     */
    static Map<String, String> withoutSecrets(Map<String, String> settings) {
        Map<String, String> shown = new TreeMap<>();
        settings.forEach((k, v) -> shown.put(
                k,
                SECRET_NAME.matcher(k).matches() && !SECRET_REFERENCE.matcher(v).matches() ? HIDDEN : v));
        return shown;
    }

    private static Map<String, Object> jsonEntry(Span span) {
        AgreementHistory.Entry e = span.entry();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", e.at().toString());
        m.put("event", e.value().getEvent().name());
        m.put("operator", e.value().getOperator());
        if (e.applied()) {
            m.put("agreementId", e.value().getAgreement().getAgreementId());
            m.put("version", e.value().getAgreement().getVersion());
            m.put("until", span.next().map(n -> n.at().toString()).orElse(null));
            m.put("terms", terms(e.value().getAgreement()));
        }
        return m;
    }

    private static List<Span> spans(List<AgreementHistory.Entry> entries) {
        List<Span> spans = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            spans.add(new Span(
                    entries.get(i), i + 1 < entries.size() ? Optional.of(entries.get(i + 1)) : Optional.empty()));
        }
        return spans;
    }

    private static String by(AgreementHistory.Entry e) {
        return e.value().getOperator() == null ? "" : " by " + e.value().getOperator();
    }

    private static String channels(List<ChannelSettings> channels) {
        if (channels.isEmpty()) {
            return "none";
        }
        List<String> shown = new ArrayList<>();
        for (ChannelSettings c : channels) {
            StringBuilder s = new StringBuilder(c.getChannel().name().toLowerCase(Locale.ROOT));
            Map<String, String> settings = withoutSecrets(c.getSettings());
            if (!settings.isEmpty()) {
                List<String> pairs = new ArrayList<>();
                settings.forEach((k, v) -> pairs.add(k + "=" + v));
                s.append(" (").append(String.join(", ", pairs)).append(')');
            }
            shown.add(s.toString());
        }
        return String.join("; ", shown);
    }

    private static String tlp(Tlp tlp) {
        return "TLP:" + tlp.name().replace('_', '+');
    }

    private static String embargo(long millis) {
        return millis == 0 ? "none" : Duration.ofMillis(millis).toString();
    }

    private static String until(PartnerAgreement a) {
        return Optional.ofNullable(a.getValidUntil()).map(Instant::toString).orElse("open-ended");
    }

    private static String anyIfEmpty(List<?> values) {
        return values.isEmpty() ? "any" : values.toString();
    }

    private static String label(String field) {
        return field.replaceAll("([A-Z])", " $1").toLowerCase(Locale.ROOT);
    }

    private static String text(Object value) {
        if (value == null) {
            return "-";
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            try {
                return new ObjectMapper().writeValueAsString(value);
            } catch (JsonProcessingException e) {
                return value.toString();
            }
        }
        return value.toString();
    }

    private static String write(Map<String, Object> doc) {
        try {
            return JSON.writeValueAsString(doc) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the history as JSON: " + e.getMessage(), e);
        }
    }
}
