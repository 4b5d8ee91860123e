package io.threatline.consumer.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.threatline.consumer.delivery.ChannelSettingsException;
import io.threatline.consumer.delivery.ChannelSink;
import io.threatline.contract.DeliveryChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Reading the SYSLOG channel's settings: defaults, targets, and errors that name the setting. */
class SyslogSinkFactoryTest {

    private final SyslogSinkFactory factory = new SyslogSinkFactory();

    @Test
    void shouldServeTheSyslogChannel() {
        assertThat(factory.channel()).isEqualTo(DeliveryChannel.SYSLOG);
    }

    @Test
    void shouldDefaultToTcpOnPort514() throws Exception {
        // Given only a host
        // When the sink is built
        try (ChannelSink sink = factory.create(Deliveries.settings(Map.of("host", "siem.example")))) {
            // Then it targets plain TCP on 514
            assertThat(sink.target()).isEqualTo("syslog+tcp://siem.example:514");
        }
    }

    @Test
    void shouldDefaultToPort6514ForTls() throws Exception {
        // Given a host and transport tls, trusting the JVM's CAs
        // When the sink is built
        try (ChannelSink sink =
                factory.create(Deliveries.settings(Map.of("host", "siem.example", "transport", "TLS")))) {
            // Then it targets TLS on 6514
            assertThat(sink.target()).isEqualTo("syslog+tls://siem.example:6514");
        }
    }

    @Test
    void shouldBracketAnIpv6HostInTheTarget() throws Exception {
        try (ChannelSink sink = factory.create(Deliveries.settings(Map.of("host", "2001:db8::1", "port", "1514")))) {
            assertThat(sink.target()).isEqualTo("syslog+tcp://[2001:db8::1]:1514");
        }
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                Arguments.of("missing host", Map.of(), "host", "is required"),
                Arguments.of(
                        "unknown transport", Map.of("transport", "udp"), "transport", "accepted values are [tcp, tls]"),
                Arguments.of("port out of range", Map.of("port", "70000"), "port", "between 1 and 65535"),
                Arguments.of("port not a number", Map.of("port", "syslog"), "port", "not a whole number"),
                Arguments.of("unknown format", Map.of("format", "json"), "format", "accepted values are [cef, leef]"),
                Arguments.of("hostname with a space", Map.of("hostname", "hub 1"), "hostname", "RFC 5424 HOSTNAME"),
                Arguments.of(
                        "connect timeout not ISO-8601",
                        Map.of("connect_timeout", "10s"),
                        "connect_timeout",
                        "ISO-8601"),
                Arguments.of("write timeout zero", Map.of("write_timeout", "PT0S"), "write_timeout", "positive"),
                Arguments.of(
                        "CA file on plain tcp",
                        Map.of("ca_file", "/etc/ssl/ca.pem"),
                        "ca_file",
                        "only to transport tls"),
                Arguments.of(
                        "keystore on plain tcp", Map.of("keystore", "/k.p12"), "keystore", "only to transport tls"),
                Arguments.of(
                        "missing CA file",
                        Map.of("transport", "tls", "ca_file", "/nonexistent/ca.pem"),
                        "ca_file",
                        "/nonexistent/ca.pem"),
                Arguments.of(
                        "missing truststore",
                        Map.of("transport", "tls", "truststore", "/nonexistent/t.p12"),
                        "truststore",
                        "no such file"),
                Arguments.of(
                        "CA file and truststore",
                        Map.of("transport", "tls", "ca_file", "/a.pem", "truststore", "/t.p12"),
                        "truststore",
                        "cannot be combined with ca_file"),
                Arguments.of(
                        "truststore password alone",
                        Map.of("transport", "tls", "truststore_password", "secret:x"),
                        "truststore_password",
                        "without truststore"),
                Arguments.of(
                        "keystore without password",
                        Map.of("transport", "tls", "keystore", "/k.p12"),
                        "keystore_password",
                        "is required with keystore"),
                Arguments.of(
                        "literal keystore password",
                        Map.of("transport", "tls", "keystore", "/k.p12", "keystore_password", "changeit"),
                        "keystore_password",
                        "literal value"),
                Arguments.of(
                        "unknown keystore password secret",
                        Map.of("transport", "tls", "keystore", "/k.p12", "keystore_password", "secret:ec3/nope"),
                        "keystore_password",
                        "not found"),
                Arguments.of(
                        "missing keystore",
                        Map.of(
                                "transport",
                                "tls",
                                "keystore",
                                "/nonexistent/k.p12",
                                "keystore_password",
                                "secret:ec3/key"),
                        "keystore",
                        "no such file"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSettings")
    void shouldRejectBadSettingsNamingTheSetting(
            String description, Map<String, String> given, String setting, String problem) {
        // Given settings with one mistake (and a host unless the host is the mistake)
        Map<String, String> values = new HashMap<>(given);
        if (!setting.equals("host")) {
            values.put("host", "siem.example");
        }

        // When the sink is built
        // Then the error names partner, channel and the setting, and says what is wrong
        assertThatThrownBy(() ->
                        factory.create(Deliveries.settings(values, Map.of("THREATLINE_SECRET_EC3_KEY", "changeit"))))
                .isInstanceOf(ChannelSettingsException.class)
                .hasMessageContaining("partner 'europol-ec3', channel SYSLOG, setting '" + setting + "'")
                .hasMessageContaining(problem);
    }
}
