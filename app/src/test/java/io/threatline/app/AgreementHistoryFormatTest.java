package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.threatline.contract.AgreementScope;
import io.threatline.contract.ChannelSettings;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.Tlp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgreementHistoryFormatTest {

    private static final PartnerAgreement V1 = PartnerAgreement.newBuilder(
                    AgreementVersionsTest.agreement("acme", 1, Tlp.GREEN))
            .setScope(AgreementScope.newBuilder()
                    .setMalwareFamilies(List.of("shylock"))
                    .setIndicatorTypes(List.of(IndicatorType.DOMAIN))
                    .build())
            .setEmbargoMillis(86_400_000L)
            .setChannels(List.of(
                    ChannelSettings.newBuilder()
                            .setChannel(DeliveryChannel.TAXII)
                            .setSettings(Map.of("password", "secret:acme/taxii", "user", "acme"))
                            .build(),
                    ChannelSettings.newBuilder()
                            .setChannel(DeliveryChannel.WEBHOOK)
                            .setSettings(Map.of(
                                    "url", "https://siem.acme.example/in", "hmac_key", "literal-should-never-show"))
                            .build()))
            .build();
    private static final PartnerAgreement V2 = PartnerAgreement.newBuilder(V1)
            .setVersion(2)
            .setTlpCeiling(Tlp.AMBER_STRICT)
            .setValidUntil(Instant.parse("2027-01-01T00:00:00Z"))
            .build();

    private static final List<AgreementHistory.Entry> HISTORY = List.of(
            new AgreementHistory.Entry(Instant.parse("2026-02-01T10:00:00Z"), 0, AgreementHistory.applied(V1, "alice")),
            new AgreementHistory.Entry(Instant.parse("2026-03-01T10:00:00Z"), 1, AgreementHistory.applied(V2, "alice")),
            new AgreementHistory.Entry(
                    Instant.parse("2026-04-01T10:00:00Z"), 2, AgreementHistory.ended("acme", "bob")));

    @Test
    void shouldListEachVersionWithItsTermsWhenItTookEffectAndUntilWhen() {
        // Given versions 1 and 2 of acme's agreement and its end
        // When the history is listed
        String text = AgreementHistoryFormat.list("acme", "ti.agreements.history.v1", HISTORY);

        // Then each version shows its terms and period, and the end shows when and by whom
        assertThat(text)
                .contains(
                        "History of acme's agreement: 2 version(s), 3 entries in ti.agreements.history.v1",
                        "v1  acme-MOU (ACME)  took effect 2026-02-01T10:00:00Z by alice, in force until 2026-03-01T10:00:00Z (replaced by v2)",
                        "ceiling TLP:GREEN; kinds [INDICATORS]; scope: types [DOMAIN], families [shylock], campaigns any, countries any, minimum confidence 0; "
                                + "embargo PT24H; period 2026-01-01T00:00:00Z to open-ended",
                        "v2  acme-MOU (ACME)  took effect 2026-03-01T10:00:00Z by alice, in force until 2026-04-01T10:00:00Z (ended)",
                        "ceiling TLP:AMBER+STRICT",
                        "period 2026-01-01T00:00:00Z to 2027-01-01T00:00:00Z",
                        "ended  2026-04-01T10:00:00Z by bob");
    }

    @Test
    void shouldShowChannelsWithSecretReferencesButNeverASecretValue() {
        // Given a version whose webhook's hmac_key holds a literal value (agreements refuse one; an old entry might
        // hold it)
        // When it is listed and printed
        String listed = AgreementHistoryFormat.list("acme", "t", HISTORY);
        String one = AgreementHistoryFormat.version("acme", HISTORY, 1).orElseThrow();
        String json = AgreementHistoryFormat.listJson("acme", "t", HISTORY);

        // Then the reference is shown, the literal never
        assertThat(List.of(listed, one, json))
                .allSatisfy(t -> assertThat(t)
                        .contains("secret:acme/taxii", "(hidden)")
                        .doesNotContain("literal-should-never-show"));
        assertThat(listed)
                .contains(
                        "taxii (password=secret:acme/taxii, user=acme); webhook (hmac_key=(hidden), url=https://siem.acme.example/in)");
    }

    @Test
    void shouldPrintOneVersionsFullTermsAndWhenItWasInForce() {
        // Given the history
        // When version 1 is asked for, and version 7 that never existed
        String one = AgreementHistoryFormat.version("acme", HISTORY, 1).orElseThrow();

        // Then version 1's every term is shown with its period in force; version 7 is nothing
        assertThat(one)
                .contains(
                        "Partner acme (ACME), agreement acme-MOU version 1",
                        "in force:                  from 2026-02-01T10:00:00Z by alice until 2026-03-01T10:00:00Z (replaced by v2)",
                        "tlp ceiling:               TLP:GREEN",
                        "embargo:                   PT24H",
                        "valid until:               open-ended",
                        "statistics minimum count:  5",
                        "redistribution allowed:    false");
        assertThat(one).doesNotContain("TLP:AMBER+STRICT");
        assertThat(AgreementHistoryFormat.version("acme", HISTORY, 7)).isEmpty();
    }

    @Test
    void shouldWriteJsonThatAScriptCanReadBack() throws Exception {
        // Given the history
        // When it is written as JSON, whole and for version 2
        JsonNode list = new ObjectMapper()
                .readTree(AgreementHistoryFormat.listJson("acme", "ti.agreements.history.v1", HISTORY));
        JsonNode two = new ObjectMapper()
                .readTree(AgreementHistoryFormat.versionJson("acme", HISTORY, 2).orElseThrow());

        // Then the entries, their times and terms are fields
        assertThat(list.get("entries")).hasSize(3);
        assertThat(list.at("/entries/0/terms/tlpCeiling").asText()).isEqualTo("TLP:GREEN");
        assertThat(list.at("/entries/0/until").asText()).isEqualTo("2026-03-01T10:00:00Z");
        assertThat(list.at("/entries/2/event").asText()).isEqualTo("ENDED");
        assertThat(list.at("/entries/2/operator").asText()).isEqualTo("bob");
        assertThat(two.at("/terms/tlpCeiling").asText()).isEqualTo("TLP:AMBER+STRICT");
        assertThat(two.at("/inForce/0/from").asText()).isEqualTo("2026-03-01T10:00:00Z");
        assertThat(two.at("/terms/scope/malwareFamilies/0").asText()).isEqualTo("shylock");
    }
}
