package io.threatline.consumer.taxii;

import io.threatline.consumer.audit.AuditLog;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.OffsetRange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a receipt for every page the TAXII server hands out, before it is sent: one receipt per
 * agreement version on the page, with the record ids and the offsets served. The target names the
 * collection and whether objects or only the manifest left.
 */
public final class TaxiiAuditListener implements TaxiiDeliveryListener {

    private final AuditLog audit;

    public TaxiiAuditListener(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public void delivered(TaxiiDelivery delivery) {
        Map<String, List<TaxiiDelivery.Item>> byAgreement = new LinkedHashMap<>();
        for (TaxiiDelivery.Item item : delivery.items()) {
            byAgreement
                    .computeIfAbsent(item.agreementId() + "\u0000" + item.agreementVersion(), k -> new ArrayList<>())
                    .add(item);
        }
        String target = "taxii:/" + delivery.partnerId() + "/collections/" + delivery.collectionId() + "/"
                + (delivery.kind() == TaxiiDelivery.Kind.MANIFEST ? "manifest/" : "objects/");
        Instant now = Instant.now();
        for (List<TaxiiDelivery.Item> items : byAgreement.values()) {
            Map<Integer, long[]> ranges = new LinkedHashMap<>();
            for (TaxiiDelivery.Item item : items) {
                ranges.merge(item.partition(), new long[] {item.offset(), item.offset()}, (a, b) ->
                        new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
            }
            List<OffsetRange> offsets = new ArrayList<>();
            ranges.forEach((partition, range) ->
                    offsets.add(new OffsetRange(delivery.topic(), partition, range[0], range[1])));
            TaxiiDelivery.Item first = items.get(0);
            audit.append(
                    delivery.partnerId(),
                    DeliveryChannel.TAXII,
                    target,
                    first.agreementId(),
                    first.agreementVersion(),
                    items.stream().map(TaxiiDelivery.Item::recordId).toList(),
                    offsets,
                    now);
        }
    }
}
