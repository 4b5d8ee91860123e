package io.threatline.consumer.taxii;

import java.time.Clock;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.threatline.consumer.delivery.AgreementsView;
import io.threatline.consumer.delivery.ChannelSettings;
import io.threatline.consumer.delivery.Secrets;
import io.threatline.contract.DataKind;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.PartnerAgreement;

/**
 * TAXII partners as the agreements say, looked up on every request: a partner has TAXII access
 * while its agreement is in force and names a {@code taxii} channel whose {@code password} setting
 * is a secret reference ({@code secret:<name>} or <code>${ENV}</code>); its collections follow the
 * agreement's data kinds (indicators for INDICATORS, statistics for STATISTICS or TRENDS).
 * Anything missing or unreadable fails closed: no access. Password hashes are computed once per
 * agreement version, not per request.
 */
public final class AgreementTaxiiPartners implements TaxiiPartners {

    private static final Logger LOGGER = LoggerFactory.getLogger(AgreementTaxiiPartners.class);

    private final AgreementsView agreements;
    private final Secrets secrets;
    private final Clock clock;
    private final Map<String, Cached> verifiers = new ConcurrentHashMap<>();

    private record Cached(String agreementId, int version, Optional<PasswordVerifier> verifier) {
    }

    public AgreementTaxiiPartners(AgreementsView agreements, Secrets secrets, Clock clock) {
        this.agreements = agreements;
        this.secrets = secrets;
        this.clock = clock;
    }

    @Override
    public Optional<TaxiiPartner> find(String partnerId) {
        Optional<PartnerAgreement> found = agreements.agreement(partnerId);
        if (found.isEmpty() || !AgreementsView.inForce(found.get(), clock.instant())) {
            return Optional.empty();
        }
        PartnerAgreement agreement = found.get();
        Optional<io.threatline.contract.ChannelSettings> taxii = agreement.getChannels().stream()
            .filter(c -> c.getChannel() == DeliveryChannel.TAXII).findFirst();
        if (taxii.isEmpty()) {
            return Optional.empty();
        }
        Set<TaxiiCollection> collections = EnumSet.noneOf(TaxiiCollection.class);
        if (agreement.getDataKinds().contains(DataKind.INDICATORS)) {
            collections.add(TaxiiCollection.INDICATORS);
        }
        if (agreement.getDataKinds().contains(DataKind.STATISTICS) || agreement.getDataKinds().contains(DataKind.TRENDS)) {
            collections.add(TaxiiCollection.STATISTICS);
        }
        Cached cached = verifiers.compute(partnerId, (id, before) ->
            before != null && before.agreementId().equals(agreement.getAgreementId()) && before.version() == agreement.getVersion()
                ? before
                : new Cached(agreement.getAgreementId(), agreement.getVersion(), verifier(partnerId, taxii.get())));
        return cached.verifier().map(v -> new TaxiiPartner(partnerId, agreement.getPartnerName(), collections, v));
    }

    private Optional<PasswordVerifier> verifier(String partnerId, io.threatline.contract.ChannelSettings channel) {
        ChannelSettings settings = new ChannelSettings(partnerId, DeliveryChannel.TAXII, channel.getSettings(), secrets);
        try {
            Optional<String> password = settings.secret("password");
            if (password.isEmpty()) {
                LOGGER.error("TAXII access of {} refused: {}", partnerId, settings.error("password", "is required (a secret reference)").getMessage());
            }
            return password.map(PasswordVerifier::of);
        } catch (IllegalArgumentException e) {
            LOGGER.error("TAXII access of {} refused: {}", partnerId, e.getMessage());
            return Optional.empty();
        }
    }
}
