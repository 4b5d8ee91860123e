package io.threatline.streams.dedup;

import io.threatline.contract.Indicator;

/**
 * Copies of an indicator's state without Avro's builder, which copies every list and string deeply
 * and validates every field: the hub copies a state several times per sighting (merge, enrichment),
 * and the builder's deep copy was the largest single cost of Avro in the hub's profile
 * (docs/benchmarks.md, issue 13). The copy shares the lists and strings of the original; the hub
 * replaces a list when it changes one (the merge's lists are new or the original's), never changes
 * it in place, so sharing them is safe.
 */
public final class Indicators {

    private Indicators() {}

    /**
     * A shallow copy: a new record whose fields are the original's. A field added to the schema
     * changes the generated constructor, so this stops compiling until the field is copied too.
     */
    public static Indicator copyOf(Indicator i) {
        return new Indicator(
                i.getId(),
                i.getType(),
                i.getValue(),
                i.getAction(),
                i.getFirstSeen(),
                i.getLastSeen(),
                i.getSightings(),
                i.getVendors(),
                i.getSensors(),
                i.getConfidence(),
                i.getTlp(),
                i.getMalwareFamilies(),
                i.getCampaigns(),
                i.getTags(),
                i.getKillChainPhases(),
                i.getCountry(),
                i.getAsn(),
                i.getAsOrganization(),
                i.getScore(),
                i.getUpdatedAt(),
                i.getExpiresAt(),
                i.getReceivedAt(),
                i.getPartnerSightings(),
                i.getErased());
    }
}
