package io.threatline.consumer.taxii;

import java.util.Optional;

/**
 * Who may use the TAXII server: looked up by partner id on every request, so an agreement that
 * ends or changes takes effect at once. The production implementation follows the agreements
 * topic (PartnerAgreement records with a TAXII channel whose settings hold
 * {@code password: secret:<name>}, resolved through {@code Secrets}); {@link StaticTaxiiPartners}
 * is a fixed set for tests and local use. Must be safe for concurrent use.
 */
@FunctionalInterface
public interface TaxiiPartners {

    /** The partner with this id, if it currently has TAXII access. */
    Optional<TaxiiPartner> find(String partnerId);
}
