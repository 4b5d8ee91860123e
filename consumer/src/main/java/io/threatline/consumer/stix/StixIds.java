package io.threatline.consumer.stix;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * Deterministic STIX identifiers and STIX timestamps.
 *
 * <p>Ids are {@code <type>--<UUIDv5>} (RFC 4122 name-based, SHA-1) under {@link #NAMESPACE}, so
 * the same Threatline record always maps to the same STIX id and a repeat or an update is a new
 * version of the same object, not a new object.
 */
public final class StixIds {

    /** RFC 4122 DNS namespace. */
    private static final UUID DNS_NAMESPACE = UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
    /** Threatline's namespace for STIX ids: UUIDv5 of the DNS name {@code stix.threatline.io}. */
    public static final UUID NAMESPACE = uuid5(DNS_NAMESPACE, "stix.threatline.io");

    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private StixIds() {}

    /** {@code <type>--<UUIDv5(NAMESPACE, name)>}. */
    public static String of(String type, String name) {
        return type + "--" + uuid5(NAMESPACE, name);
    }

    /** The STIX {@code indicator} id of a Threatline indicator id ({@code <type>:<canonical value>}). */
    public static String indicator(String indicatorId) {
        return of("indicator", indicatorId);
    }

    /** A STIX timestamp with exactly millisecond precision, as STIX 2.1 requires for created/modified. */
    public static String timestamp(Instant instant) {
        return MILLIS.format(instant);
    }

    static UUID uuid5(UUID namespace, String name) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            ByteBuffer ns = ByteBuffer.allocate(16);
            ns.putLong(namespace.getMostSignificantBits()).putLong(namespace.getLeastSignificantBits());
            sha1.update(ns.array());
            byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
            hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
            hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
            ByteBuffer b = ByteBuffer.wrap(hash, 0, 16);
            return new UUID(b.getLong(), b.getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JRE", e);
        }
    }
}
