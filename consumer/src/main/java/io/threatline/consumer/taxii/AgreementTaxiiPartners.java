package io.threatline.consumer.taxii;

import io.threatline.agreements.AgreementPolicy;
import io.threatline.consumer.delivery.AgreementsView;
import io.threatline.consumer.delivery.ChannelSettings;
import io.threatline.consumer.delivery.Secrets;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.PartnerAgreement;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TAXII partners as the agreements say, looked up on every request: a partner has TAXII access
 * while its agreement is in force and names a {@code taxii} channel whose {@code password} setting
 * is a secret reference ({@code secret:<name>} or <code>${ENV}</code>); its collections follow the
 * agreement's data kinds (indicators for INDICATORS, statistics for STATISTICS or TRENDS).
 * Anything missing or unreadable fails closed: no access. Password hashes are computed once per
 * agreement version and password, not per request: the secret is read again at most every
 * {@link #DEFAULT_RECHECK} (or the interval given), so a password changed in its secret file
 * takes effect without a restart and the old one stops working; only a keyed digest of the
 * secret is kept to notice the change.
 */
public final class AgreementTaxiiPartners implements TaxiiPartners {

    private static final Logger LOGGER = LoggerFactory.getLogger(AgreementTaxiiPartners.class);

    /** How often a partner's password secret is read again to notice a change. */
    public static final Duration DEFAULT_RECHECK = Duration.ofSeconds(5);

    private final AgreementsView agreements;
    private final Secrets secrets;
    private final Clock clock;
    private final long recheckNanos;
    private final byte[] fingerprintKey = new byte[32];
    private final Map<String, Cached> verifiers = new ConcurrentHashMap<>();

    private record Cached(
            String agreementId,
            int version,
            String fingerprint,
            long checkedNanos,
            Optional<PasswordVerifier> verifier) {}

    public AgreementTaxiiPartners(AgreementsView agreements, Secrets secrets, Clock clock) {
        this(agreements, secrets, clock, DEFAULT_RECHECK);
    }

    public AgreementTaxiiPartners(AgreementsView agreements, Secrets secrets, Clock clock, Duration recheck) {
        this.agreements = agreements;
        this.secrets = secrets;
        this.clock = clock;
        this.recheckNanos = recheck.toNanos();
        new SecureRandom().nextBytes(fingerprintKey);
    }

    @Override
    public Optional<TaxiiPartner> find(String partnerId) {
        Optional<PartnerAgreement> found = agreements.agreement(partnerId);
        if (found.isEmpty() || !AgreementPolicy.inForce(found.get(), clock.instant())) {
            return Optional.empty();
        }
        PartnerAgreement agreement = found.get();
        Optional<io.threatline.contract.ChannelSettings> taxii = agreement.getChannels().stream()
                .filter(c -> c.getChannel() == DeliveryChannel.TAXII)
                .findFirst();
        if (taxii.isEmpty()) {
            return Optional.empty();
        }
        Set<TaxiiCollection> collections = TaxiiCollection.grantedBy(agreement);
        long now = System.nanoTime();
        Cached cached = verifiers.compute(partnerId, (id, before) -> {
            boolean sameAgreement = before != null
                    && before.agreementId().equals(agreement.getAgreementId())
                    && before.version() == agreement.getVersion();
            if (sameAgreement && now - before.checkedNanos() < recheckNanos) {
                return before;
            }
            Optional<String> password = password(partnerId, taxii.get());
            String fingerprint = password.map(this::fingerprint).orElse("");
            if (sameAgreement && fingerprint.equals(before.fingerprint())) {
                return new Cached(before.agreementId(), before.version(), fingerprint, now, before.verifier());
            }
            if (before != null && sameAgreement) {
                LOGGER.info("TAXII password of {} changed; the new one applies from now on", partnerId);
            }
            return new Cached(
                    agreement.getAgreementId(),
                    agreement.getVersion(),
                    fingerprint,
                    now,
                    password.map(PasswordVerifier::of));
        });
        return cached.verifier()
                .map(v -> new TaxiiPartner(partnerId, agreement.getPartnerName(), collections, v, agreement));
    }

    private Optional<String> password(String partnerId, io.threatline.contract.ChannelSettings channel) {
        ChannelSettings settings =
                new ChannelSettings(partnerId, DeliveryChannel.TAXII, channel.getSettings(), secrets);
        try {
            Optional<String> password = settings.secret("password");
            if (password.isEmpty()) {
                LOGGER.error(
                        "TAXII access of {} refused: {}",
                        partnerId,
                        settings.error("password", "is required (a secret reference)")
                                .getMessage());
            }
            return password;
        } catch (IllegalArgumentException e) {
            LOGGER.error("TAXII access of {} refused: {}", partnerId, e.getMessage());
            return Optional.empty();
        }
    }

    /** A digest of the password under a key of this process only, to notice a change without keeping the password. */
    private String fingerprint(String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(fingerprintKey, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JRE", e);
        }
    }
}
