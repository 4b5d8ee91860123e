package io.threatline.consumer.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the small text files of the audit — a kept signed head, a PEM key — with a bound: such a
 * file is a few hundred bytes, so a larger one (the wrong file given, or one planted to exhaust
 * memory) is refused unread past the bound, naming the file (docs/security.md).
 */
public final class AuditFiles {

    /** The most an audit text file may hold. */
    public static final int MAX_BYTES = 64 * 1024;

    private AuditFiles() {}

    /**
     * @throws IllegalArgumentException when the file holds more than {@value #MAX_BYTES} bytes
     */
    public static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new IllegalArgumentException(
                        file + " holds more than " + MAX_BYTES + " bytes; a signed head or key file is far smaller");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
