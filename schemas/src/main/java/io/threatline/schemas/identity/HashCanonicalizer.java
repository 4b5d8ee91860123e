package io.threatline.schemas.identity;

import static io.threatline.schemas.identity.Reasons.reject;

import io.threatline.schemas.Result;
import java.util.Locale;

/**
 * Canonical text of a file hash: lower-case hex of exactly 32 (MD5), 40 (SHA-1) or 64 (SHA-256)
 * characters, surrounding whitespace trimmed.
 *
 * <p>Nothing else is stripped or padded (no {@code 0x} prefix, no separators): a hash that is not
 * exactly right is more likely truncated or of another algorithm than merely badly written.
 */
public final class HashCanonicalizer {

    private HashCanonicalizer() {}

    /** MD5: 32 hex characters. */
    public static Result<String> canonicalizeMd5(String value) {
        return canonicalize(value, 32, "md5");
    }

    /** SHA-1: 40 hex characters. */
    public static Result<String> canonicalizeSha1(String value) {
        return canonicalize(value, 40, "sha1");
    }

    /** SHA-256: 64 hex characters. */
    public static Result<String> canonicalizeSha256(String value) {
        return canonicalize(value, 64, "sha256");
    }

    private static Result<String> canonicalize(String raw, int length, String algorithm) {
        if (raw == null) {
            return reject(RejectionCodes.EMPTY_VALUE, null, "is empty");
        }
        String value = raw.strip();
        if (value.isEmpty()) {
            return reject(RejectionCodes.EMPTY_VALUE, raw, "is empty");
        }
        if (value.length() != length) {
            return reject(
                    RejectionCodes.BAD_HASH_LENGTH,
                    value,
                    "has " + value.length() + " characters; " + algorithm + " needs " + length + " hex characters");
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (!Chars.isHex(c)) {
                return reject(
                        RejectionCodes.NOT_HEX,
                        value,
                        "has " + Chars.describe(c) + " at index " + i + ", which is not hexadecimal");
            }
        }
        return Result.ok(value.toLowerCase(Locale.ROOT));
    }
}
