package io.threatline.consumer.taxii;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.DataKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TaxiiPiecesTest {

    @ParameterizedTest(name = "Accept: {0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "application/taxii+json;version=2.1 | true",
                "application/taxii+json; version=\"2.1\" | true",
                "application/taxii+json | true",
                "*/* | true",
                "application/* | true",
                "text/html, application/taxii+json;q=0.5 | true",
                "application/taxii+json;version=2.0 | false",
                "application/json | false",
                "text/html | false",
                "application/taxii+json;version=2.1;q=0 | false",
            })
    void shouldAcceptOnlyTaxii21OrWildcards(String accept, boolean acceptable) {
        assertThat(TaxiiMediaTypes.acceptsTaxii(accept)).isEqualTo(acceptable);
    }

    @Test
    void shouldRoundTripACursorAndRefuseForeignOrTamperedOnes() {
        PageCursor cursor = new PageCursor(Map.of(0, 12L, 3, 0L, 5, 999_999_999_999L));

        String next = cursor.encode();

        assertThat(next).matches("[A-Za-z0-9_-]+");
        assertThat(PageCursor.decode(next)).contains(cursor);
        assertThat(PageCursor.decode("not base64 !")).isEmpty();
        assertThat(PageCursor.decode(b64("v2:0=1"))).isEmpty();
        assertThat(PageCursor.decode(b64("v1:0=-1"))).isEmpty();
        assertThat(PageCursor.decode(b64("v1:0=1,0=2"))).isEmpty();
        assertThat(PageCursor.decode(b64("v1:x=1"))).isEmpty();
        assertThat(PageCursor.decode(new PageCursor(Map.of()).encode())).contains(new PageCursor(Map.of()));
    }

    @Test
    void shouldVerifyOnlyTheRightPasswordAndNotKeepItInClear() {
        PasswordVerifier verifier = PasswordVerifier.of("correct horse", 1000);

        assertThat(verifier.matches("correct horse")).isTrue();
        assertThat(verifier.matches("correct horsE")).isFalse();
        assertThat(verifier.matches("")).isFalse();
        assertThat(verifier.matches(null)).isFalse();
        assertThat(verifier.toString()).doesNotContain("correct horse");
        assertThat(PasswordVerifier.of("correct horse", 1000).salt()).isNotEqualTo(verifier.salt());
    }

    @Test
    void shouldAuthenticateByPartnerIdAndPasswordOnly() {
        TaxiiPartner a = new TaxiiPartner(
                "partner-a", "A", Set.of(TaxiiCollection.INDICATORS), PasswordVerifier.of("pw-a", 1000));
        BasicAuthenticator auth = new BasicAuthenticator(
                new StaticTaxiiPartners(List.of(a)),
                Duration.ofMinutes(1),
                new LoginThrottle(100, Duration.ofMinutes(1), System::nanoTime));

        assertThat(auth.authenticate(basic("partner-a", "pw-a"), "192.0.2.1").partner())
                .contains(a);
        assertThat(auth.authenticate(basic("partner-a", "pw-a"), "192.0.2.1").partner())
                .as("again, from the cache")
                .contains(a);
        assertThat(auth.authenticate(basic("partner-a", "pw-b"), "192.0.2.1").partner())
                .isEmpty();
        assertThat(auth.authenticate(basic("partner-b", "pw-a"), "192.0.2.1").partner())
                .isEmpty();
        assertThat(auth.authenticate(null, "192.0.2.1").partner()).isEmpty();
        assertThat(auth.authenticate("Bearer x", "192.0.2.1").partner()).isEmpty();
        assertThat(auth.authenticate("Basic %%%", "192.0.2.1").partner()).isEmpty();
    }

    @Test
    void shouldGrantStatisticsForStatisticsOrTrendsAndIndicatorsForIndicators() {
        assertThat(TaxiiCollection.grantedBy(List.of(DataKind.INDICATORS))).containsExactly(TaxiiCollection.INDICATORS);
        assertThat(TaxiiCollection.grantedBy(List.of(DataKind.TRENDS))).containsExactly(TaxiiCollection.STATISTICS);
        assertThat(TaxiiCollection.grantedBy(List.of(DataKind.STATISTICS, DataKind.INDICATORS)))
                .containsExactlyInAnyOrder(TaxiiCollection.INDICATORS, TaxiiCollection.STATISTICS);
        assertThat(TaxiiCollection.grantedBy(List.of(DataKind.UNKNOWN))).isEmpty();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
    }
}
