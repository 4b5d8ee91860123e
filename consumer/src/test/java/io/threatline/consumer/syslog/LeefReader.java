package io.threatline.consumer.syslog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small LEEF 2.0 reader written for the tests from the format's rules as QRadar applies them,
 * independently of {@link LeefFormatter}: the header is split on {@code |} (where {@code \|} and
 * {@code \\} stand for themselves), the sixth header field declares the delimiter (one character,
 * or its code as {@code xHH} / {@code 0xHH}), the attributes are split at <em>every</em> delimiter
 * — LEEF defines no escape there — and each pair at its first {@code =}. A pair without {@code =}
 * or a key seen twice is an error, so a value that smuggled in a delimiter shows.
 */
final class LeefReader {

    /** A parsed LEEF event. */
    record Event(
            String version,
            String vendor,
            String product,
            String productVersion,
            String eventId,
            char delimiter,
            Map<String, String> attributes) {}

    private LeefReader() {}

    static Event parse(String line) {
        List<String> header = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int k = 0;
        while (header.size() < 6) {
            char c = line.charAt(k++);
            if (c == '\\' && k < line.length() && (line.charAt(k) == '|' || line.charAt(k) == '\\')) {
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
        char delimiter = d.length() == 1 ? d.charAt(0) : (char) Integer.parseInt(d.replaceFirst("^0?x", ""), 16);
        Map<String, String> attributes = new LinkedHashMap<>();
        String rest = line.substring(k);
        if (!rest.isEmpty()) {
            for (String pair : rest.split(java.util.regex.Pattern.quote(String.valueOf(delimiter)), -1)) {
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("pair without '=': " + pair);
                }
                if (attributes.put(pair.substring(0, eq), pair.substring(eq + 1)) != null) {
                    throw new IllegalArgumentException("key given twice: " + pair.substring(0, eq));
                }
            }
        }
        return new Event(
                header.get(0).substring(5),
                header.get(1),
                header.get(2),
                header.get(3),
                header.get(4),
                delimiter,
                attributes);
    }
}
