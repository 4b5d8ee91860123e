package io.threatline.consumer.taxii;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A fixed set of TAXII partners, for tests and local runs. */
public final class StaticTaxiiPartners implements TaxiiPartners {

    private final Map<String, TaxiiPartner> partners;

    public StaticTaxiiPartners(List<TaxiiPartner> partners) {
        this.partners =
                partners.stream().collect(Collectors.toUnmodifiableMap(TaxiiPartner::partnerId, Function.identity()));
    }

    @Override
    public Optional<TaxiiPartner> find(String partnerId) {
        return Optional.ofNullable(partners.get(partnerId));
    }
}
