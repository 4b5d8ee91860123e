package io.threatline.consumer.delivery;

import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.OffsetRange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Records of one partner going to one channel together, all delivered under the same agreement
 * version (a receipt names exactly one). A channel either confirms the whole batch or fails it.
 *
 * @param partnerId        the partner
 * @param channel          the channel
 * @param agreementId      agreement every record was released under
 * @param agreementVersion its version
 * @param records          the records, in offset order per partition; never empty
 */
public record DeliveryBatch(
        String partnerId,
        DeliveryChannel channel,
        String agreementId,
        int agreementVersion,
        List<DeliveryRecord> records) {

    public DeliveryBatch {
        Objects.requireNonNull(partnerId, "partnerId");
        Objects.requireNonNull(channel, "channel");
        records = List.copyOf(records);
        if (records.isEmpty()) {
            throw new IllegalArgumentException("a batch holds at least one record");
        }
    }

    public int size() {
        return records.size();
    }

    /**
     * The idempotency key of this batch: a SHA-256 over partner, channel and the delivery id of
     * every record. A retried batch carries the same key; receivers that see it twice keep one.
     */
    public String idempotencyKey() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((partnerId + '\n' + channel + '\n').getBytes(StandardCharsets.UTF_8));
            for (DeliveryRecord record : records) {
                digest.update((record.deliveryId() + '\n').getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** The Kafka positions the batch covers, one contiguous range per run of offsets in a partition. */
    public List<OffsetRange> offsetRanges() {
        Map<String, List<DeliveryRecord>> byPartition = new LinkedHashMap<>();
        for (DeliveryRecord record : records) {
            byPartition
                    .computeIfAbsent(record.topic() + '\u0000' + record.partition(), k -> new ArrayList<>())
                    .add(record);
        }
        List<OffsetRange> ranges = new ArrayList<>();
        for (List<DeliveryRecord> partition : byPartition.values()) {
            DeliveryRecord first = partition.get(0);
            ranges.add(new OffsetRange(
                    first.topic(),
                    first.partition(),
                    first.offset(),
                    partition.get(partition.size() - 1).offset()));
        }
        return ranges;
    }

    public List<String> recordIds() {
        return records.stream().map(DeliveryRecord::recordId).toList();
    }
}
