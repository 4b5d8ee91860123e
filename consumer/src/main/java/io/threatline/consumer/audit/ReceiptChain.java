package io.threatline.consumer.audit;

import io.threatline.contract.DeliveryReceipt;
import java.util.Objects;

/**
 * The rule that chains a partner's receipts: the next receipt takes the sequence after the head's
 * and the head's hash as its {@code previousHash}, and its own {@link ReceiptHash}. Only the
 * {@link AuditSequencer} applies it to what goes into the audit topic, so a partner's chain has one
 * writer however many delivery services and TAXII servers deliver the partner (docs/architecture.md,
 * "Receipts").
 */
public final class ReceiptChain {

    private ReceiptChain() {}

    /** Where a partner's chain stands: the last sequence written and its hash. */
    public record Head(long sequence, String hash) {
        public static final Head EMPTY = new Head(0, "");

        public Head {
            Objects.requireNonNull(hash, "hash");
        }

        /** The head that {@code receipt}, a chained receipt, makes. */
        public static Head of(DeliveryReceipt receipt) {
            return new Head(receipt.getSequence(), receipt.getHash());
        }
    }

    /**
     * The receipt that follows {@code head}: {@code request} (a receipt as a delivery asked for it,
     * its chain fields unset) with sequence, previous hash and hash filled in. {@code request} is
     * not changed.
     */
    public static DeliveryReceipt next(Head head, DeliveryReceipt request) {
        DeliveryReceipt receipt = DeliveryReceipt.newBuilder(request)
                .setSequence(head.sequence() + 1)
                .setPreviousHash(head.hash())
                .setHash("")
                .build();
        receipt.setHash(ReceiptHash.of(receipt));
        return receipt;
    }
}
