package io.threatline.consumer.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.OffsetRange;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** A receipt acknowledged too late, and the write that follows it, must not fork the chain. */
class AuditLogRetryTest {

    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
    private static final Serializer<DeliveryReceipt> NO_BYTES = (topic, receipt) -> new byte[0];

    private final MockProducer<String, DeliveryReceipt> producer =
            new MockProducer<>(false, null, new StringSerializer(), NO_BYTES);
    private final AuditLog log = new AuditLog(producer, "ti.delivery-audit.v1", Map.of(), Duration.ofMillis(100));

    private DeliveryReceipt deliver(int batch) {
        return deliver(batch, T0.plusSeconds(batch));
    }

    /** Receipts batch {@code batch} as confirmed by the channel at {@code confirmed}. */
    private DeliveryReceipt deliver(int batch, Instant confirmed) {
        return log.append(
                "interpol",
                DeliveryChannel.FILES,
                "/outbox/interpol",
                "MOU-1",
                1,
                List.of("domain:b" + batch + ".example.com"),
                List.of(new OffsetRange("ti.partner.interpol.indicators.v1", 0, (long) batch, (long) batch)),
                confirmed);
    }

    /** Appends on another thread and acknowledges every send it makes until it returns. */
    private DeliveryReceipt deliverAcknowledged(int batch) throws Exception {
        return deliverAcknowledged(batch, T0.plusSeconds(batch));
    }

    private DeliveryReceipt deliverAcknowledged(int batch, Instant confirmed) throws Exception {
        CompletableFuture<DeliveryReceipt> appended = CompletableFuture.supplyAsync(() -> deliver(batch, confirmed));
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    producer.completeNext();
                    return appended.isDone();
                });
        return appended.get(5, TimeUnit.SECONDS);
    }

    private List<DeliveryReceipt> topic() {
        return producer.history().stream()
                .map(ProducerRecord::value)
                .map(r -> DeliveryReceipt.newBuilder(r).build())
                .toList();
    }

    @Test
    void shouldNotForkTheChainWhenAReceiptIsAcknowledgedAfterItsWriteTimedOut() throws Exception {
        // Given receipt 1 written, and receipt 2's write timing out in the caller (which will deliver its batch again)
        DeliveryReceipt first = deliverAcknowledged(1);
        assertThatThrownBy(() -> deliver(2)).isInstanceOf(AuditLog.AuditException.class);
        // and the broker acknowledging receipt 2 late: it is in the topic after all
        assertThat(producer.completeNext()).isTrue();

        // When the batch, not committed, is delivered again a minute later and receipted
        DeliveryReceipt retried = deliverAcknowledged(2, T0.plusSeconds(62));

        // Then the late receipt was sent again unchanged before the new one, which goes on from it at sequence 3
        List<DeliveryReceipt> topic = topic();
        assertThat(topic).extracting(DeliveryReceipt::getSequence).containsExactly(1L, 2L, 2L, 3L);
        assertThat(topic.get(2)).isEqualTo(topic.get(1));
        assertThat(retried.getSequence()).isEqualTo(3);
        assertThat(retried.getPreviousHash()).isEqualTo(topic.get(1).getHash());
        assertThat(topic.get(1).getPreviousHash()).isEqualTo(first.getHash());
        // and the chain verifies intact, the exact copy counted as a duplicate and not as a break or a second delivery
        AuditVerifier.Report report = AuditVerifier.verify("interpol", topic, Instant.EPOCH, Instant.MAX);
        assertThat(report.breaks()).isEmpty();
        assertThat(report.receipts()).isEqualTo(3);
        assertThat(report.duplicates()).isEqualTo(1);
        assertThat(report.recordIds())
                .containsExactly("domain:b1.example.com", "domain:b2.example.com", "domain:b2.example.com");
        assertThat(log.head("interpol").sequence()).isEqualTo(3);
    }

    @Test
    void shouldKeepTheChainWholeWhenAReceiptThatFailedOutrightIsSentAgain() throws Exception {
        // Given receipt 1 written and receipt 2's write failing outright (never in the topic)
        deliverAcknowledged(1);
        CompletableFuture<DeliveryReceipt> failing = CompletableFuture.supplyAsync(() -> deliver(2));
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(1))
                .until(() -> producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("broker gone")));
        assertThatThrownBy(() -> failing.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(AuditLog.AuditException.class);

        // When the next receipt is written
        deliverAcknowledged(3);

        // Then the failed receipt was sent again first, and only the acknowledged writes count: 1, 2, 3 intact, no
        // duplicate
        List<DeliveryReceipt> acknowledged = List.of(topic().get(0), topic().get(2), topic().get(3));
        assertThat(acknowledged).extracting(DeliveryReceipt::getSequence).containsExactly(1L, 2L, 3L);
        AuditVerifier.Report report = AuditVerifier.verify("interpol", acknowledged, Instant.EPOCH, Instant.MAX);
        assertThat(report.breaks()).isEmpty();
        assertThat(report.duplicates()).isZero();
    }

    @Test
    void shouldWriteOneReceiptWhenTheCallerRetriesTheReceiptOfTheSameBatch() throws Exception {
        // Given receipt 1 written, and the receipt of batch 2 timing out and then landing late
        deliverAcknowledged(1);
        assertThatThrownBy(() -> deliver(2)).isInstanceOf(AuditLog.AuditException.class);
        assertThat(producer.completeNext()).isTrue();
        DeliveryReceipt late = topic().get(1);

        // When the caller retries the receipt of the same confirmed batch (same records, offsets and time)
        DeliveryReceipt retried = deliverAcknowledged(2);

        // Then the late receipt is the batch's receipt: resent unchanged, no second receipt of one delivery
        assertThat(retried).isEqualTo(late);
        assertThat(topic()).extracting(DeliveryReceipt::getSequence).containsExactly(1L, 2L, 2L);
        AuditVerifier.Report report = AuditVerifier.verify("interpol", topic(), Instant.EPOCH, Instant.MAX);
        assertThat(report.breaks()).isEmpty();
        assertThat(report.recordIds()).containsExactly("domain:b1.example.com", "domain:b2.example.com");
        // and the next batch goes on at sequence 3
        assertThat(deliverAcknowledged(3).getSequence()).isEqualTo(3);
    }
}
