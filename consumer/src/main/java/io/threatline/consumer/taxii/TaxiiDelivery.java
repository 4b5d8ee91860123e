package io.threatline.consumer.taxii;

import java.util.List;

/**
 * One page the TAXII server handed to a partner: what the delivery audit records.
 *
 * @param partnerId    partner that received it
 * @param collectionId collection it came from
 * @param topic        partner topic it was read from
 * @param kind         objects (full content) or manifest (ids and versions only)
 * @param items        the records on the page, in the order served
 * @param offsetRanges per partition, the offsets of the records on the page
 */
public record TaxiiDelivery(
        String partnerId,
        String collectionId,
        String topic,
        Kind kind,
        List<Item> items,
        List<OffsetRange> offsetRanges) {

    public enum Kind {
        OBJECTS,
        MANIFEST
    }

    /** A record on the page: its id (the indicator id or statistic key), STIX id, position and the agreement that allowed it. */
    public record Item(
            String recordId, String stixId, int partition, long offset, String agreementId, int agreementVersion) {}

    /** First and last offset served from one partition (inclusive). */
    public record OffsetRange(int partition, long firstOffset, long lastOffset) {}

    public TaxiiDelivery {
        items = List.copyOf(items);
        offsetRanges = List.copyOf(offsetRanges);
    }

    public List<String> recordIds() {
        return items.stream().map(Item::recordId).toList();
    }
}
