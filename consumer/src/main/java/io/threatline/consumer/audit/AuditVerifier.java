package io.threatline.consumer.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import io.threatline.contract.DeliveryReceipt;

/**
 * Checks one partner's receipt chain and answers what the partner received between two times and
 * under which agreement versions. The chain holds when the sequence numbers run 1, 2, 3, … without
 * a gap, each receipt's {@code previousHash} is the hash of the one before, and each {@code hash}
 * recomputes from the receipt's fields ({@link ReceiptHash}). Any edit, removal, insertion or
 * reordering of a receipt breaks it at that point.
 */
public final class AuditVerifier {

    /** A place where the chain does not hold. */
    public record Break(long sequence, String receiptId, String problem) {
    }

    /** Records delivered under one agreement version through one channel in the period asked about. */
    public record Delivered(String agreementId, int agreementVersion, String channel, String target, long receipts, long records,
                            Instant first, Instant last) {
    }

    /**
     * @param partnerId   the partner
     * @param receipts    receipts of the whole chain
     * @param breaks      where it does not hold; empty when it is intact
     * @param delivered   deliveries in the period, per agreement version and channel
     * @param recordIds   ids of the records delivered in the period, in delivery order
     */
    public record Report(String partnerId, long receipts, List<Break> breaks, List<Delivered> delivered, List<String> recordIds) {
        public boolean intact() {
            return breaks.isEmpty();
        }
    }

    private AuditVerifier() {
    }

    /**
     * Verifies the chain of {@code partnerId} among {@code allReceipts} (the audit topic in order)
     * and summarises its deliveries with {@code from <= deliveredAt < until}.
     */
    public static Report verify(String partnerId, List<DeliveryReceipt> allReceipts, Instant from, Instant until) {
        Objects.requireNonNull(partnerId, "partnerId");
        List<Break> breaks = new ArrayList<>();
        Map<String, Delivered> delivered = new TreeMap<>();
        List<String> recordIds = new ArrayList<>();
        long expectedSequence = 1;
        String previousHash = "";
        long count = 0;
        for (DeliveryReceipt receipt : allReceipts) {
            if (!partnerId.equals(receipt.getPartnerId())) {
                continue;
            }
            count++;
            if (receipt.getSequence() != expectedSequence) {
                breaks.add(new Break(receipt.getSequence(), receipt.getReceiptId(),
                    "sequence " + receipt.getSequence() + " where " + expectedSequence + " was expected (a receipt is missing, repeated or out of order)"));
            }
            if (!receipt.getPreviousHash().equals(previousHash)) {
                breaks.add(new Break(receipt.getSequence(), receipt.getReceiptId(),
                    "previousHash " + abbreviate(receipt.getPreviousHash()) + " does not match the previous receipt's hash " + abbreviate(previousHash)));
            }
            String recomputed = ReceiptHash.of(receipt);
            if (!recomputed.equals(receipt.getHash())) {
                breaks.add(new Break(receipt.getSequence(), receipt.getReceiptId(),
                    "hash " + abbreviate(receipt.getHash()) + " does not match its contents (recomputed " + abbreviate(recomputed) + "): the receipt was altered"));
            }
            expectedSequence = receipt.getSequence() + 1;
            previousHash = receipt.getHash();
            Instant at = receipt.getDeliveredAt();
            if (!at.isBefore(from) && at.isBefore(until)) {
                String key = receipt.getAgreementId() + "\u0000" + receipt.getAgreementVersion() + "\u0000" + receipt.getChannel() + "\u0000" + receipt.getChannelTarget();
                Delivered before = delivered.get(key);
                int n = receipt.getRecordIds().size();
                delivered.put(key, before == null
                    ? new Delivered(receipt.getAgreementId(), receipt.getAgreementVersion(), receipt.getChannel().name(), receipt.getChannelTarget(), 1, n, at, at)
                    : new Delivered(before.agreementId(), before.agreementVersion(), before.channel(), before.target(),
                        before.receipts() + 1, before.records() + n, before.first(), at));
                recordIds.addAll(receipt.getRecordIds());
            }
        }
        return new Report(partnerId, count, breaks, List.copyOf(delivered.values()), recordIds);
    }

    private static String abbreviate(String hash) {
        return hash.isEmpty() ? "(empty)" : hash.substring(0, Math.min(12, hash.length())) + "…";
    }
}
