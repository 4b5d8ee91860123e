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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A receipt request acknowledged too late, and the write that follows it, must not fork the chain:
 * the request is sent again unchanged, and the sequencer (its real topology, {@link SequencerDriver})
 * chains it once.
 */
class AuditLogRetryTest {

    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
    private static final Serializer<DeliveryReceipt> NO_BYTES = (topic, receipt) -> new byte[0];

    private final MockProducer<String, DeliveryReceipt> producer =
            new MockProducer<>(false, null, new StringSerializer(), NO_BYTES);
    private final AuditLog log =
            new AuditLog(producer, SequencerDriver.REQUESTS, SequencerDriver.KEY, Duration.ofMillis(100));
    private final SequencerDriver sequencer = new SequencerDriver();

    @AfterEach
    void closeSequencer() {
        sequencer.close();
    }

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

    /** The requests topic: what the log handed in. */
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

        // Then the late request was sent again unchanged before the new one
        List<DeliveryReceipt> topic = topic();
        assertThat(topic).hasSize(4);
        assertThat(topic.get(2)).isEqualTo(topic.get(1));
        assertThat(topic).extracting(DeliveryReceipt::getSequence).containsOnly(0L);
        // and the sequencer chains it once: 1, 2, then the new delivery at 3
        List<DeliveryReceipt> chain = sequencer.chain(topic);
        assertThat(chain).extracting(DeliveryReceipt::getSequence).containsExactly(1L, 2L, 3L);
        assertThat(chain)
                .extracting(DeliveryReceipt::getReceiptId)
                .containsExactly(first.getReceiptId(), topic.get(1).getReceiptId(), retried.getReceiptId());
        assertThat(sequencer.counters.repeated).hasValue(1);
        // and the chain verifies intact, the batch delivered twice receipted twice (at-least-once)
        AuditVerifier.Report report = AuditVerifier.verify("interpol", chain, Instant.EPOCH, Instant.MAX);
        assertThat(report.breaks()).isEmpty();
        assertThat(report.receipts()).isEqualTo(3);
        assertThat(report.recordIds())
                .containsExactly(
                        ref("domain:b1.example.com"), ref("domain:b2.example.com"), ref("domain:b2.example.com"));
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

        // Then the failed request was sent again first, and only the acknowledged writes are chained: 1, 2, 3 intact
        List<DeliveryReceipt> acknowledged = List.of(topic().get(0), topic().get(2), topic().get(3));
        assertThat(acknowledged.get(1).getRecordIds()).containsExactly(ref("domain:b2.example.com"));
        List<DeliveryReceipt> chain = sequencer.chain(acknowledged);
        assertThat(chain).extracting(DeliveryReceipt::getSequence).containsExactly(1L, 2L, 3L);
        AuditVerifier.Report report = AuditVerifier.verify("interpol", chain, Instant.EPOCH, Instant.MAX);
        assertThat(report.breaks()).isEmpty();
        assertThat(report.duplicates()).isZero();
        assertThat(sequencer.counters.repeated).hasValue(0);
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

        // Then the late request is the batch's receipt: resent unchanged, no second receipt of one delivery
        assertThat(retried).isEqualTo(late);
        assertThat(topic()).hasSize(3);
        List<DeliveryReceipt> chain = sequencer.chain(topic());
        assertThat(chain).extracting(DeliveryReceipt::getSequence).containsExactly(1L, 2L);
        AuditVerifier.Report report = AuditVerifier.verify("interpol", chain, Instant.EPOCH, Instant.MAX);
        assertThat(report.breaks()).isEmpty();
        assertThat(report.recordIds()).containsExactly(ref("domain:b1.example.com"), ref("domain:b2.example.com"));
        // and the next batch goes on at sequence 3
        deliverAcknowledged(3);
        assertThat(sequencer.chain(topic().subList(3, 4)))
                .extracting(DeliveryReceipt::getSequence)
                .containsExactly(3L);
    }

    /** A record id as receipts name it: its reference under the tests' key, never the value. */
    private static String ref(String id) {
        return SequencerDriver.KEY.ref(id);
    }
}
