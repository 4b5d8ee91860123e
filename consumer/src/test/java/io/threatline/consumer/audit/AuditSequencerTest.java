package io.threatline.consumer.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.OffsetRange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The audit sequencer's topology: many writers' requests in, one chain per partner out. */
class AuditSequencerTest {

    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    /** A request as {@link AuditLog} hands it in: chain fields unset. */
    private static DeliveryReceipt request(String partner, String target, int n) {
        return DeliveryReceipt.newBuilder()
                .setReceiptId(UUID.randomUUID().toString())
                .setPartnerId(partner)
                .setChannel(DeliveryChannel.KAFKA)
                .setChannelTarget(target)
                .setAgreementId("MOU-" + partner)
                .setAgreementVersion(1)
                .setRecordIds(List.of(partner + "/" + n))
                .setOffsets(
                        List.of(new OffsetRange("ti.partner." + partner + ".indicators.v1", n % 3, (long) n, (long) n)))
                .setDeliveredAt(T0.plusSeconds(n))
                .setSequence(0)
                .setPreviousHash("")
                .setHash("")
                .build();
    }

    @Test
    void shouldMakeOneChainPerPartnerOfTheRequestsOfSeveralDeliveryServices() {
        // Given two delivery services handing in receipts of two partners, interleaved
        List<DeliveryReceipt> handedIn = new ArrayList<>();
        for (int n = 0; n < 20; n++) {
            handedIn.add(request(n % 3 == 0 ? "nca" : "interpol", "service-" + (n % 2 == 0 ? "a" : "b"), n));
        }

        // When the sequencer chains them
        List<DeliveryReceipt> chained;
        try (SequencerDriver sequencer = new SequencerDriver()) {
            chained = sequencer.chain(handedIn);
        }

        // Then every request is in the audit topic once, in the order handed in, and each partner's chain verifies
        assertThat(chained)
                .extracting(DeliveryReceipt::getReceiptId)
                .containsExactlyElementsOf(
                        handedIn.stream().map(DeliveryReceipt::getReceiptId).toList());
        for (String partner : List.of("interpol", "nca")) {
            AuditVerifier.Report report = AuditVerifier.verify(partner, chained, Instant.EPOCH, Instant.MAX);
            long requests = handedIn.stream()
                    .filter(r -> r.getPartnerId().equals(partner))
                    .count();
            assertThat(report.breaks()).as(partner).isEmpty();
            assertThat(report.receipts()).as(partner).isEqualTo(requests);
            assertThat(report.lastSequence()).as(partner).isEqualTo(requests);
            assertThat(report.delivered()).as(partner).hasSize(2);
        }
    }

    @Test
    void shouldChainARequestSentTwiceOnce() {
        DeliveryReceipt first = request("interpol", "a", 1);
        DeliveryReceipt second = request("interpol", "a", 2);
        try (SequencerDriver sequencer = new SequencerDriver()) {
            // Given a request written, timed out in its writer, landed late and sent again after another's
            List<DeliveryReceipt> chained = sequencer.chain(List.of(first, second, first, request("interpol", "b", 3)));

            // Then it is chained once, and the chain goes on without a gap
            assertThat(chained).extracting(DeliveryReceipt::getSequence).containsExactly(1L, 2L, 3L);
            assertThat(sequencer.counters.repeated).hasValue(1);
            assertThat(AuditVerifier.verify("interpol", chained, Instant.EPOCH, Instant.MAX)
                            .breaks())
                    .isEmpty();
        }
    }

    @Test
    void shouldGoOnFromTheChainAlreadyInTheAuditTopic() {
        // Given an audit topic whose interpol chain stands at 41 (receipts written before the sequencer)
        ReceiptChain.Head existing = new ReceiptChain.Head(41, "ab".repeat(32));
        try (SequencerDriver sequencer = new SequencerDriver(Map.of("interpol", existing))) {
            // When the next receipts are chained
            List<DeliveryReceipt> chained =
                    sequencer.chain(List.of(request("interpol", "a", 1), request("nca", "a", 2)));

            // Then interpol's goes on from 41, and a partner new to the topic starts at 1
            assertThat(chained.get(0).getSequence()).isEqualTo(42);
            assertThat(chained.get(0).getPreviousHash()).isEqualTo(existing.hash());
            assertThat(chained.get(0).getHash()).isEqualTo(ReceiptHash.of(chained.get(0)));
            assertThat(chained.get(1).getSequence()).isEqualTo(1);
            assertThat(chained.get(1).getPreviousHash()).isEmpty();
        }
    }

    @Test
    void shouldSkipWhatIsNotAReceiptRequestAndChainWhatFollows() {
        try (SequencerDriver sequencer = new SequencerDriver()) {
            // Given bytes in the requests topic that are not a receipt
            sequencer.pipeRaw(new byte[] {0, 0, 0, 0, 42, 1, 2, 3});

            // When a receipt follows
            List<DeliveryReceipt> chained = sequencer.chain(List.of(request("interpol", "a", 1)));

            // Then the bytes are counted and left, and the receipt chained at 1
            assertThat(sequencer.counters.unreadable).hasValue(1);
            assertThat(chained).extracting(DeliveryReceipt::getSequence).containsExactly(1L);
        }
    }
}
