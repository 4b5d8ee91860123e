package io.threatline.consumer.syslog;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Text helpers shared by the CEF and LEEF formatters: joining lists, truncation at a code-point
 * boundary and trimming. Escaping is format-specific and lives in each formatter.
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
    String joined =
        items.stream()
            .map(o -> normalise(String.valueOf(o), maxChars))
            .filter(s -> !s.isEmpty())
            .collect(Collectors.joining(","));
    return normalise(joined, maxChars);
  }
}
