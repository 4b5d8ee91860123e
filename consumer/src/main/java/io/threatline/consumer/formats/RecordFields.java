package io.threatline.consumer.formats;

import io.threatline.consumer.delivery.DeliveryRecord;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.TrendStatistic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The flat, named fields of one delivered record, shared by the JSONL and CSV file formats and the
 * Kafka JSON mirror so that all carry the same fields in the same order. Field names are snake_case; timestamps are ISO-8601
 * UTC instants ({@link Instant#toString()}); absent optional values are {@code null}.
 *
 * <table>
 *   <caption>Indicator fields</caption>
 *   <tr><th>field</th><th>PartnerIndicator / delivery</th></tr>
 *   <tr><td>delivery_id</td><td>{@link DeliveryRecord#deliveryId()}: {@code <topic>/<partition>/<offset>},
 *       stable across retries and restarts; readers dedupe by it</td></tr>
 *   <tr><td>partner_id, agreement_id, agreement_version</td><td>partnerId, agreementId, agreementVersion</td></tr>
 *   <tr><td>indicator_id, type, value, action</td><td>indicatorId, type (e.g. IPV4), value, action (e.g. NEW)</td></tr>
 *   <tr><td>first_seen, last_seen, valid_until, shared_at</td><td>the timestamps of the same names</td></tr>
 *   <tr><td>confidence, score, tlp</td><td>confidence 0..100, score 0..100, tlp (e.g. AMBER_STRICT)</td></tr>
 *   <tr><td>malware_families, campaigns, tags, kill_chain_phases, vendors, sensors</td><td>lists of the same names</td></tr>
 *   <tr><td>country, asn</td><td>country, asn (null when unknown)</td></tr>
 *   <tr><td>redistribution_allowed, redistribution_scope</td><td>the same</td></tr>
 *   <tr><td>partner_sightings</td><td>partnerSightings: how often partners reported seeing it, 0 unless the
 *       agreement grants SIGHTINGS (docs/sharing-back.md); last, so older CSV readers keep their columns</td></tr>
 *   <tr><td>erased</td><td>erased: true on the REVOKE of an indicator erased on request, which the partner must
 *       delete every copy of (docs/data-protection.md); after partner_sightings, for the same reason</td></tr>
 * </table>
 *
 * <table>
 *   <caption>Statistic fields</caption>
 *   <tr><th>field</th><th>TrendStatistic / delivery</th></tr>
 *   <tr><td>delivery_id, partner_id, agreement_id, agreement_version</td><td>as for indicators</td></tr>
 *   <tr><td>window, window_start, window_end</td><td>window (HOURLY, DAILY), windowStart, windowEnd</td></tr>
 *   <tr><td>dimension, dimension_value, count</td><td>dimension, dimensionValue, count</td></tr>
 *   <tr><td>previous_count, change_ratio</td><td>previousCount, changeRatio (null when unknown)</td></tr>
 * </table>
 */
public final class RecordFields {

    public static final List<String> INDICATOR_COLUMNS = List.of(
            "delivery_id",
            "partner_id",
            "agreement_id",
            "agreement_version",
            "indicator_id",
            "type",
            "value",
            "action",
            "first_seen",
            "last_seen",
            "valid_until",
            "confidence",
            "score",
            "tlp",
            "malware_families",
            "campaigns",
            "tags",
            "kill_chain_phases",
            "country",
            "asn",
            "vendors",
            "sensors",
            "redistribution_allowed",
            "redistribution_scope",
            "shared_at",
            "partner_sightings",
            "erased");

    public static final List<String> STATISTIC_COLUMNS = List.of(
            "delivery_id",
            "partner_id",
            "agreement_id",
            "agreement_version",
            "window",
            "window_start",
            "window_end",
            "dimension",
            "dimension_value",
            "count",
            "previous_count",
            "change_ratio");

    private RecordFields() {}

    /** Values are String, Integer, Long, Double, Boolean, {@code List<String>} or null, in column order. */
    public static Map<String, Object> of(DeliveryRecord record) {
        return record.isIndicator()
                ? indicator(record.deliveryId(), record.indicator())
                : statistic(record.deliveryId(), record.statistic());
    }

    public static List<String> columns(DeliveryRecord record) {
        return record.isIndicator() ? INDICATOR_COLUMNS : STATISTIC_COLUMNS;
    }

    private static Map<String, Object> indicator(String deliveryId, PartnerIndicator i) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("delivery_id", deliveryId);
        f.put("partner_id", i.getPartnerId());
        f.put("agreement_id", i.getAgreementId());
        f.put("agreement_version", i.getAgreementVersion());
        f.put("indicator_id", i.getIndicatorId());
        f.put("type", String.valueOf(i.getType()));
        f.put("value", i.getValue());
        f.put("action", String.valueOf(i.getAction()));
        f.put("first_seen", instant(i.getFirstSeen()));
        f.put("last_seen", instant(i.getLastSeen()));
        f.put("valid_until", instant(i.getValidUntil()));
        f.put("confidence", i.getConfidence());
        f.put("score", i.getScore());
        f.put("tlp", String.valueOf(i.getTlp()));
        f.put("malware_families", strings(i.getMalwareFamilies()));
        f.put("campaigns", strings(i.getCampaigns()));
        f.put("tags", strings(i.getTags()));
        f.put("kill_chain_phases", strings(i.getKillChainPhases()));
        f.put("country", i.getCountry());
        f.put("asn", i.getAsn());
        f.put("vendors", strings(i.getVendors()));
        f.put("sensors", strings(i.getSensors()));
        f.put("redistribution_allowed", i.getRedistributionAllowed());
        f.put("redistribution_scope", i.getRedistributionScope());
        f.put("shared_at", instant(i.getSharedAt()));
        f.put("partner_sightings", i.getPartnerSightings());
        f.put("erased", i.getErased());
        return f;
    }

    private static Map<String, Object> statistic(String deliveryId, TrendStatistic s) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("delivery_id", deliveryId);
        f.put("partner_id", s.getPartnerId());
        f.put("agreement_id", s.getAgreementId());
        f.put("agreement_version", s.getAgreementVersion());
        f.put("window", String.valueOf(s.getWindow()));
        f.put("window_start", instant(s.getWindowStart()));
        f.put("window_end", instant(s.getWindowEnd()));
        f.put("dimension", String.valueOf(s.getDimension()));
        f.put("dimension_value", s.getDimensionValue());
        f.put("count", s.getCount());
        f.put("previous_count", s.getPreviousCount());
        f.put("change_ratio", s.getChangeRatio());
        return f;
    }

    private static String instant(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static List<String> strings(List<?> values) {
        List<String> out = new ArrayList<>(values == null ? 0 : values.size());
        if (values != null) {
            values.forEach(v -> out.add(String.valueOf(v)));
        }
        return out;
    }
}
