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
 *
 * <p>Failed logins are counted per user name and per remote address ({@link LoginThrottle}); over
 * the limit, an attempt the cache cannot answer is refused <em>before</em> the password hash runs,
 * so guessing costs the guesser a 429 and the server nothing.
 */
final class BasicAuthenticator {

    private static final int MAX_CACHED = 10_000;
    private static final PasswordVerifier NOBODY =
            PasswordVerifier.of("no-such-partner-" + new SecureRandom().nextLong());

    /** What a request's credentials prove: a partner, nothing, or that the caller must wait before trying again. */
    record Outcome(Optional<TaxiiPartner> partner, Optional<Duration> retryAfter) {
        static final Outcome REFUSED = new Outcome(Optional.empty(), Optional.empty());

        static Outcome verified(TaxiiPartner partner) {
            return new Outcome(Optional.of(partner), Optional.empty());
        }

        static Outcome throttled(Duration wait) {
            return new Outcome(Optional.empty(), Optional.of(wait));
        }
    }

    private final TaxiiPartners partners;
    private final LoginThrottle throttle;
    private final long cacheNanos;
    private final byte[] cacheKey = new byte[32];
    private final Map<String, Long> verified = new ConcurrentHashMap<>();

    BasicAuthenticator(TaxiiPartners partners, Duration cacheFor, LoginThrottle throttle) {
        this.partners = partners;
        this.throttle = throttle;
        this.cacheNanos = cacheFor.toNanos();
        new SecureRandom().nextBytes(cacheKey);
    }

    /** What the {@code Authorization} header of a request from {@code remoteAddress} proves. */
    Outcome authenticate(String authorization, String remoteAddress) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Outcome.REFUSED;
        }
        String decoded;
        try {
            decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Outcome.REFUSED;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Outcome.REFUSED;
        }
        String user = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        Optional<TaxiiPartner> partner = partners.find(user);
        String key =
                partner.map(p -> digest(user, password, p.password().salt())).orElse(null);
        long now = System.nanoTime();
        if (key != null) {
            Long until = verified.get(key);
            if (until != null && now - until < 0) {
                return Outcome.verified(partner.get());
            }
        }
        Optional<Duration> wait = throttle.blocked(user, remoteAddress);
        if (wait.isPresent()) {
            return Outcome.throttled(wait.get());
        }
        if (partner.isEmpty()) {
            NOBODY.matches(password);
            throttle.failed(user, remoteAddress);
            return Outcome.REFUSED;
        }
        if (!partner.get().password().matches(password)) {
            throttle.failed(user, remoteAddress);
            return Outcome.REFUSED;
        }
        throttle.succeeded(user);
        if (cacheNanos > 0) {
            if (verified.size() >= MAX_CACHED) {
                verified.clear();
            }
            verified.put(key, now + cacheNanos);
        }
        return Outcome.verified(partner.get());
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
