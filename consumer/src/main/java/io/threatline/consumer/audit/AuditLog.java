package io.threatline.consumer.audit;

import io.threatline.consumer.ReliableProducers;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.OffsetRange;
import io.threatline.schemas.privacy.IndicatorKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where delivery hands in the receipt of each batch a channel confirmed: {@link #append} writes it,
 * unchained, to the receipt requests topic (keyed by partner) and returns once the broker
 * acknowledged it — from then on it cannot be lost, and the caller may commit the batch's offsets.
 * The {@link AuditSequencer} chains each request into the partner's chain in the audit topic:
 * one chain per partner however many delivery services and TAXII servers deliver it
 * (docs/architecture.md, "Receipts").
 *
 * <p>A request whose write was not acknowledged in time may still land later (the producer keeps
 * retrying it). It is kept and sent again, unchanged (the same receipt id), before the partner's
 * next request: if the first send landed late the topic holds two copies, and the sequencer chains
 * only the first. The receipt is true in both cases — its batch was confirmed by the channel. When
 * the caller retries the receipt of that same batch, the resent request is its receipt; when the
 * batch, not committed, is delivered again, that delivery gets a receipt of its own.
 */
public final class AuditLog implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(AuditLog.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);

    private final Producer<String, DeliveryReceipt> producer;
    private final String topic;
    private final Duration sendTimeout;
    /** Per partner, a request sent but not acknowledged: it is sent again, unchanged, before the partner's next one. */
    private final Map<String, DeliveryReceipt> unacknowledged = new ConcurrentHashMap<>();
    /** One lock per partner: appends of one partner are serialised, different partners go in parallel. */
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    private final IndicatorKey indicatorKey;

    AuditLog(Producer<String, DeliveryReceipt> producer, String topic, IndicatorKey indicatorKey) {
        this(producer, topic, indicatorKey, SEND_TIMEOUT);
    }

    AuditLog(
            Producer<String, DeliveryReceipt> producer, String topic, IndicatorKey indicatorKey, Duration sendTimeout) {
        this.indicatorKey = indicatorKey;
        this.producer = producer;
        this.topic = topic;
        this.sendTimeout = sendTimeout;
    }

    /**
     * Opens the audit log's door: an idempotent, {@code acks=all} producer to the receipt requests topic.
     *
     * @param clientProperties Kafka client and serde settings (bootstrap servers, registry URL, security)
     * @param requestsTopic    the receipt requests topic ({@code ThreatlineTopics#deliveryReceiptRequests})
     */
    public static AuditLog open(
            Map<String, Object> clientProperties,
            String requestsTopic,
            Serializer<DeliveryReceipt> serializer,
            IndicatorKey indicatorKey) {
        // The serializer is shared with the caller's serdes (one registry client), hence passed in.
        LOGGER.info("Receipts requested on {}", requestsTopic);
        return new AuditLog(
                new KafkaProducer<>(
                        ReliableProducers.settings(clientProperties, "threatline-audit"),
                        new StringSerializer(),
                        serializer),
                requestsTopic,
                indicatorKey);
    }

    /**
     * Hands in the receipt of a confirmed batch and returns it, unchained (sequence 0, no hashes), once
     * the broker acknowledged it; the sequencer chains it shortly after.
     *
     * @throws AuditException when the receipt could not be written; the batch's offsets must then
     *                        not be committed (it will be delivered again and receipted then)
     */
    public DeliveryReceipt append(
            String partnerId,
            DeliveryChannel channel,
            String channelTarget,
            String agreementId,
            int agreementVersion,
            List<String> ids,
            List<OffsetRange> offsets,
            Instant deliveredAt) {
        Objects.requireNonNull(partnerId, "partnerId");
        // The receipt names each record by its reference, never by value (docs/data-protection.md).
        List<String> recordIds = ids.stream()
                .map(id -> IndicatorKey.isRef(id) ? id : indicatorKey.ref(id))
                .toList();
        synchronized (locks.computeIfAbsent(partnerId, p -> new Object())) {
            DeliveryReceipt pending = unacknowledged.get(partnerId);
            if (pending != null) {
                send(pending);
                unacknowledged.remove(partnerId);
                if (sameDelivery(
                        pending,
                        channel,
                        channelTarget,
                        agreementId,
                        agreementVersion,
                        recordIds,
                        offsets,
                        deliveredAt)) {
                    // The caller retrying the receipt of the same confirmed batch: that request is now written, not a
                    // second one.
                    return pending;
                }
            }
            DeliveryReceipt receipt = DeliveryReceipt.newBuilder()
                    .setReceiptId(UUID.randomUUID().toString())
                    .setPartnerId(partnerId)
                    .setChannel(channel)
                    .setChannelTarget(channelTarget)
                    .setAgreementId(agreementId)
                    .setAgreementVersion(agreementVersion)
                    .setRecordIds(List.copyOf(recordIds))
                    .setOffsets(List.copyOf(offsets))
                    .setDeliveredAt(Instant.ofEpochMilli(deliveredAt.toEpochMilli()))
                    .setSequence(0)
                    .setPreviousHash("")
                    .setHash("")
                    .build();
            try {
                send(receipt);
            } catch (AuditException e) {
                unacknowledged.put(partnerId, receipt);
                throw e;
            }
            return receipt;
        }
    }

    private static boolean sameDelivery(
            DeliveryReceipt r,
            DeliveryChannel channel,
            String channelTarget,
            String agreementId,
            int agreementVersion,
            List<String> recordIds,
            List<OffsetRange> offsets,
            Instant deliveredAt) {
        return r.getChannel() == channel
                && r.getChannelTarget().equals(channelTarget)
                && r.getAgreementId().equals(agreementId)
                && r.getAgreementVersion() == agreementVersion
                && r.getRecordIds().equals(recordIds)
                && r.getOffsets().equals(offsets)
                && r.getDeliveredAt().toEpochMilli() == deliveredAt.toEpochMilli();
    }

    private void send(DeliveryReceipt receipt) {
        String partnerId = receipt.getPartnerId();
        try {
            producer.send(new ProducerRecord<>(topic, partnerId, receipt))
                    .get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditException("interrupted while writing a receipt for partner " + partnerId, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AuditException(
                    "could not write a receipt for partner " + partnerId + " to " + topic + ": " + e, e);
        } catch (KafkaException e) {
            // Thrown by send itself: the serializer could not get the receipt's schema id (registry unavailable), no
            // buffer.
            throw new AuditException(
                    "could not write a receipt for partner " + partnerId + " to " + topic + ": " + e, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    /** A receipt could not be written. */
    public static final class AuditException extends RuntimeException {
        public AuditException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
