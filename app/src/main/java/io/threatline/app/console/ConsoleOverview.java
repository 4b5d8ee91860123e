package io.threatline.app.console;

import io.threatline.consumer.delivery.DeliveryCounters;
import io.threatline.streams.topology.HubCounters;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The console's overview: the hub's and the delivery service's counters as they are now, and the
 * totals sampled every {@link #INTERVAL} over the last hour, from which the page draws its charts.
 * The counters are the ones the metrics endpoint serves, read in this process; nothing is stored.
 */
public final class ConsoleOverview implements AutoCloseable {

    /** How often the totals are sampled for the charts. */
    public static final Duration INTERVAL = Duration.ofSeconds(10);
    /** How many samples are kept: one hour. */
    static final int SAMPLES = (int) (Duration.ofHours(1).toSeconds() / INTERVAL.toSeconds()) + 1;

    private final HubCounters hub;
    private final java.util.function.LongSupplier hubLag;
    private final DeliveryCounters delivery;
    private final Clock clock;
    private final Deque<Map<String, Object>> series = new ArrayDeque<>();
    private ScheduledExecutorService sampler;

    /**
     * Either part may be null: a process runs the hub, delivery, or both.
     *
     * @param hubLag the events waiting for the hub (null without a hub, or when it is not known)
     */
    public ConsoleOverview(
            HubCounters hub, java.util.function.LongSupplier hubLag, DeliveryCounters delivery, Clock clock) {
        this.hub = hub;
        this.hubLag = hubLag;
        this.delivery = delivery;
        this.clock = clock;
    }

    /** Takes a sample now and every {@link #INTERVAL} from now on. */
    public ConsoleOverview start() {
        sample();
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "console-overview");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(this::sample, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Records the totals as they are now (the sampler calls it; tests may). */
    synchronized void sample() {
        series.addLast(totals());
        while (series.size() > SAMPLES) {
            series.removeFirst();
        }
    }

    private Map<String, Object> totals() {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("at", clock.millis());
        if (hub != null) {
            t.put("eventsIn", hub.eventsIn.sum());
            t.put("rejected", hub.rejectedCount());
            t.put("duplicates", hub.duplicates.sum());
            t.put("changes", hub.indicatorChanges.sum());
            t.put(
                    "routed",
                    hub.deliveredByPartner().values().stream()
                            .mapToLong(Long::longValue)
                            .sum());
        }
        if (delivery != null) {
            t.put("delivered", delivery.deliveredTotal());
        }
        return t;
    }

    /** The counters now and the samples of the last hour, oldest first. */
    public synchronized Map<String, Object> snapshot() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("now", totals());
        if (hubLag != null) {
            o.put("hubLag", hubLag.getAsLong());
        }
        if (hub != null) {
            o.put("rejectedByReason", hub.rejectedByReason());
            o.put("routedByPartner", hub.deliveredByPartner());
            o.put("withheldByPartner", hub.withheldByPartner());
            o.put("backfilledByPartner", hub.backfilledByPartner());
            o.put("retractedByPartner", hub.retractedByPartner());
            o.put("reconcilingByPartner", hub.reconcilingByPartner());
        }
        if (delivery != null) {
            o.put("channels", channels());
        }
        o.put("intervalSeconds", INTERVAL.toSeconds());
        o.put("series", new ArrayList<>(series));
        return o;
    }

    /** Each partner's channels as the delivery service counts them, keyed "partner/CHANNEL". */
    public List<Map<String, Object>> channels() {
        List<Map<String, Object>> out = new ArrayList<>();
        if (delivery == null) {
            return out;
        }
        new TreeMap<>(delivery.all()).forEach((key, c) -> {
            Map<String, Object> ch = new LinkedHashMap<>();
            ch.put("partner", key.substring(0, key.indexOf('/')));
            ch.put("channel", key.substring(key.indexOf('/') + 1).toLowerCase(Locale.ROOT));
            ch.put("delivered", c.delivered.sum());
            ch.put("deadLettered", c.deadLettered.sum());
            ch.put("retries", c.retries.sum());
            ch.put("lag", c.lag.get());
            long failingSince = c.failingSince.get();
            ch.put("failing", failingSince > 0);
            ch.put("failingSince", failingSince > 0 ? failingSince : null);
            out.add(ch);
        });
        return out;
    }

    @Override
    public void close() {
        if (sampler != null) {
            sampler.shutdownNow();
        }
    }
}
