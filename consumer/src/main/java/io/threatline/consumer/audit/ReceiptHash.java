package io.threatline.consumer.audit;

import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.OffsetRange;
import io.threatline.contract.ReceiptDirection;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of a {@link DeliveryReceipt}, chained to the partner's previous receipt through
 * {@code previousHash}. The digest covers every field except {@code hash} itself, in the order of
 * the schema, each string as its UTF-8 length (4 bytes, big-endian) and bytes, numbers as 4 or 8
 * big-endian bytes, lists as their size then their elements; the direction, last, only when INBOUND. This encoding is written out here
 * rather than taken from Avro so that adding a field to the schema never changes old hashes.
 */
public final class ReceiptHash {

    private ReceiptHash() {}

    public static String of(DeliveryReceipt receipt) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            string(out, receipt.getReceiptId());
            string(out, receipt.getPartnerId());
            string(out, receipt.getChannel().name());
            string(out, receipt.getChannelTarget());
            string(out, receipt.getAgreementId());
            out.writeInt(receipt.getAgreementVersion());
            out.writeInt(receipt.getRecordIds().size());
            for (String id : receipt.getRecordIds()) {
                string(out, id);
            }
            out.writeInt(receipt.getOffsets().size());
            for (OffsetRange range : receipt.getOffsets()) {
                string(out, range.getTopic());
                out.writeInt(range.getPartition());
                out.writeLong(range.getFirstOffset());
                out.writeLong(range.getLastOffset());
            }
            out.writeLong(receipt.getDeliveredAt().toEpochMilli());
            out.writeLong(receipt.getSequence());
            string(out, receipt.getPreviousHash());
            // Added with partners' reports (docs/sharing-back.md): hashed only when INBOUND, so every receipt
            // written before it keeps its hash.
            if (receipt.getDirection() == ReceiptDirection.INBOUND) {
                string(out, ReceiptDirection.INBOUND.name());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    private static void string(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }
}
