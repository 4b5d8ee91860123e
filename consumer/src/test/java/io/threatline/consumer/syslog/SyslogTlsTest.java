package io.threatline.consumer.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.threatline.consumer.delivery.DeliveryException;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The syslog sink over TLS against a Java SSLServerSocket with keys made by keytool. */
class SyslogTlsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Map<String, String> SECRETS = Map.of(
            "THREATLINE_SECRET_EC3_SYSLOG_KEYSTORE", TestCertificates.PASSWORD,
            "THREATLINE_SECRET_EC3_SYSLOG_TRUSTSTORE", TestCertificates.PASSWORD);

    @TempDir
    static Path dir;

    static TestCertificates certificates;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certificates = TestCertificates.create(dir);
    }

    @Test
    void shouldDeliverOverTlsToAReceiverWhoseCertificateIsInTheCaFile() throws Exception {
        // Given a TLS receiver and a sink trusting its certificate through caFile
        try (SyslogPeer peer = SyslogPeer.tls(certificates.serverSocketFactory(), s -> {});
                SyslogSink sink = sink(peer.port(), Map.of("ca_file", certificates.serverPem.toString()))) {
            PartnerIndicator indicator = Samples.builder(
                            IndicatorType.URL, LifecycleAction.NEW, "http://a.example/|=\\\n")
                    .build();

            // When a batch is delivered
            sink.deliver(Deliveries.batch(List.of(indicator)));

            // Then the receiver decrypts one octet-counted message with the CEF line
            assertThat(peer.next(WAIT)).endsWith(" - " + new CefFormatter().format(indicator));
            assertThat(sink.target()).isEqualTo("syslog+tls://127.0.0.1:" + peer.port());
        }
    }

    @Test
    void shouldPresentTheClientCertificateToAReceiverThatRequiresOne() throws Exception {
        // Given a receiver requiring client certificates, and a sink with a client keystore and a truststore
        try (SyslogPeer peer = SyslogPeer.tls(
                        certificates.serverSocketFactory(), s -> ((SSLServerSocket) s).setNeedClientAuth(true));
                SyslogSink sink = sink(
                        peer.port(),
                        Map.of(
                                "truststore",
                                certificates.clientTruststore.toString(),
                                "truststore_password",
                                "secret:ec3/syslog-truststore",
                                "keystore",
                                certificates.clientKeystore.toString(),
                                "keystore_password",
                                "secret:ec3/syslog-keystore"))) {

            // When two batches are delivered
            sink.deliver(Deliveries.batch(List.of(Samples.indicator(IndicatorType.IPV4, LifecycleAction.NEW))));
            sink.deliver(Deliveries.batch(List.of(Samples.indicator(IndicatorType.IPV6, LifecycleAction.NEW))));

            // Then both arrive over one connection on which the receiver saw the partner's client certificate
            assertThat(peer.next(WAIT)).contains("src=203.0.113.7");
            assertThat(peer.next(WAIT)).contains("src=2001:db8::7");
            assertThat(peer.clientPrincipals()).containsExactly("CN=europol-ec3-client");
        }
    }

    @Test
    void shouldReconnectOverTlsAfterReceiverRestart() throws Exception {
        try (SyslogPeer peer = SyslogPeer.tls(certificates.serverSocketFactory(), s -> {});
                SyslogSink sink = sink(peer.port(), Map.of("ca_file", certificates.serverPem.toString()))) {
            // Given a sink that delivered once over TLS
            sink.deliver(Deliveries.batch(List.of(Samples.indicator(IndicatorType.IPV4, LifecycleAction.NEW))));
            assertThat(peer.next(WAIT)).contains("src=203.0.113.7");

            // When the receiver goes down, the next batch fails transiently
            peer.stop();
            var retried = Deliveries.batch(List.of(Samples.indicator(IndicatorType.DOMAIN, LifecycleAction.NEW)));
            DeliveryException e = catchThrowableOfType(DeliveryException.class, () -> sink.deliver(retried));
            assertThat(e).isNotNull();
            assertThat(e.kind()).isEqualTo(DeliveryException.Kind.TRANSIENT);

            // Then once it is back on the same port, the retried batch arrives over a new TLS session
            peer.start(peer.port());
            sink.deliver(retried);
            assertThat(peer.next(WAIT)).contains("dhost=bad.example.com");
        }
    }

    @Test
    void shouldFailTransientlyWhenTheReceiverCertificateIsNotTrusted() throws Exception {
        // Given a sink whose caFile holds another certificate than the receiver's
        try (SyslogPeer peer = SyslogPeer.tls(certificates.serverSocketFactory(), s -> {});
                SyslogSink sink = sink(peer.port(), Map.of("ca_file", certificates.clientPem.toString()))) {

            // When a batch is delivered
            DeliveryException e = catchThrowableOfType(
                    DeliveryException.class,
                    () -> sink.deliver(
                            Deliveries.batch(List.of(Samples.indicator(IndicatorType.IPV4, LifecycleAction.NEW)))));

            // Then the handshake fails, transiently (the records are fine; the channel is not)
            assertThat(e).isNotNull();
            assertThat(e.kind()).isEqualTo(DeliveryException.Kind.TRANSIENT);
            assertThat(e.getCause()).isInstanceOf(SSLException.class);
            assertThat(e.getMessage()).contains("over TLS");
        }
    }

    @Test
    void shouldFailTransientlyWhenTheReceiverRequiresAClientCertificateAndNoneIsConfigured() throws Exception {
        // Given a receiver requiring client certificates under TLS 1.2 (where the client's handshake
        // only completes after the server accepted its certificate), and a sink without a keystore
        try (SyslogPeer peer = SyslogPeer.tls(certificates.serverSocketFactory(), s -> {
                    ((SSLServerSocket) s).setNeedClientAuth(true);
                    ((SSLServerSocket) s).setEnabledProtocols(new String[] {"TLSv1.2"});
                });
                SyslogSink sink = sink(peer.port(), Map.of("ca_file", certificates.serverPem.toString()))) {

            // When a batch is delivered
            DeliveryException e = catchThrowableOfType(
                    DeliveryException.class,
                    () -> sink.deliver(
                            Deliveries.batch(List.of(Samples.indicator(IndicatorType.IPV4, LifecycleAction.NEW)))));

            // Then it fails transiently and nothing was received
            assertThat(e).isNotNull();
            assertThat(e.kind()).isEqualTo(DeliveryException.Kind.TRANSIENT);
            assertThat(peer.pending()).isEmpty();
        }
    }

    private static SyslogSink sink(int port, Map<String, String> tlsSettings) {
        Map<String, String> values = new HashMap<>(tlsSettings);
        values.putAll(Map.of(
                "host",
                "127.0.0.1",
                "port",
                Integer.toString(port),
                "transport",
                "tls",
                "hostname",
                "hub-1.test",
                "connect_timeout",
                "PT5S"));
        return (SyslogSink) new SyslogSinkFactory().create(Deliveries.settings(values, SECRETS));
    }
}
