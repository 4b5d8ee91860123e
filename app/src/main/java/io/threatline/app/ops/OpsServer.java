package io.threatline.app.ops;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.threatline.app.console.ConsoleData;
import io.threatline.app.console.ConsoleHandler;
import io.threatline.app.console.ConsoleOverview;
import io.threatline.consumer.delivery.DeliveryCounters;
import io.threatline.streams.topology.HubCounters;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The operations endpoint of a running hub and/or delivery service: {@code /metrics} in the
 * Prometheus text format (Micrometer), {@code /health/live} (the process answers),
 * {@code /health/ready} (every part reports ready; 503 with the parts that do not), and the
 * operator console at {@code /} ({@link ConsoleHandler}). Counters that appear while running (a new
 * rejection reason, partner or channel) are registered at the next scrape.
 *
 * <p>It runs on Jetty with limits, like the TAXII server (docs/security.md): a small bounded thread
 * pool, a cap on open connections, an idle timeout and a request header size limit.
 */
public final class OpsServer implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Supplier<Boolean>> readiness = new LinkedHashMap<>();
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private HubCounters hub;
    private java.util.function.LongSupplier hubLag;
    private DeliveryCounters delivery;
    private ConsoleData consoleData;
    private io.threatline.app.console.HubStateLookup hubStates;
    private String operatorPassword;
    private ConsoleOverview overview;
    private ConsoleHandler console;
    private Server jetty;
    private ServerConnector connector;

    /** Connections the endpoint keeps open at once; more wait in the accept queue. */
    static final int MAX_CONNECTIONS = 32;
    /** A connection with nothing to say is closed after this. */
    static final long IDLE_TIMEOUT_MS = 30_000;

    public OpsServer() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
    }

    /** Adds the hub's counters and its readiness (the Kafka Streams state is RUNNING). */
    public OpsServer withHub(HubCounters counters, Supplier<Boolean> running) {
        this.hub = counters;
        readiness.put("hub", running);
        FunctionCounter.builder("threatline.hub.events.in", counters, c -> c.eventsIn.sum())
                .description("Sensor events read by the hub")
                .register(registry);
        FunctionCounter.builder("threatline.hub.duplicates", counters, c -> c.duplicates.sum())
                .description("Events that repeated a known indicator without a material change")
                .register(registry);
        FunctionCounter.builder("threatline.hub.suppressed", counters, c -> c.suppressed.sum())
                .description("Indicators suppressed as false positives (benign lists)")
                .register(registry);
        FunctionCounter.builder("threatline.hub.indicator.changes", counters, c -> c.indicatorChanges.sum())
                .description("NEW, UPDATE, EXPIRE and REVOKE changes emitted")
                .register(registry);
        FunctionCounter.builder("threatline.hub.erased", counters, c -> c.erased.sum())
                .description("Indicators erased on request: state gone, tombstone written (docs/data-protection.md)")
                .register(registry);
        FunctionCounter.builder("threatline.hub.forgotten", counters, c -> c.forgotten.sum())
                .description("Tombstones written for indicators expired or revoked a grace period ago")
                .register(registry);
        FunctionCounter.builder("threatline.hub.erasure.key.mismatches", counters, c -> c.erasureKeyMismatches.sum())
                .description(
                        "Erasures made with another indicator key than the hub's, which it cannot match: give the hub"
                                + " the deployment's key file")
                .register(registry);
        return this;
    }

    /** Adds the events waiting for the hub (its input consumers' lag), for the metrics and the console. */
    public OpsServer withHubLag(java.util.function.LongSupplier lag) {
        this.hubLag = lag;
        Gauge.builder("threatline.hub.lag", lag, l -> l.getAsLong())
                .description("Sensor events waiting for this hub instance (its input consumers' lag)")
                .register(registry);
        return this;
    }

    /** Adds the delivery service's counters and its readiness. */
    public OpsServer withDelivery(DeliveryCounters counters, Supplier<Boolean> ready) {
        this.delivery = counters;
        readiness.put("delivery", ready);
        return this;
    }

    /** Adds what the console reads from the topics (without it the console shows the live counters only). */
    public OpsServer withConsole(ConsoleData data) {
        this.consoleData = data;
        return this;
    }

    /** Adds the hub's state, which other instances' consoles ask for at {@code /api/hub-state}. */
    public OpsServer withHubState(io.threatline.app.console.HubStateLookup states) {
        this.hubStates = states;
        return this;
    }

    /**
     * The operator's password, which the console asks for when the endpoint listens beyond the
     * loopback address (null: the console is off there), and for an operator's decision wherever it
     * listens (null: the console decides nothing).
     */
    public OpsServer withPassword(String password) {
        this.operatorPassword = password;
        return this;
    }

    /**
     * Where the endpoint listens unless told otherwise: the loopback address only. Metrics and
     * health tell an outsider what runs and how busy it is; exposing them is a choice (an
     * {@code --ops-host} of the command), not a default.
     */
    public static final String DEFAULT_HOST = "127.0.0.1";

    /** Starts serving on {@code host:port} (0 picks a free port). */
    public OpsServer start(String host, int port) throws IOException {
        overview = new ConsoleOverview(hub, hubLag, delivery, java.time.Clock.systemUTC()).start();
        console = new ConsoleHandler(
                overview, consoleData, hubStates, access(loopback(host)), operatorPassword, offReason(host));
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("ops-http");
        threads.setDaemon(true);
        jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setRequestHeaderSize(8192);
        http.setIdleTimeout(IDLE_TIMEOUT_MS);
        connector = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT_MS);
        jetty.addConnector(connector);
        jetty.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
        jetty.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                route(request, response, callback);
                return true;
            }
        });
        try {
            jetty.start();
        } catch (Exception e) {
            close();
            throw new IOException(
                    "the operations endpoint could not start on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return this;
    }

    /** Whether {@code host} is this machine only (the loopback address). */
    public static boolean loopback(String host) throws IOException {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IOException("--ops-host " + host + ": unknown host", e);
        }
    }

    private ConsoleHandler.Access access(boolean loopback) {
        if (loopback) {
            return ConsoleHandler.Access.LOCAL;
        }
        return operatorPassword != null ? ConsoleHandler.Access.PASSWORD : ConsoleHandler.Access.OFF;
    }

    private static String offReason(String host) {
        return "The console is off on " + host + ": beyond this machine it needs an operator password "
                + "(--ops-password-file; `threatline run` makes one). /metrics and /health still answer.";
    }

    private void route(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        switch (path) {
            case "/metrics" -> {
                registerNewMeters();
                respond(response, callback, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
            }
            case "/health/live" -> respond(response, callback, 200, "application/json", "{\"status\":\"UP\"}");
            case "/health/ready" -> {
                StringBuilder parts = new StringBuilder();
                boolean ready = true;
                for (Map.Entry<String, Supplier<Boolean>> part : readiness.entrySet()) {
                    boolean up = Boolean.TRUE.equals(part.getValue().get());
                    ready &= up;
                    parts.append(parts.length() == 0 ? "" : ",")
                            .append('"')
                            .append(part.getKey())
                            .append("\":\"")
                            .append(up ? "UP" : "DOWN")
                            .append('"');
                }
                respond(
                        response,
                        callback,
                        ready ? 200 : 503,
                        "application/json",
                        "{\"status\":\"" + (ready ? "UP" : "DOWN") + "\",\"parts\":{" + parts + "}}");
            }
            default -> {
                if (ConsoleHandler.serves(path)) {
                    console.handle(request, response, callback);
                } else {
                    respond(response, callback, 404, "text/plain; charset=utf-8", "not found: " + path);
                }
            }
        }
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** The address the endpoint is bound to. */
    public InetSocketAddress address() {
        return new InetSocketAddress(connector.getHost(), port());
    }

    /** The Prometheus text, as {@code /metrics} serves it. */
    public String scrape() {
        registerNewMeters();
        return registry.scrape();
    }

    private synchronized void registerNewMeters() {
        if (hub != null) {
            hub.rejectedByReason()
                    .keySet()
                    .forEach(reason -> once(
                            "rejected/" + reason,
                            () -> FunctionCounter.builder(
                                            "threatline.hub.rejected",
                                            hub,
                                            h -> h.rejectedByReason().getOrDefault(reason, 0L))
                                    .description("Events sent to the dead-letter topic, by reason")
                                    .tag("reason", reason)
                                    .register(registry)));
            hub.deliveredByPartner()
                    .keySet()
                    .forEach(partner -> once(
                            "routed/" + partner,
                            () -> FunctionCounter.builder(
                                            "threatline.hub.routed",
                                            hub,
                                            h -> h.deliveredByPartner().getOrDefault(partner, 0L))
                                    .description("Records the hub released to a partner's topic")
                                    .tag("partner", partner)
                                    .register(registry)));
            hub.backfilledByPartner()
                    .keySet()
                    .forEach(partner -> once(
                            "backfilled/" + partner,
                            () -> FunctionCounter.builder(
                                            "threatline.hub.backfilled",
                                            hub,
                                            h -> h.backfilledByPartner().getOrDefault(partner, 0L))
                                    .description(
                                            "Indicators sent as NEW by a backfill or replay when a partner's terms changed")
                                    .tag("partner", partner)
                                    .register(registry)));
            hub.retractedByPartner()
                    .keySet()
                    .forEach(partner -> once(
                            "retracted/" + partner,
                            () -> FunctionCounter.builder(
                                            "threatline.hub.retracted",
                                            hub,
                                            h -> h.retractedByPartner().getOrDefault(partner, 0L))
                                    .description(
                                            "Indicators revoked from a partner no longer entitled to them (narrowed, ended, out of scope)")
                                    .tag("partner", partner)
                                    .register(registry)));
            hub.reconcilingByPartner()
                    .keySet()
                    .forEach(partner -> once(
                            "reconciling/" + partner,
                            () -> Gauge.builder(
                                            "threatline.hub.reconciling",
                                            hub,
                                            h -> h.reconcilingByPartner().getOrDefault(partner, 0))
                                    .description(
                                            "Stream tasks still bringing the partner's holdings in line with its terms (0 when done)")
                                    .tag("partner", partner)
                                    .register(registry)));
            hub.withheldByPartner()
                    .forEach((partner, reasons) -> reasons.keySet()
                            .forEach(reason -> once(
                                    "withheld/" + partner + "/" + reason,
                                    () -> FunctionCounter.builder(
                                                    "threatline.hub.withheld",
                                                    hub,
                                                    h -> h.withheldByPartner()
                                                            .getOrDefault(partner, Map.of())
                                                            .getOrDefault(reason, 0L))
                                            .description(
                                                    "New indicators a partner's agreement withheld from it, by the reason code of the rule (EMBARGOED: held back for later)")
                                            .tags("partner", partner, "reason", reason)
                                            .register(registry))));
            once(
                    "reconcile-examined",
                    () -> FunctionCounter.builder(
                                    "threatline.hub.reconcile.examined", hub, h -> h.reconcileExamined.sum())
                            .description("Live indicators examined by backfills, retractions and replays")
                            .register(registry));
        }
        if (delivery != null) {
            delivery.all()
                    .forEach((key, c) -> once("delivery/" + key, () -> {
                        String partner = key.substring(0, key.indexOf('/'));
                        String channel = key.substring(key.indexOf('/') + 1).toLowerCase(java.util.Locale.ROOT);
                        FunctionCounter.builder("threatline.delivery.delivered", c, x -> x.delivered.sum())
                                .description("Records a channel confirmed")
                                .tags("partner", partner, "channel", channel)
                                .register(registry);
                        FunctionCounter.builder("threatline.delivery.dead.lettered", c, x -> x.deadLettered.sum())
                                .description("Records a channel refused for good (partner dead letter)")
                                .tags("partner", partner, "channel", channel)
                                .register(registry);
                        FunctionCounter.builder("threatline.delivery.retries", c, x -> x.retries.sum())
                                .description("Transient failures retried")
                                .tags("partner", partner, "channel", channel)
                                .register(registry);
                        Gauge.builder("threatline.delivery.lag", c, x -> x.lag.get())
                                .description("Records waiting for the channel (consumer lag)")
                                .tags("partner", partner, "channel", channel)
                                .register(registry);
                        Gauge.builder("threatline.delivery.failing", c, x -> x.failingSince.get() > 0 ? 1 : 0)
                                .description("1 while the channel is failing and its feed is held")
                                .tags("partner", partner, "channel", channel)
                                .register(registry);
                    }));
        }
    }

    private void once(String key, Runnable register) {
        if (registered.add(key)) {
            register.run();
        }
    }

    private static void respond(Response response, Callback callback, int status, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    @Override
    public void close() {
        if (jetty != null) {
            try {
                jetty.stop();
            } catch (Exception e) {
                // Stopping anyway; nothing to hand back.
            }
        }
        if (overview != null) {
            overview.close();
        }
        registry.close();
    }
}
