package io.threatline.agreements.files;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.threatline.contract.AgreementScope;
import io.threatline.contract.ChannelSettings;
import io.threatline.contract.InboundTerms;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.Redaction;
import io.threatline.schemas.tlp.Tlp2;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Locale;

/** Writes an agreement in the file format, as YAML ({@link AgreementFiles#toYaml}). */
final class AgreementYaml {

    private static final YAMLMapper YAML_WRITER = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build();

    private AgreementYaml() {}

    /**
     * The agreement in this file format, as YAML, every field spelled out (defaults included) so
     * that what is in force can be read without knowing the defaults. {@link #parse} of the result
     * gives back an equal agreement (valid_until is written as a date or instant, never as a term).
     */
    static String write(PartnerAgreement a) {
        JsonNodeFactory nf = JsonNodeFactory.instance;
        ObjectNode root = nf.objectNode();
        root.put("partner_id", a.getPartnerId());
        root.put("partner_name", a.getPartnerName());
        root.put("agreement_id", a.getAgreementId());
        root.put("version", a.getVersion());
        root.put("valid_from", when(a.getValidFrom()));
        if (a.getValidUntil() != null) {
            root.put("valid_until", when(a.getValidUntil()));
        }
        ArrayNode kinds = root.putArray("data_kinds");
        a.getDataKinds().forEach(k -> kinds.add(k.name().toLowerCase(Locale.ROOT)));
        root.put("tlp_ceiling", Tlp2.label(a.getTlpCeiling()));
        AgreementScope s = a.getScope();
        ObjectNode scope = root.putObject("scope");
        ArrayNode types = scope.putArray("indicator_types");
        s.getIndicatorTypes().forEach(t -> types.add(t.name().toLowerCase(Locale.ROOT)));
        ArrayNode families = scope.putArray("malware_families");
        s.getMalwareFamilies().forEach(families::add);
        ArrayNode campaigns = scope.putArray("campaigns");
        s.getCampaigns().forEach(campaigns::add);
        scope.put("minimum_confidence", s.getMinimumConfidence());
        ArrayNode countries = scope.putArray("countries");
        s.getCountries().forEach(countries::add);
        Redaction r = a.getRedaction();
        ObjectNode redaction = root.putObject("redaction");
        redaction.put("drop_provider_attribution", r.getDropProviderAttribution());
        redaction.put("drop_sensor_ids", r.getDropSensorIds());
        redaction.put("obfuscate_affected_parties", r.getObfuscateAffectedParties());
        redaction.put("personal_data", r.getPersonalData().name().toLowerCase(Locale.ROOT));
        root.put("embargo", Duration.ofMillis(a.getEmbargoMillis()).toString());
        if (a.getRetentionMillis() > 0) {
            root.put("retention", Duration.ofMillis(a.getRetentionMillis()).toString());
        }
        ObjectNode redistribution = root.putObject("redistribution");
        redistribution.put("allowed", a.getRedistributionAllowed());
        if (a.getRedistributionScope() != null) {
            redistribution.put("scope", a.getRedistributionScope());
        }
        root.put("statistics_minimum_count", a.getStatisticsMinimumCount());
        root.put("on_end", a.getOnEnd().name().toLowerCase(Locale.ROOT));
        InboundTerms in = a.getInbound();
        if (in != null) {
            ObjectNode inbound = root.putObject("inbound");
            ArrayNode reports = inbound.putArray("reports");
            in.getReports().forEach(k -> reports.add(k.name().toLowerCase(Locale.ROOT)));
            inbound.put("share_as", Tlp2.label(in.getShareAs()));
            inbound.put("false_positives_suppress", in.getFalsePositivesSuppress());
        }
        ArrayNode channels = root.putArray("channels");
        for (ChannelSettings c : a.getChannels()) {
            ObjectNode ch = channels.addObject();
            ch.put("channel", c.getChannel().name().toLowerCase(Locale.ROOT));
            ObjectNode settings = ch.putObject("settings");
            c.getSettings().forEach((k, v) -> settings.put(k.toString(), v == null ? null : v.toString()));
        }
        try {
            return YAML_WRITER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write agreement as YAML", e);
        }
    }

    private static String when(Instant instant) {
        if (instant.atOffset(ZoneOffset.UTC).toLocalTime().equals(LocalTime.MIDNIGHT)) {
            return instant.atOffset(ZoneOffset.UTC).toLocalDate().toString();
        }
        return instant.toString();
    }
}
