package io.threatline.consumer.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * A partner chain's head (its last sequence and that receipt's hash) signed with the deployment's
 * Ed25519 key ({@link AuditSigningKeys}) at {@code issuedAt}. A partner or auditor keeps it; later
 * the chain must still hold a receipt with that sequence and hash, so dropping the newest receipts
 * (the chain ends before the head) or rewriting the chain and recomputing its hashes (the hash at
 * the head's sequence differs) is detected — unlike the bare hash chain, which anyone can
 * recompute. See {@link AuditVerifier#verify(String, java.util.List, Instant, Instant, SignedHead)}.
 *
 * <p>The signature covers {@link #FORMAT}, partner, sequence, hash, issuedAt (milliseconds) and
 * keyId, in that order, each string as its UTF-8 length (4 bytes, big-endian) and bytes, numbers
 * as 8 big-endian bytes — the same encoding as {@link ReceiptHash}, never the JSON text.
 */
public record SignedHead(
        String partnerId, long sequence, String hash, Instant issuedAt, String keyId, String signature) {

    /** Names this format, in the JSON and in the signed bytes. */
    public static final String FORMAT = "threatline-audit-head/1";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public SignedHead {
        Objects.requireNonNull(partnerId, "partnerId");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(signature, "signature");
    }

    /** Signs {@code head} of {@code partnerId}'s chain as of {@code issuedAt} (kept to the millisecond). */
    public static SignedHead sign(
            String partnerId, ReceiptChain.Head head, Instant issuedAt, PrivateKey key, PublicKey publicKey) {
        if (head.sequence() < 1) {
            throw new IllegalArgumentException(
                    "partner " + partnerId + " has no receipt yet: there is no head to sign");
        }
        Instant at = Instant.ofEpochMilli(issuedAt.toEpochMilli());
        String keyId = AuditSigningKeys.keyId(publicKey);
        try {
            Signature signer = Signature.getInstance(AuditSigningKeys.ALGORITHM);
            signer.initSign(key);
            signer.update(signedBytes(partnerId, head.sequence(), head.hash(), at, keyId));
            return new SignedHead(
                    partnerId,
                    head.sequence(),
                    head.hash(),
                    at,
                    keyId,
                    Base64.getEncoder().encodeToString(signer.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the audit key: " + e.getMessage(), e);
        }
    }

    /** The head as partner and chain position, without the signature. */
    public ReceiptChain.Head head() {
        return new ReceiptChain.Head(sequence, hash);
    }

    /**
     * What is wrong with this head's signature under {@code trusted}, or empty when the key named
     * it and the signature verifies over the head's fields.
     */
    public Optional<String> signatureProblem(PublicKey trusted) {
        String trustedId = AuditSigningKeys.keyId(trusted);
        if (!trustedId.equals(keyId)) {
            return Optional.of("the head names signing key " + keyId + " but the trusted public key is " + trustedId
                    + ": it was signed by another key (or its keyId was altered)");
        }
        try {
            Signature verifier = Signature.getInstance(AuditSigningKeys.ALGORITHM);
            verifier.initVerify(trusted);
            verifier.update(signedBytes(partnerId, sequence, hash, issuedAt, keyId));
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(signature);
            } catch (IllegalArgumentException e) {
                return Optional.of("the head's signature is not base64");
            }
            return verifier.verify(raw)
                    ? Optional.empty()
                    : Optional.of("the head's signature does not verify: the head was altered after it was signed");
        } catch (GeneralSecurityException e) {
            return Optional.of("the head's signature cannot be checked: " + e.getMessage());
        }
    }

    public String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("format", FORMAT);
        node.put("partnerId", partnerId);
        node.put("sequence", sequence);
        node.put("hash", hash);
        node.put("issuedAt", issuedAt.toString());
        node.put("algorithm", AuditSigningKeys.ALGORITHM);
        node.put("keyId", keyId);
        node.put("signature", signature);
        try {
            return JSON.writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a head written by {@link #toJson()}; the signature is not checked here.
     *
     * @throws IllegalArgumentException naming what is missing or malformed
     */
    public static SignedHead fromJson(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        String format = text(node, "format");
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException("format '" + format + "' is not " + FORMAT);
        }
        if (!AuditSigningKeys.ALGORITHM.equals(text(node, "algorithm"))) {
            throw new IllegalArgumentException(
                    "algorithm '" + text(node, "algorithm") + "' is not " + AuditSigningKeys.ALGORITHM);
        }
        JsonNode sequence = node.get("sequence");
        if (sequence == null
                || !sequence.canConvertToExactIntegral()
                || !sequence.canConvertToLong()
                || sequence.asLong() < 1) {
            throw new IllegalArgumentException("'sequence' must be a whole number from 1");
        }
        Instant issuedAt;
        try {
            issuedAt = Instant.parse(text(node, "issuedAt"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'issuedAt' is not an ISO-8601 instant", e);
        }
        return new SignedHead(
                text(node, "partnerId"),
                sequence.asLong(),
                text(node, "hash"),
                issuedAt,
                text(node, "keyId"),
                text(node, "signature"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' is missing or not a string");
        }
        return value.asText();
    }

    private static byte[] signedBytes(String partnerId, long sequence, String hash, Instant issuedAt, String keyId) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(160);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            string(out, FORMAT);
            string(out, partnerId);
            out.writeLong(sequence);
            string(out, hash);
            out.writeLong(issuedAt.toEpochMilli());
            string(out, keyId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void string(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }
}
