package io.threatline.consumer.taxii;

import io.threatline.contract.DataKind;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The collections a partner's API root can have. Ids are stable names, the same in every API
 * root: {@code indicators} (STIX indicators from {@code ti.partner.<id>.indicators.v1}) and
 * {@code statistics} ({@code x-threatline-trend-statistic} objects from
 * {@code ti.partner.<id>.statistics.v1}).
 */
public enum TaxiiCollection {
    INDICATORS("indicators", "Indicators", "STIX 2.1 indicators shared under the partner's agreement"),
    STATISTICS(
            "statistics",
            "Trend statistics",
            "Windowed counts (x-threatline-trend-statistic) shared under the partner's agreement"),
    /** Write only: where a partner posts its sightings, false positives and indicators (docs/sharing-back.md). */
    REPORTS(
            "reports",
            "Reports to the hub",
            "Post sightings, false positives (opinions that disagree) and indicators, as your agreement allows");

    private final String id;
    private final String title;
    private final String description;

    TaxiiCollection(String id, String title, String description) {
        this.id = id;
        this.title = title;
        this.description = description;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    public String description() {
        return description;
    }

    public String topic(ThreatlineTopics topics, String partnerId) {
        return switch (this) {
            case INDICATORS -> topics.partnerIndicators(partnerId);
            case STATISTICS -> topics.partnerStatistics(partnerId);
            case REPORTS -> topics.partnerInbound(partnerId);
        };
    }

    public boolean canRead() {
        return this != REPORTS;
    }

    public boolean canWrite() {
        return this == REPORTS;
    }

    public static Optional<TaxiiCollection> byId(String id) {
        for (TaxiiCollection c : values()) {
            if (c.id.equals(id)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /**
     * The collections an agreement grants: those of its data kinds, and {@link #REPORTS} when it lets
     * the partner report anything back.
     */
    public static Set<TaxiiCollection> grantedBy(io.threatline.contract.PartnerAgreement agreement) {
        Set<TaxiiCollection> granted = grantedBy(agreement.getDataKinds());
        if (agreement.getInbound() != null
                && !agreement.getInbound().getReports().isEmpty()) {
            granted.add(REPORTS);
        }
        return granted;
    }

    /** The collections an agreement's data kinds grant: INDICATORS gives indicators, STATISTICS or TRENDS gives statistics. */
    public static Set<TaxiiCollection> grantedBy(Collection<DataKind> dataKinds) {
        Set<TaxiiCollection> granted = EnumSet.noneOf(TaxiiCollection.class);
        if (dataKinds.contains(DataKind.INDICATORS)) {
            granted.add(INDICATORS);
        }
        if (dataKinds.contains(DataKind.STATISTICS) || dataKinds.contains(DataKind.TRENDS)) {
            granted.add(STATISTICS);
        }
        return granted;
    }
}
