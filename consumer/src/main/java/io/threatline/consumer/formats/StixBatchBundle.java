package io.threatline.consumer.formats;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.threatline.consumer.delivery.DeliveryBatch;
import io.threatline.consumer.delivery.DeliveryRecord;
import io.threatline.consumer.stix.StixBundle;
import io.threatline.consumer.stix.StixIds;
import io.threatline.consumer.stix.StixMapper;
import io.threatline.schemas.Result;
import java.util.Optional;

/**
 * One delivery batch as one STIX 2.1 bundle, for the webhook and files channels; the mapping of
 * each record is {@link StixMapper}'s (indicators, and statistics as its custom trend object).
 *
 * <p>Each object also carries the custom property {@value #DELIVERY_ID} with its record's
 * {@link DeliveryRecord#deliveryId()}, so that a receiver can dedupe repeats across restarts. The
 * bundle id is {@code bundle--<UUIDv5 of the batch's idempotency key>}: a retried batch is the same
 * bundle. When two records of one batch map to the same STIX object version (same id and
 * modified), {@link StixBundle} keeps the first, with its delivery id.
 */
public final class StixBatchBundle {

    public static final String DELIVERY_ID = "x_threatline_delivery_id";
    private static final StixMapper MAPPER = new StixMapper();

    private StixBatchBundle() {}

    /** Why the record has no STIX object (an UNKNOWN type or TLP), or empty. */
    public static Optional<String> cannotExpress(DeliveryRecord record) {
        Result<ObjectNode> mapped = map(record);
        return mapped.isOk() ? Optional.empty() : Optional.of(mapped.rejection().message());
    }

    public static String bundleId(DeliveryBatch batch) {
        return StixIds.of("bundle", batch.idempotencyKey());
    }

    /**
     * The bundle of the batch.
     *
     * @throws IllegalArgumentException naming the record when one cannot be expressed (callers
     *                                  check {@link #cannotExpress} first)
     */
    public static ObjectNode of(DeliveryBatch batch) {
        StixBundle bundle = new StixBundle();
        for (DeliveryRecord record : batch.records()) {
            Result<ObjectNode> mapped = map(record);
            if (!mapped.isOk()) {
                throw new IllegalArgumentException("record " + record.deliveryId() + ": "
                        + mapped.rejection().message());
            }
            bundle.add(mapped.value().put(DELIVERY_ID, record.deliveryId()));
        }
        return bundle.build(bundleId(batch)).orElseThrow();
    }

    private static Result<ObjectNode> map(DeliveryRecord record) {
        return record.isIndicator() ? MAPPER.indicator(record.indicator()) : MAPPER.trendStatistic(record.statistic());
    }
}
