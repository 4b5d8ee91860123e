package io.threatline.consumer.syslog;

import io.threatline.consumer.delivery.ChannelSettings;
import io.threatline.consumer.delivery.ChannelSink;
import io.threatline.consumer.delivery.ChannelSinkFactory;
import io.threatline.contract.DeliveryChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * Builds a partner's {@link SyslogSink} from the settings of its SYSLOG channel.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>host</td><td>receiver host name or address</td><td>required</td></tr>
 *   <tr><td>transport</td><td>{@code tcp} or {@code tls} (RFC 5425)</td><td>{@code tcp}</td></tr>
 *   <tr><td>port</td><td>receiver port, 1..65535</td><td>6514 for tls (the port RFC 5425
 *       assigns), 514 for tcp (the customary syslog port; RFC 6587 assigns none)</td></tr>
 *   <tr><td>format</td><td>{@code cef} or {@code leef}</td><td>{@code cef}</td></tr>
 *   <tr><td>hostname</td><td>HOSTNAME field of each RFC 5424 message: printable US-ASCII, no
 *       spaces, at most 255 chars</td><td>this machine's host name, or the NILVALUE {@code -}
 *       when it has none that RFC 5424 allows</td></tr>
 *   <tr><td>connect_timeout</td><td>ISO-8601 bound on connect and TLS handshake</td>
 *       <td>{@code PT10S}</td></tr>
 *   <tr><td>write_timeout</td><td>ISO-8601 bound on writing one batch</td><td>{@code PT30S}</td></tr>
 *   <tr><td>ca_file</td><td>tls only: PEM file of the CA certificates to trust</td><td>the JVM's
 *       default CAs</td></tr>
 *   <tr><td>truststore</td><td>tls only: PKCS12 or JKS truststore to trust instead (not with
 *       ca_file)</td><td></td></tr>
 *   <tr><td>truststore_password</td><td>tls only: secret reference ({@code secret:<name>}) of the
 *       truststore's password, if it has one</td><td></td></tr>
 *   <tr><td>keystore</td><td>tls only: PKCS12 or JKS keystore holding the client key and
 *       certificate, for mutual TLS</td><td>no client certificate</td></tr>
 *   <tr><td>keystore_password</td><td>tls only: secret reference of the keystore's (and key's)
 *       password; required with keystore</td><td></td></tr>
 * </table>
 *
 * <p>The receiver's certificate must match {@code host}. Files are read when the sink is built, so
 * a missing or unreadable file fails at start-up naming its setting.
 */
public final class SyslogSinkFactory implements ChannelSinkFactory {

    static final int DEFAULT_TCP_PORT = 514;
    static final int DEFAULT_TLS_PORT = 6514;
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> TLS_SETTINGS =
            List.of("ca_file", "truststore", "truststore_password", "keystore", "keystore_password");

    @Override
    public DeliveryChannel channel() {
        return DeliveryChannel.SYSLOG;
    }

    /** The checked settings of a syslog channel, TLS key material loaded when on this host. */
    private record Plan(
            String host,
            boolean tls,
            int port,
            SyslogSink.Format format,
            SyslogFrame frame,
            Duration connectTimeout,
            Duration writeTimeout,
            TrustManager[] trust,
            KeyManager[] keys) {}

    @Override
    public void validate(ChannelSettings settings) {
        plan(settings);
    }

    @Override
    public ChannelSink create(ChannelSettings settings) {
        Plan plan = plan(settings);
        Optional<SSLSocketFactory> socketFactory =
                plan.tls() ? Optional.of(SyslogTls.socketFactory(plan.trust(), plan.keys())) : Optional.empty();
        String authority = (plan.host().contains(":") ? "[" + plan.host() + "]" : plan.host()) + ":" + plan.port();
        String target = (plan.tls() ? "syslog+tls://" : "syslog+tcp://") + authority;
        return new SyslogSink(
                target,
                new SyslogSender(plan.host(), plan.port(), socketFactory, plan.connectTimeout(), plan.writeTimeout()),
                plan.format(),
                plan.frame());
    }

    /** Every check, reading (never writing) the TLS files: the same for {@link #validate} and {@link #create}. */
    private static Plan plan(ChannelSettings settings) {
        String host = settings.required("host");
        boolean tls = settings.oneOf("transport", "tcp", Set.of("tcp", "tls")).equals("tls");
        int port = settings.integer("port", tls ? DEFAULT_TLS_PORT : DEFAULT_TCP_PORT, 1, 65535);
        SyslogSink.Format format = SyslogSink.Format.valueOf(
                settings.oneOf("format", "cef", Set.of("cef", "leef")).toUpperCase(Locale.ROOT));
        SyslogFrame frame = frame(settings);
        Duration connectTimeout = settings.duration("connect_timeout", DEFAULT_CONNECT_TIMEOUT);
        Duration writeTimeout = settings.duration("write_timeout", DEFAULT_WRITE_TIMEOUT);
        if (!tls) {
            for (String name : TLS_SETTINGS) {
                if (settings.optional(name).isPresent()) {
                    throw settings.error(name, "applies only to transport tls, but transport is tcp");
                }
            }
            return new Plan(host, false, port, format, frame, connectTimeout, writeTimeout, null, null);
        }
        Optional<String> caFile = settings.optional("ca_file");
        Optional<String> truststore = settings.optional("truststore");
        Optional<String> keystore = settings.optional("keystore");
        if (caFile.isPresent() && truststore.isPresent()) {
            throw settings.error("truststore", "cannot be combined with ca_file; give one of them");
        }
        if (truststore.isEmpty() && settings.optional("truststore_password").isPresent()) {
            throw settings.error("truststore_password", "is given without truststore");
        }
        if (keystore.isEmpty() && settings.optional("keystore_password").isPresent()) {
            throw settings.error("keystore_password", "is given without keystore");
        }
        TrustManager[] trust = null;
        if (caFile.isPresent()) {
            trust = settings.readFile("ca_file", SyslogTls::trustCaFile).orElse(null);
        } else if (truststore.isPresent()) {
            Optional<String> password = settings.secret("truststore_password");
            trust = settings.readFile("truststore", path -> SyslogTls.trustStore(path, password))
                    .orElse(null);
        }
        KeyManager[] keys = null;
        if (keystore.isPresent()) {
            String password = settings.secret("keystore_password")
                    .orElseThrow(() -> settings.error("keystore_password", "is required with keystore"));
            keys = settings.readFile("keystore", path -> SyslogTls.clientKey(path, password))
                    .orElse(null);
        }
        return new Plan(host, true, port, format, frame, connectTimeout, writeTimeout, trust, keys);
    }

    private static SyslogFrame frame(ChannelSettings settings) {
        Optional<String> hostname = settings.optional("hostname");
        if (hostname.isPresent()) {
            try {
                return SyslogFrame.forIndicators(hostname.get());
            } catch (IllegalArgumentException e) {
                throw settings.error(
                        "hostname",
                        "is not an RFC 5424 HOSTNAME (printable US-ASCII, no spaces, at most 255 chars): "
                                + e.getMessage());
            }
        }
        try {
            return SyslogFrame.forIndicators(localHostName());
        } catch (IllegalArgumentException e) {
            return SyslogFrame.forIndicators(SyslogFrame.NIL);
        }
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return SyslogFrame.NIL;
        }
    }
}
