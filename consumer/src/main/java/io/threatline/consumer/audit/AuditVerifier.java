package io.threatline.consumer.audit;

import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.ReceiptDirection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Checks one partner's receipt chain and answers what the partner received between two times and
 * under which agreement versions. The chain holds when the sequence numbers run 1, 2, 3, … without
 * a gap, each receipt's {@code previousHash} is the hash of the one before, and each {@code hash}
 * recomputes from the receipt's fields ({@link ReceiptHash}). Any edit, removal, insertion or
 * reordering of a receipt breaks it at that point.
 *
 * <p>An exact copy of a receipt already in the chain (same sequence, same hash, and the hash
 * recomputes) is the benign trace of a retried write — {@link AuditLog} sends an unacknowledged
 * receipt again, and the first send may have landed late — so it is counted as a duplicate and
 * skipped, not reported as a break; a <em>different</em> receipt at a sequence already used is a
 * break.
 *
 * <p>The chain alone cannot show that its newest receipts were dropped, nor that it was rewritten
 * with every hash recomputed. Checked against a {@link SignedHead} kept from earlier (its signature
 * verified by the caller), it can: the chain must still hold that head's sequence with that hash.
 */
public final class AuditVerifier {

    /** A place where the chain does not hold. */
    public record Break(long sequence, String receiptId, String problem) {}

    /** Records delivered under one agreement version through one channel in the period asked about. */
    public record Delivered(
            String agreementId,
            int agreementVersion,
            String channel,
            String target,
            long receipts,
            long records,
            Instant first,
            Instant last) {}

    /**
     * @param partnerId   the partner
     * @param receipts    receipts of the whole chain, exact duplicates not counted
     * @param duplicates  exact copies of receipts already in the chain (retried writes), skipped
     * @param lastSequence the highest sequence in the chain (0 when it is empty)
     * @param lastHash    the hash of the receipt at {@code lastSequence} (empty when the chain is empty)
     * @param breaks      where it does not hold, including where it disagrees with a kept head; empty when it is intact
     * @param delivered   deliveries in the period, per agreement version and channel
     * @param recordIds   ids of the records delivered in the period, in delivery order
     */
    public record Report(
            String partnerId,
            long receipts,
            long duplicates,
            long lastSequence,
            String lastHash,
            List<Break> breaks,
            List<Delivered> delivered,
            List<String> recordIds) {
        public boolean intact() {
            return breaks.isEmpty();
        }

        /** The chain's last position, what {@link SignedHead#sign} signs. */
        public ReceiptChain.Head head() {
            return new ReceiptChain.Head(lastSequence, lastHash);
        }
    }

    private AuditVerifier() {}

    /**
     * Verifies the chain of {@code partnerId} among {@code allReceipts} (the audit topic in order)
     * and summarises its deliveries with {@code from <= deliveredAt < until}.
     */
    public static Report verify(String partnerId, List<DeliveryReceipt> allReceipts, Instant from, Instant until) {
        return verify(partnerId, allReceipts, from, until, null);
    }

