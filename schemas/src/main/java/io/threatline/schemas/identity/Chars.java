package io.threatline.schemas.identity;

/** Character classes shared by the canonicalisers. */
final class Chars {

    private Chars() {}

    /**
     * Characters no indicator may contain: whitespace and control characters, plus invisible
     * format characters (zero-width space, soft hyphen, bidi overrides) and surrogates, because
     * those let two values that look identical to an analyst differ, or be silently dropped by
     * IDNA mapping. A surrogate pair is accepted by {@link #indexOfForbidden}.
     */
    static boolean isForbidden(char c) {
        if (c > ' ' && c < 0x7F) {
            return false; // printable ASCII: the common case, decided without table lookups
        }
        return c <= ' '
                || c == 0x7F
                || Character.isWhitespace(c)
                || Character.isSpaceChar(c)
                || Character.isISOControl(c)
                || Character.getType(c) == Character.FORMAT
                || Character.isSurrogate(c);
    }

    /** Index of the first forbidden character in {@code s}, or -1; a valid surrogate pair is allowed. */
    static int indexOfForbidden(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (!isForbidden(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(i + 1));
                if (Character.getType(cp) != Character.FORMAT) {
                    i++;
                    continue;
                }
            }
            return i;
        }
        return -1;
    }

    static boolean isAscii(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Describes a character for a message, escaping it when it would not be visible. */
    static String describe(char c) {
        if (c > ' ' && c < 0x7F) {
            return "'" + c + "'";
        }
        return String.format("U+%04X", (int) c);
    }
}
