package io.threatline.consumer.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.threatline.consumer.files.FileSinkFactory;
import io.threatline.consumer.kafka.KafkaChannelFactory;
import io.threatline.consumer.syslog.SyslogSinkFactory;
import io.threatline.consumer.webhook.WebhookSinkFactory;
import io.threatline.contract.DeliveryChannel;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each channel's {@code validate} refuses what its build refuses, naming partner, channel and setting, and writes nothing. */
class ChannelValidationTest {

    @TempDir
    Path dir;

    private static ChannelSettings here(String partner, DeliveryChannel channel, Map<String, String> values) {
        return new ChannelSettings(partner, channel, values, new Secrets(Optional.empty(), Map.of()));
    }

    @Test
    void shouldRefuseARotationThatOverflowsInValidateAndInCreateAlikeWithoutCreatingTheOutbox() {
        // Given a files channel whose rotation overflows a long in milliseconds
        Path outbox = dir.resolve("outbox");
        ChannelSettings settings =
                here("nca", DeliveryChannel.FILES, Map.of("directory", outbox.toString(), "rotate", "P200000000000D"));
        FileSinkFactory factory = new FileSinkFactory();

        // When validated and when built, Then both refuse naming partner, channel and setting, and no outbox was made
        assertThatThrownBy(() -> factory.validate(settings))
                .isInstanceOf(ChannelSettingsException.class)
                .hasMessageContaining("partner 'nca'")
                .hasMessageContaining("channel FILES")
                .hasMessageContaining("setting 'rotate'");
        assertThatThrownBy(() -> factory.create(settings))
                .isInstanceOf(ChannelSettingsException.class)
                .hasMessageContaining("setting 'rotate'");
        assertThat(outbox).doesNotExist();
        // and a long but representable rotation is refused too, past the documented bound
        assertThatThrownBy(() -> factory.validate(here(
                        "nca",
                        DeliveryChannel.FILES,
                        Map.of("directory", outbox.toString(), "rotate", "P100000000000D"))))
                .hasMessageContaining("setting 'rotate'")
                .hasMessageContaining("366 days");
    }

    @Test
    void shouldRefuseABadSyslogPortAndAnUnreadableCaFileNamingTheSetting() {
        SyslogSinkFactory factory = new SyslogSinkFactory();
        assertThatThrownBy(() -> factory.validate(
                        here("nca", DeliveryChannel.SYSLOG, Map.of("host", "siem.example", "port", "70000"))))
                .hasMessageContaining("partner 'nca'")
                .hasMessageContaining("setting 'port'")
                .hasMessageContaining("between 1 and 65535");
        assertThatThrownBy(() -> factory.validate(here(
                        "nca",
                        DeliveryChannel.SYSLOG,
                        Map.of(
                                "host",
                                "siem.example",
                                "transport",
                                "tls",
                                "ca_file",
                                dir.resolve("missing.pem").toString()))))
                .hasMessageContaining("setting 'ca_file'")
                .hasMessageContaining("not a readable file");
        assertThatThrownBy(() -> factory.validate(here(
                        "nca",
                        DeliveryChannel.SYSLOG,
                        Map.of("host", "siem.example", "write_timeout", "P200000000000D"))))
                .hasMessageContaining("setting 'write_timeout'");
    }

    @Test
    void shouldCheckOnlyPathsAndReferencesElsewhereButStillRefuseWhatTheSettingsAloneDecide() {
        // Given settings checked on another host than delivery's: a CA file and a secret not present here
        SyslogSinkFactory factory = new SyslogSinkFactory();
        Map<String, String> tls = Map.of(
                "host",
                "siem.example",
                "transport",
                "tls",
                "ca_file",
                "/etc/threatline/nca/siem-ca.pem",
                "keystore",
                "/etc/threatline/nca/client.p12",
                "keystore_password",
                "secret:nca/keystore");

        // Then they pass there, while a bad port and a literal password are still refused
        assertThatCode(() -> factory.validate(ChannelSettings.elsewhere("nca", DeliveryChannel.SYSLOG, tls)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> factory.validate(here("nca", DeliveryChannel.SYSLOG, tls)))
                .hasMessageContaining("setting 'ca_file'");
        assertThatThrownBy(() -> factory.validate(ChannelSettings.elsewhere(
                        "nca", DeliveryChannel.SYSLOG, Map.of("host", "siem.example", "port", "0"))))
                .hasMessageContaining("setting 'port'");
        assertThatThrownBy(() -> new WebhookSinkFactory()
                        .validate(ChannelSettings.elsewhere(
                                "nca",
                                DeliveryChannel.WEBHOOK,
                                Map.of("url", "https://siem.example/hook", "hmac_key", "literal-key-1234567890"))))
                .hasMessageContaining("setting 'hmac_key'")
                .hasMessageContaining("literal");
    }

    @Test
    void shouldRefuseAKafkaPrincipalThatIsAWildcardOrAnotherUser() {
        KafkaChannelFactory factory = new KafkaChannelFactory(ThreatlineTopics.defaults(), Map.of());
        assertThatThrownBy(
                        () -> factory.validate(here("interpol", DeliveryChannel.KAFKA, Map.of("principal", "User:*"))))
                .hasMessageContaining("partner 'interpol'")
                .hasMessageContaining("setting 'principal'")
                .hasMessageContaining("wildcard");
        assertThatThrownBy(() -> factory.validate(
                        here("interpol", DeliveryChannel.KAFKA, Map.of("principal", "User:europol-ec3"))))
                .hasMessageContaining("setting 'principal'")
                .hasMessageContaining("User:interpol");
        assertThatCode(() ->
                        factory.validate(here("interpol", DeliveryChannel.KAFKA, Map.of("principal", "User:interpol"))))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldValidateAWritableFilesChannelWithoutWritingAnything() throws Exception {
        Path outbox = dir.resolve("later");
        new FileSinkFactory()
                .validate(here("nca", DeliveryChannel.FILES, Map.of("directory", outbox.toString(), "format", "csv")));
        assertThat(outbox).doesNotExist();
        assertThat(Files.list(dir)).isEmpty();
    }
}
