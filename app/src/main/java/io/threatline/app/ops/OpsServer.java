package io.threatline.app.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.threatline.consumer.delivery.DeliveryCounters;
import io.threatline.streams.topology.HubCounters;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The operations endpoint of a running hub and/or delivery service: {@code /metrics} in the
 * Prometheus text format (Micrometer), {@code /health/live} (the process answers) and
 * {@code /health/ready} (every part reports ready; 503 with the parts that do not). Counters that
 * appear while running (a new rejection reason, partner or channel) are registered at the next
 * scrape.
 */
public final class OpsServer implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Supplier<Boolean>> readiness = new LinkedHashMap<>();
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private HubCounters hub;
    private DeliveryCounters delivery;
    private HttpServer http;

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
        return this;
    }

    /** Adds the delivery service's counters and its readiness. */
    public OpsServer withDelivery(DeliveryCounters counters, Supplier<Boolean> ready) {
        this.delivery = counters;
        readiness.put("delivery", ready);
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
        http = HttpServer.create(new InetSocketAddress(host, port), 0);
        http.createContext("/metrics", exchange -> {
            registerNewMeters();
            respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
        });
        http.createContext(
                "/health/live", exchange -> respond(exchange, 200, "application/json", "{\"status\":\"UP\"}"));
        http.createContext("/health/ready", exchange -> {
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
                    exchange,
                    ready ? 200 : 503,
                    "application/json",
                    "{\"status\":\"" + (ready ? "UP" : "DOWN") + "\",\"parts\":{" + parts + "}}");
        });
        http.start();
        return this;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** The address the endpoint is bound to. */
    public InetSocketAddress address() {
        return http.getAddress();
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

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        if (http != null) {
            http.stop(0);
        }
        registry.close();
    }
}
