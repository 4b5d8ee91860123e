package io.threatline.app.console;

import io.threatline.contract.Indicator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An indicator as the console shows it, the one JSON shape of its page, whether from the indicators topic or the hub's state. */
public final class IndicatorView {

    private IndicatorView() {}

    /** Its identity, lifecycle, marking, sightings, sources and enrichment, as JSON-ready values. */
    public static Map<String, Object> of(Indicator i) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", i.getId());
        v.put("type", i.getType().name());
        v.put("value", i.getValue());
        v.put("action", i.getAction().name());
        v.put("tlp", i.getTlp().name());
        v.put("confidence", i.getConfidence());
        v.put("score", i.getScore());
        v.put("firstSeen", String.valueOf(i.getFirstSeen()));
        v.put("lastSeen", String.valueOf(i.getLastSeen()));
        v.put("sightings", i.getSightings());
        v.put("expiresAt", String.valueOf(i.getExpiresAt()));
        v.put("vendors", List.copyOf(i.getVendors()));
        v.put("malwareFamilies", List.copyOf(i.getMalwareFamilies()));
        v.put("campaigns", List.copyOf(i.getCampaigns()));
        v.put("country", i.getCountry());
        v.put("asn", i.getAsn());
        v.put("asOrganization", i.getAsOrganization());
        return v;
    }
}
