package io.threatline.consumer.syslog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small LEEF 2.0 reader written for the tests, independent of {@link LeefFormatter}: splits the
 * header on unescaped {@code |}, reads the declared delimiter, splits the attributes on the
 * unescaped delimiter and each pair at its first {@code =}, and unescapes in a single pass.
 */
final class LeefReader {

  /** A parsed LEEF event. */
  record Event(String version, String vendor, String product, String productVersion,
      String eventId, char delimiter, Map<String, String> attributes) {}

  private LeefReader() {}

  static Event parse(String line) {
    List<String> header = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int k = 0;
    while (header.size() < 6) {
      char c = line.charAt(k++);
      if (c == '\\') {
        cur.append(line.charAt(k++));
      } else if (c == '|') {
        header.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (!header.get(0).startsWith("LEEF:")) {
      throw new IllegalArgumentException("not LEEF: " + line);
    }
    String d = header.get(5);
    char delimiter =
        d.length() == 1 ? d.charAt(0) : (char) Integer.parseInt(d.replaceFirst("^0?x", ""), 16);
    Map<String, String> attributes = new LinkedHashMap<>();
    String key = null;
    cur.setLength(0);
    for (; k <= line.length(); k++) {
      char c = k < line.length() ? line.charAt(k) : delimiter;
      if (c == '\\' && key != null) {
        char n = line.charAt(++k);
        cur.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
      } else if (c == '=' && key == null) {
        key = cur.toString();
        cur.setLength(0);
      } else if (c == delimiter) {
        if (key == null) {
          throw new IllegalArgumentException("pair without '=': " + cur);
        }
        attributes.put(key, cur.toString());
        key = null;
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    return new Event(header.get(0).substring(5), header.get(1), header.get(2), header.get(3),
        header.get(4), delimiter, attributes);
  }
}
