package io.threatline.consumer.taxii;

import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.TrendStatistic;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroDeserializer;
import io.threatline.schemas.serde.SchemaRegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.kafka.common.config.ConfigException;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TAXII 2.1 server over the partner topics (DESIGN §8), read only but for the reports a partner may
 * post to its own API root ({@link TaxiiReports}, docs/sharing-back.md): one API root per partner,
 * HTTP Basic over TLS, pages read straight from Kafka with no server-side session. It faces the
 * network, so it runs on Jetty with limits (docs/security.md): an idle timeout, a deadline for the
 * TLS handshake and first request of a connection ({@link ConnectionDeadline}), a cap on open
 * connections (which also bounds the requests queued), a bounded thread pool, a request header size limit, failed
 * login throttling ({@link LoginThrottle}) and a request rate per partner ({@link PartnerRateLimiter}).
 */
public final class TaxiiServer implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(TaxiiServer.class);
    /** Threads Jetty needs besides the workers: one acceptor, one selector, and one spare. */
    private static final int SERVICE_THREADS = 3;

    private final Server jetty;
    private final ServerConnector connector;
    private final KafkaPageReader reader;
    private final SchemaRegistryClient registry;
    private final boolean tls;
    private final TaxiiReports reports;

    private TaxiiServer(
            Server jetty,
            ServerConnector connector,
            KafkaPageReader reader,
            SchemaRegistryClient registry,
            TaxiiReports reports,
            boolean tls) {
        this.reports = reports;
        this.jetty = jetty;
        this.connector = connector;
        this.reader = reader;
        this.registry = registry;
        this.tls = tls;
    }

    /** Starts serving; the partners and the delivery listener are consulted on every request. */
    public static TaxiiServer start(TaxiiServerConfig config, TaxiiPartners partners, TaxiiDeliveryListener listener)
            throws IOException {
        SSLContext ssl = config.tlsEnabled() ? sslContext(config) : null;
        if (ssl == null) {
            LOGGER.warn(
                    "TAXII server without TLS ({}=false): partners' passwords travel in clear; for local use only",
                    TaxiiServerConfig.TLS_ENABLED);
        }
        // The job queue is left unbounded as Jetty advises: HTTP/1.1 has one request at a time per
        // connection, so the connection cap below is what bounds it.
        QueuedThreadPool threads = new QueuedThreadPool(
                config.threads() + SERVICE_THREADS, Math.min(4, config.threads() + SERVICE_THREADS));
        threads.setName("taxii-http");
        threads.setDaemon(true);
        Server jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setRequestHeaderSize(config.requestHeaderBytes());
        http.setIdleTimeout(config.idleTimeout().toMillis());
        HttpConnectionFactory h1 = new HttpConnectionFactory(http);
        ConnectionFactory[] factories;
        if (ssl != null) {
            SslContextFactory.Server tlsFactory = new SslContextFactory.Server();
            tlsFactory.setSslContext(ssl);
            factories =
                    new ConnectionFactory[] {new SslConnectionFactory(tlsFactory, HttpVersion.HTTP_1_1.asString()), h1};
        } else {
            factories = new ConnectionFactory[] {h1};
        }
        ServerConnector connector = new ServerConnector(jetty, 1, 1, factories);
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(config.idleTimeout().toMillis());
        connector.setAcceptQueueSize(config.maxConnections());
        jetty.addConnector(connector);
        jetty.addBean(new NetworkConnectionLimit(config.maxConnections(), connector));
        ConnectionDeadline deadline = new ConnectionDeadline(connector.getScheduler(), config.requestTimeout());
        connector.addEventListener(deadline);

        SchemaRegistryClient registry = new AvroSerdeConfig(config.serdeConfig()).newClient();
        KafkaPageReader reader = new KafkaPageReader(config.consumerConfig(), config.readers(), config.pageTimeout());
        VersionIndex versionIndex = new VersionIndex(reader, config.versionIndexMaxKeys());
        CollectionPages pages = new CollectionPages(
                reader,
                config.topics(),
                new ConfluentAvroDeserializer<>(registry, PartnerIndicator.class, config.serdeConfig(), false),
                new ConfluentAvroDeserializer<>(registry, TrendStatistic.class, config.serdeConfig(), false),
                config.defaultLimit(),
                config.maxLimit(),
                versionIndex);
        // Partners' posts (docs/sharing-back.md) go to their inbound topics: reliable, one producer.
        TaxiiReports reports = new TaxiiReports(
                new org.apache.kafka.clients.producer.KafkaProducer<>(
                        io.threatline.consumer.ReliableProducers.settings(
                                config.consumerConfig(), "threatline-taxii-reports"),
                        new org.apache.kafka.common.serialization.StringSerializer(),
                        new io.threatline.schemas.serde.ConfluentAvroSerializer<>(
                                registry, config.serdeConfig(), false)),
                config.topics(),
                versionIndex,
                java.time.Clock.systemUTC());
        LoginThrottle throttle =
                new LoginThrottle(config.maxLoginFailures(), config.loginFailureWindow(), System::nanoTime);
        PartnerRateLimiter rate = new PartnerRateLimiter(config.ratePerSecond(), config.rateBurst(), System::nanoTime);
        TaxiiHandler taxii = new TaxiiHandler(
                config.title(),
                ssl != null,
                new BasicAuthenticator(partners, config.authCache(), throttle),
                rate,
                pages,
                listener,
                reports);
        jetty.setErrorHandler(new TaxiiErrorHandler());
        jetty.setHandler(new Handler.Wrapper(taxii) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                deadline.served(request.getConnectionMetaData().getRemoteSocketAddress());
                return super.handle(request, response, callback);
            }
        });
        try {
            jetty.start();
        } catch (Exception e) {
            reports.close();
            reader.close();
            registry.close();
            try {
                jetty.stop();
            } catch (Exception ignored) {
                // Already failing; the start-up error is the one to report.
            }
            throw new IOException(
                    "the TAXII server could not start on " + config.host() + ":" + config.port() + ": "
                            + e.getMessage(),
                    e);
        }
        TaxiiServer server = new TaxiiServer(jetty, connector, reader, registry, reports, ssl != null);
        LOGGER.info("TAXII 2.1 server listening on {}", server.baseUrl());
        return server;
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** Connections open now (accepted and not yet closed), for metrics and tests. */
    public int openConnections() {
        return connector.getConnectedEndPoints().size();
    }

    /** {@code https://<host>:<port>} (http when TLS is off). */
    public URI baseUrl() {
        return URI.create((tls ? "https" : "http") + "://" + connector.getHost() + ":" + port());
    }

    private static SSLContext sslContext(TaxiiServerConfig config) {
        Path path = Path.of(config.keystorePath());
        char[] password = config.keystorePassword();
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore store = KeyStore.getInstance(config.keystoreType());
            store.load(in, password);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(keys.getKeyManagers(), null, null);
            return ssl;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(
                    TaxiiServerConfig.KEYSTORE_PATH,
                    path.toString(),
                    "cannot load the key store (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            LOGGER.warn("TAXII server did not stop cleanly: {}", e.toString());
        }
        reports.close();
        reader.close();
        registry.close();
    }
}
