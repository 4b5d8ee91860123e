package io.threatline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.agreements.AgreementPolicy;
import io.threatline.agreements.Decision;
import io.threatline.contract.Indicator;
import io.threatline.contract.PartnerAgreement;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BenchAgreementsTest {

    private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");

    @Test
    void shouldMatchEachFirstSightingWithAHandfulOfTwoHundredAgreements() {
        // Given
        List<PartnerAgreement> agreements = BenchAgreements.scoped(200);
        List<Indicator> sightings = SimulatedIndicators.firstSightings(3, 5_000, NOW);

        // When
        double mean = sightings.stream()
                .mapToInt(i -> delivered(agreements, i))
                .average()
                .orElseThrow();
        int most =
                sightings.stream().mapToInt(i -> delivered(agreements, i)).max().orElseThrow();

        // Then: a handful on average, never a large share of the partners
        assertThat(mean).isBetween(2.5, 6.0);
        assertThat(most).isLessThanOrEqualTo(15);
    }

    @Test
    void shouldKeepTheStandardThreeInsideTheScopedSetWithDistinctPartners() {
        List<PartnerAgreement> scoped = BenchAgreements.scoped(200);

        assertThat(scoped).hasSize(200).startsWith(BenchAgreements.standard().toArray(PartnerAgreement[]::new));
        Set<String> partners =
                scoped.stream().map(PartnerAgreement::getPartnerId).collect(Collectors.toSet());
        assertThat(partners).hasSize(200);
        assertThat(BenchAgreements.ofSize(3)).isEqualTo(BenchAgreements.standard());
    }

    private static int delivered(List<PartnerAgreement> agreements, Indicator change) {
        int n = 0;
        for (PartnerAgreement a : agreements) {
            if (AgreementPolicy.decide(a, change, NOW) instanceof Decision.Deliver) {
                n++;
            }
        }
        return n;
    }
}
