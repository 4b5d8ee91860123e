package io.threatline.schemas.deadletter;

import io.threatline.contract.DeadLetter;
import io.threatline.schemas.validation.ContractLimits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Builds dead letters that always fit in a Kafka record, whatever they stand for: the original key
 * and value are kept whole when small and as their first bytes otherwise, with their sizes and the
 * SHA-256 of the whole value, and the reason is cut to a bounded length. Every stage that
 * dead-letters (the hub's validation and error handlers, delivery) builds through here, so that one
 * record, however large or compressible, can never make its own dead letter unwritable
 * (docs/security.md).
 */
public final class DeadLetters {

    private DeadLetters() {}

    /** Where the original record was read: topic, partition, offset ({@code "unknown"}, -1, -1 when not known). */
    public record Source(String topic, int partition, long offset) {
        public static final Source UNKNOWN = new Source("unknown", -1, -1);
    }

    /** A dead letter for the record {@code key}/{@code value} (either may be null). */
    public static DeadLetter of(
            String reasonCode,
            String reason,
            String stage,
            Source source,
            byte[] key,
            byte[] value,
            Instant failedAt,
            String partnerId) {
        return DeadLetter.newBuilder()
                .setReasonCode(reasonCode)
                .setReason(truncate(reason == null ? reasonCode : reason, ContractLimits.MAX_DEAD_LETTER_REASON_LENGTH))
                .setStage(truncate(stage, ContractLimits.MAX_LABEL_LENGTH))
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setOriginalKey(prefix(key, ContractLimits.MAX_DEAD_LETTER_KEY_BYTES))
                .setOriginalKeySize(key == null ? -1 : key.length)
                .setOriginalValue(prefix(value, ContractLimits.MAX_DEAD_LETTER_ORIGINAL_BYTES))
                .setOriginalSize(value == null ? -1 : value.length)
                .setOriginalSha256(value == null ? "" : sha256(value))
                .setFailedAt(failedAt)
                .setPartnerId(partnerId)
                .build();
    }

    /**
     * The key a dead-letter record is written with: the original key when it is short enough, and
     * otherwise {@code sha256:<hex>} of it (a key is never cut, so two long keys never collide).
     */
    public static byte[] recordKey(byte[] key) {
        if (key == null || key.length <= ContractLimits.MAX_DEAD_LETTER_KEY_BYTES) {
            return key;
        }
        return ("sha256:" + sha256(key)).getBytes(StandardCharsets.US_ASCII);
    }

    /** {@link #recordKey(byte[])} as text, for topics keyed by strings. */
    public static String recordKeyText(byte[] key) {
        byte[] bounded = recordKey(key);
        return bounded == null ? null : new String(bounded, StandardCharsets.UTF_8);
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static ByteBuffer prefix(byte[] bytes, int max) {
        if (bytes == null) {
            return null;
        }
        return ByteBuffer.wrap(bytes.length <= max ? bytes : Arrays.copyOf(bytes, max));
    }

    private static String truncate(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 2)) ? max - 2 : max - 1;
        return text.substring(0, end) + "…";
    }
}
