package io.threatline.consumer.taxii;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HTTP Basic authentication of partners: the user name is the partner id. A verified credential
 * is remembered for a while as an HMAC under a key that lives only in this process (never the
 * password), so paging does not pay the password hash on every page; a replaced password has a
 * new salt and so misses the cache. An unknown user costs a hash as a known one does.
 */
final class BasicAuthenticator {

    private static final int MAX_CACHED = 10_000;
    private static final PasswordVerifier NOBODY = PasswordVerifier.of("no-such-partner-" + new SecureRandom().nextLong());

    private final TaxiiPartners partners;
    private final long cacheNanos;
    private final byte[] cacheKey = new byte[32];
    private final Map<String, Long> verified = new ConcurrentHashMap<>();

    BasicAuthenticator(TaxiiPartners partners, Duration cacheFor) {
        this.partners = partners;
        this.cacheNanos = cacheFor.toNanos();
        new SecureRandom().nextBytes(cacheKey);
    }

    /** The partner the {@code Authorization} header proves, if it proves one. */
    Optional<TaxiiPartner> authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String user = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        Optional<TaxiiPartner> partner = partners.find(user);
        if (partner.isEmpty()) {
            NOBODY.matches(password);
            return Optional.empty();
        }
        String key = digest(user, password, partner.get().password().salt());
        Long until = verified.get(key);
        long now = System.nanoTime();
        if (until != null && now - until < 0) {
            return partner;
        }
        if (!partner.get().password().matches(password)) {
            return Optional.empty();
        }
        if (cacheNanos > 0) {
            if (verified.size() >= MAX_CACHED) {
                verified.clear();
            }
            verified.put(key, now + cacheNanos);
        }
        return partner;
    }

    private String digest(String user, String password, byte[] salt) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(cacheKey, "HmacSHA256"));
            mac.update(user.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(password.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return Base64.getEncoder().encodeToString(mac.doFinal(salt));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JRE", e);
        }
    }
}
