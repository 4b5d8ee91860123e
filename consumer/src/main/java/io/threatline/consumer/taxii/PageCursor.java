package io.threatline.consumer.taxii;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A TAXII {@code next} value: for each partition of the collection's topic, the offset to read
 * from. It is all the state a page needs, so the server keeps no session; it is encoded as
 * base64url of {@code v1:<partition>=<offset>,...} and carries no partner or collection, which
 * come from the authenticated request, so a cursor cannot open another partner's data.
 */
public record PageCursor(Map<Integer, Long> nextOffsets) {

    private static final String VERSION = "v1:";
    private static final int MAX_LENGTH = 8192;

    public PageCursor {
        nextOffsets = Map.copyOf(new TreeMap<>(nextOffsets));
    }

    public String encode() {
        StringBuilder text = new StringBuilder(VERSION);
        new TreeMap<>(nextOffsets)
                .forEach((p, o) -> text.append(p).append('=').append(o).append(','));
        if (!nextOffsets.isEmpty()) {
            text.setLength(text.length() - 1);
        }
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(text.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** The cursor a {@code next} value stands for; empty when it is not one this server wrote. */
    public static Optional<PageCursor> decode(String next) {
        if (next == null || next.isEmpty() || next.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(next), StandardCharsets.US_ASCII);
            if (!text.startsWith(VERSION)) {
                return Optional.empty();
            }
            Map<Integer, Long> offsets = new TreeMap<>();
            String body = text.substring(VERSION.length());
            if (!body.isEmpty()) {
                for (String pair : body.split(",", -1)) {
                    int eq = pair.indexOf('=');
                    int partition = Integer.parseInt(pair.substring(0, eq));
                    long offset = Long.parseLong(pair.substring(eq + 1));
                    if (partition < 0 || offset < 0 || offsets.put(partition, offset) != null) {
                        return Optional.empty();
                    }
                }
            }
            return Optional.of(new PageCursor(offsets));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }
}
