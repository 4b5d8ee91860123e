package io.threatline.consumer.stix;

import io.threatline.consumer.delivery.TestRecords;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerIndicator;
import java.time.Instant;
import java.util.List;

/** Sample partner indicators for the STIX tests. */
public final class StixIndicators {

    public static final Instant FIRST_SEEN = TestRecords.FIRST_SEEN;
    public static final Instant LAST_SEEN = TestRecords.LAST_SEEN;
    public static final Instant VALID_UNTIL = TestRecords.VALID_UNTIL;
    public static final Instant SHARED_AT = TestRecords.SHARED_AT;

    private StixIndicators() {}

    /** The shared sample for one partner, as the STIX tests use it: Shylock, no attribution, no redistribution. */
    public static PartnerIndicator.Builder builder(String partnerId, IndicatorType type, String value) {
        return TestRecords.indicatorBuilder(type, value)
                .setPartnerId(partnerId)
                .setMalwareFamilies(List.of("Shylock"))
                .setTags(List.of("c2", "banking"))
                .setVendors(List.of())
                .setSensors(List.of())
                .setRedistributionAllowed(false)
                .setRedistributionScope(null);
    }

    public static PartnerIndicator of(IndicatorType type, String value) {
        return builder("interpol-igci", type, value).build();
    }
}
