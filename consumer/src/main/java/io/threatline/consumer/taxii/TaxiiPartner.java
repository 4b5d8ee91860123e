package io.threatline.consumer.taxii;

import io.threatline.schemas.topics.ThreatlineTopics;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A partner as the TAXII server knows it: its id (the HTTP Basic user name and the name of its
 * API root), a title, the collections its agreement grants, and its password verifier.
 */
public record TaxiiPartner(
        String partnerId,
        String title,
        Set<TaxiiCollection> collections,
        PasswordVerifier password,
        io.threatline.contract.PartnerAgreement agreement) {

    /** A partner without an agreement the server knows: it may read, and never write. */
    public TaxiiPartner(String partnerId, String title, Set<TaxiiCollection> collections, PasswordVerifier password) {
        this(partnerId, title, collections, password, null);
    }

    public TaxiiPartner {
        ThreatlineTopics.checkPartnerId(partnerId);
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(password, "password");
        collections = collections.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(collections));
    }
}
