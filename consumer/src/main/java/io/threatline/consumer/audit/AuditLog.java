package io.threatline.consumer.audit;

import io.threatline.consumer.ReliableProducers;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.OffsetRange;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
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
 * Writes one {@link DeliveryReceipt} per delivered batch to the audit topic, keyed by partner and
 * chained per partner: each receipt carries the hash of the partner's previous one and the next
 * sequence number. Appends for one partner are serialised and each waits for the broker's
 * acknowledgement before the chain head moves, so the chain in the topic has no gaps and no forks
 * as long as one process delivers a given partner (one delivery service per partner; scale out by
 * partner). On start the head of every partner's chain is recovered from the topic.
 *
 * <p>A receipt whose write was not acknowledged in time may still land later (the producer keeps
 * retrying it). Writing the next batch's receipt at the same sequence would then fork the chain,
 * so the unacknowledged receipt is kept and sent again, unchanged, before the partner's next
 * receipt: if the first send landed late the topic holds an exact copy, which
 * {@link AuditVerifier} skips as a duplicate, and the chain goes on from it either way. The
 * receipt is true in both cases — its batch was confirmed by the channel. When the caller retries
 * the receipt of that same batch, the resent receipt is its receipt; when the batch, not
 * committed, is delivered again, that delivery gets a receipt of its own.
 */
public final class AuditLog implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(AuditLog.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);

    private final Producer<String, DeliveryReceipt> producer;
    private final String topic;
    private final Duration sendTimeout;
    private final Map<String, ChainHead> heads;
    /** Per partner, a receipt sent but not acknowledged: it is sent again, unchanged, before the partner's next one. */
    private final Map<String, DeliveryReceipt> unacknowledged = new ConcurrentHashMap<>();
    /** One lock per partner: appends of one partner are serialised, different partners go in parallel. */
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /** Where a partner's chain stands: the last sequence written and its hash. */
    public record ChainHead(long sequence, String hash) {
        public static final ChainHead EMPTY = new ChainHead(0, "");
    }

    AuditLog(Producer<String, DeliveryReceipt> producer, String topic, Map<String, ChainHead> heads) {
        this(producer, topic, heads, SEND_TIMEOUT);
    }

    AuditLog(
            Producer<String, DeliveryReceipt> producer,
            String topic,
            Map<String, ChainHead> heads,
            Duration sendTimeout) {
        this.producer = producer;
        this.topic = topic;
        this.sendTimeout = sendTimeout;
        this.heads = new ConcurrentHashMap<>(heads);
    }

    /**
     * Opens the audit log: reads the topic once to find each partner's chain head, then writes
     * with an idempotent, {@code acks=all} producer.
     *
     * @param clientProperties Kafka client and serde settings (bootstrap servers, registry URL, security)
     */
    public static AuditLog open(
            Map<String, Object> clientProperties, String topic, Serializer<DeliveryReceipt> serializer) {
        // The serializer is shared with the caller's serdes (one registry client), hence passed in.
        Map<String, ChainHead> heads = new HashMap<>();
        try (AuditReader reader = AuditReader.open(clientProperties, topic)) {
            reader.readAll(receipt ->
                    heads.put(receipt.getPartnerId(), new ChainHead(receipt.getSequence(), receipt.getHash())));
        }
        LOGGER.info("Audit log on {}: {} partner chain(s) recovered", topic, heads.size());
        return new AuditLog(
                new KafkaProducer<>(
                        ReliableProducers.settings(clientProperties, "threatline-audit"),
                        new StringSerializer(),
                        serializer),
                topic,
                heads);
    }

    /**
     * Appends the receipt of a confirmed batch and returns it once the broker acknowledged it.
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
            List<String> recordIds,
            List<OffsetRange> offsets,
            Instant deliveredAt) {
        Objects.requireNonNull(partnerId, "partnerId");
        synchronized (locks.computeIfAbsent(partnerId, p -> new Object())) {
            DeliveryReceipt pending = unacknowledged.get(partnerId);
            if (pending != null) {
                send(pending);
                unacknowledged.remove(partnerId);
                heads.put(partnerId, new ChainHead(pending.getSequence(), pending.getHash()));
                if (sameDelivery(
                        pending,
                        channel,
                        channelTarget,
                        agreementId,
                        agreementVersion,
                        recordIds,
                        offsets,
                        deliveredAt)) {
                    // The caller retrying the receipt of the same confirmed batch: that receipt is now written, not a
                    // second one.
                    return pending;
                }
            }
            ChainHead head = head(partnerId);
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
                    .setSequence(head.sequence() + 1)
                    .setPreviousHash(head.hash())
                    .setHash("")
                    .build();
            receipt.setHash(ReceiptHash.of(receipt));
            try {
                send(receipt);
            } catch (AuditException e) {
                unacknowledged.put(partnerId, receipt);
                throw e;
            }
            heads.put(partnerId, new ChainHead(receipt.getSequence(), receipt.getHash()));
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

    public ChainHead head(String partnerId) {
        return heads.getOrDefault(partnerId, ChainHead.EMPTY);
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
