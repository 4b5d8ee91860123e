package io.threatline.platform.registry;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local schema registry speaking the Confluent Schema Registry REST API (AVRO schemas only), so that
 * Confluent's serialisers and registry clients work against it unchanged.
 *
 * <p>State lives in a {@link SchemaLog} (for example a {@link KafkaSchemaLog} over the {@code _schemas} topic) and
 * is rebuilt from it at start. The caller owns the log: {@link #close()} stops the HTTP server but does not close
 * the log. Only one registry may write to a given log at a time. With a {@link WriteCredential} in its settings,
 * every request that may change it (POST, PUT, DELETE, lookups by POST included) needs that credential;
 * reads by GET stay open.
 *
 * <p>Unless already set, loading this class sets the JVM-wide system property {@code sun.net.httpserver.nodelay}
 * to {@code true} so that the JDK HTTP server answers keep-alive requests without Nagle delays.
 */
public final class SchemaRegistryServer implements AutoCloseable {

    /**
     * How the server listens and behaves.
     *
     * @param host                 address to bind, such as {@code 127.0.0.1} or {@code 0.0.0.0}
     * @param port                 port to bind; 0 picks a free one (see {@link SchemaRegistryServer#url()})
     * @param defaultCompatibility global compatibility level while none is configured through {@code PUT /config}
     * @param threads              size of the fixed pool serving requests
     * @param writeCredential      the credential every POST, PUT and DELETE must carry (HTTP Basic; 401
     *                             without it); empty leaves writes open, for a platform whose broker has
     *                             no authentication either (tests, {@code --no-auth}). Reads are always open.
     */
    public record Settings(
            String host,
            int port,
            CompatibilityLevel defaultCompatibility,
            int threads,
            java.util.Optional<WriteCredential> writeCredential) {

        public Settings {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(writeCredential, "writeCredential");
            Objects.requireNonNull(defaultCompatibility, "defaultCompatibility");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be within 0..65535: " + port);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be positive: " + threads);
            }
        }

        /** Confluent's defaults on the loopback address: port 8081, BACKWARD, 4 threads. */
        public static Settings defaults() {
            return new Settings("127.0.0.1", 8081, CompatibilityLevel.BACKWARD, 4, java.util.Optional.empty());
        }

        public Settings withHost(String newHost) {
            return new Settings(newHost, port, defaultCompatibility, threads, writeCredential);
        }

        public Settings withPort(int newPort) {
            return new Settings(host, newPort, defaultCompatibility, threads, writeCredential);
        }

        public Settings withDefaultCompatibility(CompatibilityLevel level) {
            return new Settings(host, port, level, threads, writeCredential);
        }

        public Settings withWriteCredential(java.util.Optional<WriteCredential> credential) {
            return new Settings(host, port, defaultCompatibility, threads, credential);
        }

        public Settings withThreads(int newThreads) {
            return new Settings(host, port, defaultCompatibility, newThreads, writeCredential);
        }
    }

    private static final Logger LOGGER = LoggerFactory.getLogger(SchemaRegistryServer.class);
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

    static {
        // The JDK server writes response headers and body separately; without TCP_NODELAY, Nagle's algorithm and
        // delayed ACKs add ~40 ms to every keep-alive request. Read once by the JDK, so set before the first server.
        if (System.getProperty(NODELAY_PROPERTY) == null) {
            System.setProperty(NODELAY_PROPERTY, "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpRouter router;
    private final SubjectRegistry registry;
    private final URI url;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SchemaRegistryServer(
            HttpServer server, ExecutorService executor, HttpRouter router, SubjectRegistry registry, URI url) {
        this.server = server;
        this.executor = executor;
        this.router = router;
        this.registry = registry;
        this.url = url;
    }

    /**
     * Rebuilds the registry from {@code log} and starts serving it.
     *
     * @throws UncheckedIOException if the address cannot be bound
     * @throws SchemaLogException   if the log cannot be read
     */
    public static SchemaRegistryServer start(Settings settings, SchemaLog log) {
        SubjectRegistry registry = new SubjectRegistry(log, settings.defaultCompatibility());
        HttpRouter router = RegistryResource.router(registry).requireForWrites(settings.writeCredential());
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot bind schema registry to " + settings.host() + ":" + settings.port(), e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(settings.threads(), daemonThreads());
        server.setExecutor(executor);
        server.createContext("/", router);
        server.start();
        URI url = url(server.getAddress());
        LOGGER.info(
                "Schema registry listening at {} (default compatibility {}; writes {})",
                url,
                settings.defaultCompatibility(),
                settings.writeCredential().isPresent() ? "need the admin's credentials" : "open");
        return new SchemaRegistryServer(server, executor, router, registry, url);
    }

    /** The base URL clients use, such as {@code http://127.0.0.1:8081}, with the actual port. */
    public URI url() {
        return url;
    }

    /** The registry behind the server, for in-process use. */
    public SubjectRegistry registry() {
        return registry;
    }

    /** Stops accepting requests, lets those in flight finish (up to 5 s), then stops the server and its threads. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        router.shutdown(GRACE);
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        LOGGER.info("Schema registry at {} stopped", url);
    }

    private static URI url(InetSocketAddress address) {
        InetAddress inet = address.getAddress();
        String host = inet.isAnyLocalAddress() ? "localhost" : inet.getHostAddress();
        if (host.contains(":")) {
            host = "[" + host.replace("%", "%25") + "]";
        }
        return URI.create("http://" + host + ":" + address.getPort());
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "schema-registry-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
