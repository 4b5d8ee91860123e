package io.threatline.consumer.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.threatline.contract.DeliveryChannel;
import io.threatline.schemas.retry.Backoff;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsAndSettingsTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadASecretFromAPrivateFile() throws Exception {
        Path file = Files.createDirectories(dir.resolve("nca")).resolve("webhook-hmac");
        Files.writeString(file, "s3cret\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        assertThat(new Secrets(Optional.of(dir), Map.of()).resolve("secret:nca/webhook-hmac"))
                .isEqualTo("s3cret");
    }

    @Test
    void shouldRefuseASecretFileOthersCanRead() throws Exception {
        Path file = dir.resolve("hmac");
        Files.writeString(file, "s3cret");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> new Secrets(Optional.of(dir), Map.of()).resolve("secret:hmac"))
                .hasMessageContaining("readable or writable by group or others")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void shouldFallBackToTheEnvironmentAndNameBothPlacesWhenMissing() {
        Secrets secrets = new Secrets(Optional.of(dir), Map.of("THREATLINE_SECRET_NCA_WEBHOOK_HMAC", "from-env"));

        assertThat(secrets.resolve("secret:nca/webhook-hmac")).isEqualTo("from-env");
        assertThatThrownBy(() -> secrets.resolve("secret:interpol/taxii"))
                .hasMessageContaining(dir.resolve("interpol/taxii").toString())
                .hasMessageContaining("THREATLINE_SECRET_INTERPOL_TAXII");
    }

    @Test
    void shouldResolveAnEnvironmentVariableReferenceMeantForAgreements() {
        // Given the environment holds a THREATLINE_SECRET_ variable
        Secrets secrets = new Secrets(Optional.empty(), Map.of("THREATLINE_SECRET_NCA_HMAC", "from-env"));

        // When / Then it resolves, and a missing one is named
        assertThat(secrets.resolve("${THREATLINE_SECRET_NCA_HMAC}")).isEqualTo("from-env");
        assertThatThrownBy(() -> secrets.resolve("${THREATLINE_SECRET_OTHER}"))
                .hasMessageContaining("THREATLINE_SECRET_OTHER is not set");
    }

    @Test
    void shouldRefuseAnEnvironmentReferenceToAnyOtherVariableNamingTheReferenceAndTheRule() {
        // Given the process holds credentials that are not meant for agreements
        Secrets secrets = new Secrets(
                Optional.empty(),
                Map.of(
                        "NCA_HMAC",
                        "not-for-agreements",
                        "KAFKA_SASL_PASSWORD",
                        "broker-password",
                        "THREATLINE_SECRET_",
                        "empty-name"));

        // When an agreement names them / Then each is refused, naming the reference and the rule, never the value
        for (String reference : new String[] {
            "${NCA_HMAC}", "${KAFKA_SASL_PASSWORD}", "${THREATLINE_SECRET_}", "${THREATLINE_SECRETS_X}"
        }) {
            assertThatThrownBy(() -> secrets.resolve(reference))
                    .as(reference)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("secret reference " + reference + " is refused")
                    .hasMessageContaining("only environment variables called THREATLINE_SECRET_<NAME>")
                    .hasMessageNotContaining("not-for-agreements")
                    .hasMessageNotContaining("broker-password")
                    .hasMessageNotContaining("empty-name");
        }
        assertThatThrownBy(() -> secrets.resolve("${NCA_HMAC}"))
                .hasMessageContaining("for example ${THREATLINE_SECRET_NCA_HMAC}");
    }

    @Test
    void shouldRefuseAChannelSettingReferringToAnotherEnvironmentVariableNamingPartnerAndSetting() {
        // Given a webhook agreement whose auth_token names the process's broker password
        ChannelSettings settings = new ChannelSettings(
                "nca",
                DeliveryChannel.WEBHOOK,
                Map.of("auth_token", "${KAFKA_SASL_PASSWORD}"),
                new Secrets(Optional.empty(), Map.of("KAFKA_SASL_PASSWORD", "broker-password")));

        // When the channel reads it / Then it is refused and the value never shows
        assertThatThrownBy(() -> settings.secret("auth_token"))
                .isInstanceOf(ChannelSettingsException.class)
                .hasMessageContaining("partner 'nca', channel WEBHOOK, setting 'auth_token'")
                .hasMessageContaining("${KAFKA_SASL_PASSWORD} is refused")
                .hasMessageNotContaining("broker-password");
    }

    @Test
    void shouldRefuseSecretNamesThatEscapeTheDirectory() {
        assertThatThrownBy(() -> new Secrets(Optional.of(dir), Map.of()).resolve("secret:../etc/passwd"))
                .hasMessageContaining("secret name");
    }

    @Test
    void shouldRefuseALiteralSecretInAnAgreementNamingTheSetting() {
        ChannelSettings settings = new ChannelSettings(
                "nca", DeliveryChannel.WEBHOOK, Map.of("hmac_key", "hunter2"), new Secrets(Optional.empty(), Map.of()));

        assertThatThrownBy(() -> settings.secret("hmac_key"))
                .isInstanceOf(ChannelSettingsException.class)
                .hasMessageContaining("partner 'nca', channel WEBHOOK, setting 'hmac_key'")
                .hasMessageContaining("literal")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void shouldNameTheSettingAndTheAcceptedValuesWhenAValueIsWrong() {
        ChannelSettings settings = new ChannelSettings(
                "nca",
                DeliveryChannel.SYSLOG,
                Map.of("port", "70000", "format", "xml", "rotate", "hourly"),
                new Secrets(Optional.empty(), Map.of()));

        assertThatThrownBy(() -> settings.integer("port", 514, 1, 65535))
                .hasMessageContaining("setting 'port' is 70000");
        assertThatThrownBy(() -> settings.oneOf("format", "cef", java.util.Set.of("cef", "leef")))
                .hasMessageContaining("setting 'format' is 'xml'")
                .hasMessageContaining("[cef, leef]");
        assertThatThrownBy(() -> settings.duration("rotate", Duration.ofHours(1)))
                .hasMessageContaining("setting 'rotate'");
        assertThatThrownBy(() -> settings.required("host")).hasMessageContaining("setting 'host' is required");
    }

    @Test
    void shouldKeepBackoffWithinHalfAndAllOfTheDoublingCeiling() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        for (int i = 0; i < 200; i++) {
            assertThat(backoff.delay(0).toMillis()).isBetween(50L, 100L);
            assertThat(backoff.delay(3).toMillis()).isBetween(400L, 800L);
            assertThat(backoff.delay(30).toMillis()).isBetween(1000L, 2000L);
        }
    }

    @Test
    void shouldGiveTheSameIdempotencyKeyToTheSameRecordsAndADifferentOneOtherwise() {
        DeliveryRecord a =
                new DeliveryRecord("ti.partner.p.indicators.v1", 0, 7, 0, "k", DeliveryFixture.indicator("p", 1, 1));
        DeliveryRecord b =
                new DeliveryRecord("ti.partner.p.indicators.v1", 0, 8, 0, "k", DeliveryFixture.indicator("p", 2, 1));
        DeliveryBatch batch = new DeliveryBatch("p", DeliveryChannel.WEBHOOK, "MOU-p", 1, java.util.List.of(a, b));

        assertThat(new DeliveryBatch("p", DeliveryChannel.WEBHOOK, "MOU-p", 1, java.util.List.of(a, b))
                        .idempotencyKey())
                .isEqualTo(batch.idempotencyKey());
        assertThat(new DeliveryBatch("p", DeliveryChannel.WEBHOOK, "MOU-p", 1, java.util.List.of(a)).idempotencyKey())
                .isNotEqualTo(batch.idempotencyKey());
        assertThat(new DeliveryBatch("p", DeliveryChannel.FILES, "MOU-p", 1, java.util.List.of(a, b)).idempotencyKey())
                .isNotEqualTo(batch.idempotencyKey());
        assertThat(batch.offsetRanges()).singleElement().satisfies(r -> {
            assertThat(r.getFirstOffset()).isEqualTo(7);
            assertThat(r.getLastOffset()).isEqualTo(8);
        });
    }
}
