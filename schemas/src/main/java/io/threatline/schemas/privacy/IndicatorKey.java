package io.threatline.schemas.privacy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment's key for indicator references (docs/data-protection.md): a keyed hash
 * (HMAC-SHA256) of an indicator id, {@code hmac-sha256:<hex>}, which receipts and erasure records
 * keep instead of the value. Whoever holds the key and knows a value can find its reference; nobody
 * else can read a value back out of one, nor test guesses against it.
 *
 * <p>The key is a file of 32 random bytes, base64, mode 600 ({@link #ensure}); every process that
 * writes or reads references (hub, delivery, the operator's commands) is given the same file with
 * {@value #FILE_SETTING}. A process given none uses a key of its own that dies with it: its
 * references can be matched by nobody, which keeps no value but also proves nothing, so it says so
 * at start.
 */
public final class IndicatorKey {

    /** The setting, for the hub and delivery alike, naming the key file. */
    public static final String FILE_SETTING = "threatline.indicator-key.file";

    /** What every reference starts with. */
    public static final String PREFIX = "hmac-sha256:";

    private static final Logger LOGGER = LoggerFactory.getLogger(IndicatorKey.class);
    private static final int KEY_BYTES = 32;

    private final byte[] key;
    private final String keyId;
    private final boolean ephemeral;
    private final ThreadLocal<Mac> macs;

    private IndicatorKey(byte[] key, boolean ephemeral) {
        this.key = key.clone();
        this.ephemeral = ephemeral;
        this.macs = ThreadLocal.withInitial(this::newMac);
        this.keyId = hex(mac("threatline-indicator-key-id")).substring(0, 16);
    }

    /** A key from its bytes (at least 32). */
    public static IndicatorKey of(byte[] key) {
        if (key.length < KEY_BYTES) {
            throw new IllegalArgumentException("an indicator key needs at least " + KEY_BYTES + " bytes");
        }
        return new IndicatorKey(key, false);
    }

    /** A key of this process only, for a deployment that gave none (a warning says so). */
    public static IndicatorKey ephemeral(String who) {
        byte[] b = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(b);
        LOGGER.warn(
                "{}: no {} set; indicator references (receipts, erasures) use a key that lives only in this process, so"
                        + " nobody can match them later. Give every Threatline process the same key file"
                        + " (docs/data-protection.md).",
                who,
                FILE_SETTING);
        return new IndicatorKey(b, true);
    }

    /**
     * The key named by {@value #FILE_SETTING} in {@code settings}, or {@link #ephemeral} when none is.
     *
     * @throws IllegalArgumentException naming the setting and the file when it cannot be read
     */
    public static IndicatorKey from(Map<?, ?> settings, String who) {
        Object file = settings.get(FILE_SETTING);
        if (file == null || file.toString().isBlank()) {
            return ephemeral(who);
        }
        try {
            return read(Path.of(file.toString().strip()));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(FILE_SETTING + "=" + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a key file.
     *
     * @throws IllegalArgumentException when it is not base64 of at least 32 bytes
     */
    public static IndicatorKey read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not base64: " + file);
        }
        if (bytes.length < KEY_BYTES) {
            throw new IllegalArgumentException(file + " holds " + bytes.length + " bytes; a key needs " + KEY_BYTES);
        }
        return of(bytes);
    }

    /** Reads the key file, making it (32 random bytes, mode 600) when it does not exist. */
    public static IndicatorKey ensure(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] b = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(b);
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, Base64.getEncoder().encodeToString(b) + "\n", StandardCharsets.US_ASCII);
        }
        return read(file);
    }

    /** The reference of an indicator id (or any record id): {@code hmac-sha256:<64 hex>}. */
    public String ref(String id) {
        return PREFIX + hex(mac(id));
    }

    /** Whether {@code s} is a reference (as opposed to an id in clear, as receipts before keys held). */
    public static boolean isRef(String s) {
        return s != null && s.startsWith(PREFIX);
    }

    /** A short public name of the key (not the key), kept with erasures so a process can tell a key it lacks. */
    public String keyId() {
        return keyId;
    }

    /** Whether this key lives only in this process. */
    public boolean ephemeral() {
        return ephemeral;
    }

    private byte[] mac(String text) {
        Mac mac = macs.get();
        return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Override
    public String toString() {
        return "IndicatorKey[" + keyId + (ephemeral ? ", ephemeral" : "") + "]";
    }
}
