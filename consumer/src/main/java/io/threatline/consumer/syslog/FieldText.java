package io.threatline.consumer.syslog;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Text helpers shared by the CEF and LEEF formatters: joining lists, truncation at a code-point
 * boundary and trimming, key=value pairs, and the value escaping both formats share (only the
 * escaped separator differs).
 */
final class FieldText {

    private FieldText() {}

    /**
     * Returns the value trimmed of leading and trailing characters up to U+0020 (as
     * {@link String#trim()}) and cut to at most {@code maxChars} UTF-16 chars without splitting a
     * surrogate pair. {@code null} becomes the empty string.
     *
     * @param value the raw value, may be null
     * @param maxChars the maximum length in chars, at least 1
     * @return the normalised value
     */
    static String normalise(String value, int maxChars) {
        if (value == null) {
            return "";
        }
        String v = value.trim();
        if (v.length() > maxChars) {
            int end = maxChars;
            if (Character.isHighSurrogate(v.charAt(end - 1))) {
                end--;
            }
            v = v.substring(0, end).trim();
        }
        return v;
    }

    /**
     * Joins list items with a comma, each item normalised first (empty items dropped); the result is
     * normalised as a whole too.
     *
     * @param items the items, may be null
     * @param maxChars maximum length of the joined text
     * @return the joined text, empty if there is nothing
     */
    static String join(List<?> items, int maxChars) {
        if (items == null) {
            return "";
        }
        String joined = items.stream()
                .map(o -> normalise(String.valueOf(o), maxChars))
                .filter(s -> !s.isEmpty())
                .collect(Collectors.joining(","));
        return normalise(joined, maxChars);
    }

    /** Longest value either format writes, in chars. */
    static final int MAX_VALUE = 1023;

    /** Puts the normalised value under the key, unless it is empty. */
    static void putIfPresent(Map<String, String> pairs, String key, String value) {
        String v = normalise(value, MAX_VALUE);
        if (!v.isEmpty()) {
            pairs.put(key, v);
        }
    }

    /** Appends {@code key=value} pairs in order, separated by {@code separator}, values escaped. */
    static void appendPairs(
            StringBuilder out, Map<String, String> pairs, String separator, UnaryOperator<String> escape) {
        boolean first = true;
        for (Map.Entry<String, String> e : pairs.entrySet()) {
            if (!first) {
                out.append(separator);
            }
            first = false;
            out.append(e.getKey()).append('=').append(escape.apply(e.getValue()));
        }
    }

    /**
     * Escapes a value: backslash and {@code special} (CEF's '=', LEEF's delimiter) get a backslash,
     * LF becomes {@code \n} and CR becomes {@code \r}.
     */
    static String escapeValue(String s, char special) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == '\\' || c == special) {
                b.append('\\').append(c);
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
