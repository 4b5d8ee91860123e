package io.threatline.consumer.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook signature, in the style of Stripe's and GitHub's: the sender puts the current time
 * in {@value #TIMESTAMP_HEADER} (Unix seconds) and
 * {@code sha256=<lower-case hex of HMAC-SHA256(key, "<timestamp>.<raw body bytes>")>} in
 * {@value #SIGNATURE_HEADER}; the key is the partner's {@code hmac_key} secret as UTF-8 bytes.
 *
 * <p>A receiver recomputes the HMAC over the timestamp header, a {@code .} and the body exactly as
 * received, compares it with the header in constant time, and refuses timestamps more than a few
 * minutes from its own clock (five minutes, as Stripe does) to stop replays. Signing the timestamp
 * with the body is what makes that check possible. Every attempt of a batch is signed anew (new
 * timestamp), while body and {@code Idempotency-Key} stay the same.
 */
public final class WebhookSignature {

    public static final String SIGNATURE_HEADER = "X-Threatline-Signature";
    public static final String TIMESTAMP_HEADER = "X-Threatline-Timestamp";
    public static final String PARTNER_HEADER = "X-Threatline-Partner";
    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    public static final String SCHEME = "sha256=";

    private WebhookSignature() {}

    /** {@code sha256=<hex>} over {@code timestamp + "." + body}. */
    public static String sign(byte[] key, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            mac.update(body);
            return SCHEME + HexFormat.of().formatHex(mac.doFinal());
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
        }
    }
}