    /**
     * As {@link #verify(String, List, Instant, Instant)}, and also checks the chain against
     * {@code keptHead} (when not null), a head of this partner's chain signed earlier whose
     * signature the caller has verified: the chain must reach the head's sequence (otherwise it
     * was cut) and hold the head's hash there (otherwise it was rewritten).
     */
    public static Report verify(
            String partnerId, List<DeliveryReceipt> allReceipts, Instant from, Instant until, SignedHead keptHead) {
        Objects.requireNonNull(partnerId, "partnerId");
        if (keptHead != null && !keptHead.partnerId().equals(partnerId)) {
            throw new IllegalArgumentException(
                    "the kept head is partner " + keptHead.partnerId() + "'s, not " + partnerId + "'s");
        }
        List<Break> breaks = new ArrayList<>();
        Map<String, Delivered> delivered = new TreeMap<>();
        List<String> recordIds = new ArrayList<>();
        // Hash of each sequence seen, to tell a retried write's exact copy from a different receipt at a used sequence.
        Map<Long, String> hashBySequence = new HashMap<>();
        long expectedSequence = 1;
        String previousHash = "";
        long count = 0;
        long duplicates = 0;
        long lastSequence = 0;
        String lastHash = "";
        for (DeliveryReceipt receipt : allReceipts) {
            if (!partnerId.equals(receipt.getPartnerId())) {
                continue;
            }
            String seen = hashBySequence.get(receipt.getSequence());
            if (seen != null
                    && seen.equals(receipt.getHash())
                    && ReceiptHash.of(receipt).equals(receipt.getHash())) {
                duplicates++;
                continue;
            }
            count++;
            hashBySequence.putIfAbsent(receipt.getSequence(), receipt.getHash());
            if (receipt.getSequence() >= lastSequence) {
                lastSequence = receipt.getSequence();
                lastHash = receipt.getHash();
            }
            if (receipt.getSequence() != expectedSequence) {
                breaks.add(new Break(
                        receipt.getSequence(),
                        receipt.getReceiptId(),
                        "sequence " + receipt.getSequence() + " where " + expectedSequence
                                + " was expected (a receipt is missing, repeated or out of order)"));
            }
            if (!receipt.getPreviousHash().equals(previousHash)) {
                breaks.add(new Break(
                        receipt.getSequence(),
                        receipt.getReceiptId(),
                        "previousHash " + abbreviate(receipt.getPreviousHash())
                                + " does not match the previous receipt's hash " + abbreviate(previousHash)));
            }
            String recomputed = ReceiptHash.of(receipt);
            if (!recomputed.equals(receipt.getHash())) {
                breaks.add(new Break(
                        receipt.getSequence(),
                        receipt.getReceiptId(),
                        "hash " + abbreviate(receipt.getHash()) + " does not match its contents (recomputed "
                                + abbreviate(recomputed) + "): the receipt was altered"));
            }
            expectedSequence = receipt.getSequence() + 1;
            previousHash = receipt.getHash();
            Instant at = receipt.getDeliveredAt();
            if (!at.isBefore(from) && at.isBefore(until)) {
                // A partner's reports (docs/sharing-back.md) are listed apart from what it was delivered.
                boolean inbound = receipt.getDirection() == ReceiptDirection.INBOUND;
                String channel = inbound
                        ? "REPORTS_RECEIVED_VIA_" + receipt.getChannel()
                        : receipt.getChannel().name();
                String key = receipt.getAgreementId() + "\u0000" + receipt.getAgreementVersion() + "\u0000" + channel
                        + "\u0000" + receipt.getChannelTarget();
                Delivered before = delivered.get(key);
                int n = receipt.getRecordIds().size();
                delivered.put(
                        key,
                        before == null
                                ? new Delivered(
                                        receipt.getAgreementId(),
                                        receipt.getAgreementVersion(),
                                        channel,
                                        receipt.getChannelTarget(),
                                        1,
                                        n,
                                        at,
                                        at)
                                : new Delivered(
                                        before.agreementId(),
                                        before.agreementVersion(),
                                        before.channel(),
                                        before.target(),
                                        before.receipts() + 1,
                                        before.records() + n,
                                        before.first(),
                                        at));
                if (!inbound) {
                    recordIds.addAll(receipt.getRecordIds());
                }
            }
        }
        if (keptHead != null) {
            String atHead = hashBySequence.get(keptHead.sequence());
            if (lastSequence < keptHead.sequence()) {
                breaks.add(new Break(
                        keptHead.sequence(),
                        "",
                        "the chain ends at sequence " + lastSequence + " but the kept head signed at "
                                + keptHead.issuedAt() + " is at sequence " + keptHead.sequence() + ": receipts "
                                + (lastSequence + 1) + ".." + keptHead.sequence()
                                + " were removed (the chain was cut)"));
            } else if (atHead == null) {
                breaks.add(new Break(
                        keptHead.sequence(),
                        "",
                        "the chain has no receipt at the kept head's sequence " + keptHead.sequence()
                                + ": it was removed"));
            } else if (!atHead.equals(keptHead.hash())) {
                breaks.add(new Break(
                        keptHead.sequence(),
                        "",
                        "hash " + abbreviate(atHead) + " at sequence " + keptHead.sequence()
                                + " differs from the kept head's " + abbreviate(keptHead.hash()) + " signed at "
                                + keptHead.issuedAt() + ": the chain up to there was rewritten"));
            }
        }
        return new Report(
                partnerId,
                count,
                duplicates,
                lastSequence,
                lastHash,
                breaks,
                List.copyOf(delivered.values()),
                recordIds);
    }

    private static String abbreviate(String hash) {
        return hash.isEmpty() ? "(empty)" : hash.substring(0, Math.min(12, hash.length())) + "…";
    }
}
