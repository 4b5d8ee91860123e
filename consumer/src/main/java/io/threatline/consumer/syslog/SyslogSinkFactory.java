package io.threatline.consumer.syslog;

import io.threatline.consumer.delivery.ChannelSettings;
import io.threatline.consumer.delivery.ChannelSink;
import io.threatline.consumer.delivery.ChannelSinkFactory;
import io.threatline.contract.DeliveryChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
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

  @Override
  public ChannelSink create(ChannelSettings settings) {
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
    }
    Optional<SSLSocketFactory> socketFactory = tls ? Optional.of(tlsFactory(settings)) : Optional.empty();
    String authority = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    String target = (tls ? "syslog+tls://" : "syslog+tcp://") + authority;
    return new SyslogSink(target,
        new SyslogSender(host, port, socketFactory, connectTimeout, writeTimeout), format, frame);
  }

  private static SyslogFrame frame(ChannelSettings settings) {
    Optional<String> hostname = settings.optional("hostname");
    if (hostname.isPresent()) {
      try {
        return SyslogFrame.forIndicators(hostname.get());
      } catch (IllegalArgumentException e) {
        throw settings.error("hostname", "is not an RFC 5424 HOSTNAME (printable US-ASCII, no spaces, at most 255 chars): " + e.getMessage());
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

  private static SSLSocketFactory tlsFactory(ChannelSettings settings) {
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
      trust = load(settings, "ca_file", () -> SyslogTls.trustCaFile(Path.of(caFile.get())));
    } else if (truststore.isPresent()) {
      Optional<String> password = settings.secret("truststore_password");
      trust = load(settings, "truststore", () -> SyslogTls.trustStore(Path.of(truststore.get()), password));
    }
    KeyManager[] keys = null;
    if (keystore.isPresent()) {
      String password = settings.secret("keystore_password")
          .orElseThrow(() -> settings.error("keystore_password", "is required with keystore"));
      keys = load(settings, "keystore", () -> SyslogTls.clientKey(Path.of(keystore.get()), password));
    }
    return SyslogTls.socketFactory(trust, keys);
  }

  private static <T> T load(ChannelSettings settings, String name, Supplier<T> loader) {
    try {
      return loader.get();
    } catch (IllegalArgumentException e) {
      throw settings.error(name, e.getMessage());
    }
  }
}
