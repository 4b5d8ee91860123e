package io.threatline.consumer.taxii;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.TrendStatistic;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroDeserializer;
import io.threatline.schemas.serde.SchemaRegistryClient;

/**
 * A read-only TAXII 2.1 server over the partner topics (DESIGN §8): one API root per partner,
 * HTTP Basic over TLS, pages read straight from Kafka with no server-side session. Built on the
 * JDK's {@code HttpsServer} (or {@code HttpServer} when TLS is turned off for local use).
 */
public final class TaxiiServer implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(TaxiiServer.class);

    private final HttpServer http;
    private final ExecutorService executor;
    private final KafkaPageReader reader;
    private final SchemaRegistryClient registry;
    private final boolean tls;

    private TaxiiServer(HttpServer http, ExecutorService executor, KafkaPageReader reader, SchemaRegistryClient registry, boolean tls) {
        this.http = http;
        this.executor = executor;
        this.reader = reader;
        this.registry = registry;
        this.tls = tls;
    }

    /** Starts serving; the partners and the delivery listener are consulted on every request. */
    public static TaxiiServer start(TaxiiServerConfig config, TaxiiPartners partners, TaxiiDeliveryListener listener) throws IOException {
        SSLContext ssl = config.tlsEnabled() ? sslContext(config) : null;
        InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
        HttpServer http;
        if (ssl != null) {
            HttpsServer https = HttpsServer.create(address, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(ssl));
            http = https;
        } else {
            LOGGER.warn("TAXII server without TLS ({}=false): partners' passwords travel in clear; for local use only",
                TaxiiServerConfig.TLS_ENABLED);
            http = HttpServer.create(address, 0);
        }
        SchemaRegistryClient registry = new AvroSerdeConfig(config.serdeConfig()).newClient();
        KafkaPageReader reader = new KafkaPageReader(config.consumerConfig(), config.readers(), config.pageTimeout());
        CollectionPages pages = new CollectionPages(reader, config.topics(),
            new ConfluentAvroDeserializer<>(registry, PartnerIndicator.class, config.serdeConfig(), false),
            new ConfluentAvroDeserializer<>(registry, TrendStatistic.class, config.serdeConfig(), false),
            config.defaultLimit(), config.maxLimit());
        http.createContext("/", new TaxiiHandler(config.title(), ssl != null,
            new BasicAuthenticator(partners, config.authCache()), pages, listener));
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(config.threads(), r -> {
            Thread t = new Thread(r, "taxii-http-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
        http.start();
        TaxiiServer server = new TaxiiServer(http, executor, reader, registry, ssl != null);
        LOGGER.info("TAXII 2.1 server listening on {}", server.baseUrl());
        return server;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** {@code https://<host>:<port>} (http when TLS is off). */
    public URI baseUrl() {
        return URI.create((tls ? "https" : "http") + "://" + http.getAddress().getHostString() + ":" + port());
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
            throw new ConfigException(TaxiiServerConfig.KEYSTORE_PATH, path.toString(),
                "cannot load the key store (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    @Override
    public void close() {
        http.stop(1);
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reader.close();
        registry.close();
    }
}
