package io.threatline.schemas.identity;

import io.threatline.schemas.Result;

/** Builds rejections whose messages quote the offending value safely. */
final class Reasons {

    /** Long enough to recognise a value in a dead letter, short enough for a log line. */
    static final int MAX_QUOTED = 100;

    private Reasons() {}

    /**
     * The rejection for a value that is empty or holds a character no indicator may contain, or
     * {@code null} when the text is usable (package-internal, on the hot path: no allocation when fine).
     */
    static <T> Result<T> emptyOrForbidden(String value) {
        if (value == null || value.isEmpty()) {
            return reject(RejectionCodes.EMPTY_VALUE, value, "is empty");
        }
        int bad = Chars.indexOfForbidden(value);
        if (bad >= 0) {
            return reject(
                    RejectionCodes.ILLEGAL_CHARACTER,
                    value,
                    "contains " + Chars.describe(value.charAt(bad)) + " at index " + bad);
        }
        return null;
    }

    static <T> Result<T> reject(String code, String value, String why) {
        return Result.rejected(code, quote(value) + ' ' + why);
    }

    /**
     * Quotes a value for a message: truncated, with control and invisible characters escaped, so a
     * hostile value cannot forge log lines or hide what it is.
     */
    static String quote(String value) {
        if (value == null) {
            return "null";
        }
        int end = Math.min(value.length(), MAX_QUOTED);
        StringBuilder sb = new StringBuilder(end + 8).append('\'');
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            if (Chars.isForbidden(c) && c != ' ') {
                sb.append(String.format("\\u%04X", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('\'');
        if (value.length() > MAX_QUOTED) {
            sb.append("... (").append(value.length()).append(" chars)");
        }
        return sb.toString();
    }
}
