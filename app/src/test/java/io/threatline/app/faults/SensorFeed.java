package io.threatline.app.faults;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.producer.publish.PublishResult;
import io.threatline.producer.publish.ThreatPublisher;
import io.threatline.producer.simulator.EventPacer;
import io.threatline.schemas.identity.IndicatorIdentity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sensors publishing through {@link ThreatPublisher} while a fault test kills things: indicator
 * {@code n} is first reported at step {@code n}, reported again, defanged, at step
 * {@code n + }{@value #SECOND_COPY_LAG} by the same sensor (a pure repeat the hub must drop) and a
 * third time at step {@code n + }{@value #THIRD_COPY_LAG} by another vendor's sensor (a new source: an
 * UPDATE), so many repeats reach the hub only after a kill that came after the first report. Each indicator's TLP, type and family follow from {@code n}
 * ({@link Sighting#of}), so a test can say which partner may have which.
 *
 * <p>Every publish result is kept: {@link Outcome#published()} are the indicators at least one of
 * whose reports Kafka acknowledged — exactly what the hub must deliver — and
 * {@link Outcome#failures()} says what did not get in.
 */
public final class SensorFeed implements AutoCloseable {

    static final int SECOND_COPY_LAG = 50;
    static final int THIRD_COPY_LAG = 400;

    /** One indicator of the feed. */
    public record Sighting(int n, IndicatorType type, String value, Tlp tlp, String family) {

        /** Indicator {@code n} of a feed whose values end in {@code <tag>.com}. */
        public static Sighting of(String tag, int n) {
            IndicatorType type = n % 5 == 4 ? IndicatorType.URL : IndicatorType.DOMAIN;
            String host = "host-" + n + "." + tag + ".com";
            String value = type == IndicatorType.URL ? "http://" + host + "/gate-" + n + ".php" : host;
            Tlp tlp = n % 7 == 6 ? Tlp.RED : n % 4 == 3 ? Tlp.AMBER : Tlp.GREEN;
            String family = n % 3 == 0 ? "shylock" : "emotet";
            return new Sighting(n, type, value, tlp, family);
        }

        public String id() {
            return IndicatorIdentity.canonicalize(type, value).value().id();
        }

        ThreatEvent event(int copy) {
            String reported = copy == 1 ? value.replace(".com", "[.]com").replace("http://", "hxxp://") : value;
            return ThreatEvent.newBuilder()
                    .setEventId(n + "-" + copy)
                    .setIndicatorType(type)
                    .setIndicatorValue(reported)
                    .setObservedAt(Instant.now())
                    .setVendor(copy == 2 ? "vendor-b" : "vendor-a")
                    .setSensorId(copy == 2 ? "b-1" : "a-1")
                    .setConfidence(80)
                    .setTlp(tlp)
                    .setMalwareFamilies(List.of(family))
                    .build();
        }
    }

    /**
     * What the feed published: the indicators Kafka took at least one report of, how many reports it
     * took, and the reports that did not get in (how many, and the first 20 of them).
     */
    public record Outcome(List<Sighting> published, long eventsAccepted, long eventsFailed, List<String> failures) {}

    private final ThreatPublisher publisher;
    private final String tag;
    private final long eventsPerSecond;
    private final Map<Integer, Sighting> published = new ConcurrentHashMap<>();
    private final Set<String> failures = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<CompletableFuture<PublishResult>> inFlight = new ArrayList<>();
    private volatile boolean running;
    private volatile int steps;
    private Thread thread;

    /**
     * @param publisherConfig {@link ThreatPublisher} settings: bootstrap servers, registry URL, topic
     * @param tag             makes this feed's indicator values unique: a DNS label
     * @param eventsPerSecond pace of the background feed, all three reports counted
     */
    public SensorFeed(Map<String, Object> publisherConfig, String tag, long eventsPerSecond) {
        this.publisher = new ThreatPublisher(publisherConfig, null);
        this.tag = tag;
        this.eventsPerSecond = eventsPerSecond;
    }

    /** Publishes {@code count} steps at once, before anything runs in the background. */
    public void publishBacklog(int count) {
        for (int i = 0; i < count; i++) {
            step();
        }
        publisher.flush();
    }

    /** Starts publishing in the background at the feed's pace. */
    public void start() {
        running = true;
        thread = new Thread(
                () -> {
                    EventPacer pacer = new EventPacer(eventsPerSecond);
                    while (running) {
                        pacer.awaitNext();
                        pacer.awaitNext();
                        pacer.awaitNext();
                        step();
                    }
                },
                "sensor-feed-" + tag);
        thread.setDaemon(true);
        thread.start();
    }

    /** Indicators first reported so far. */
    public int indicatorsStarted() {
        return steps;
    }

    /**
     * Stops the background feed, sends the reports still due for every indicator started (so each
     * has its three), waits for every acknowledgement and says what got in.
     */
    public Outcome finish() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(TimeUnit.MINUTES.toMillis(3));
        }
        int last = steps;
        for (int n = Math.max(0, last - THIRD_COPY_LAG); n < last; n++) {
            if (n >= last - SECOND_COPY_LAG) {
                send(n, 1);
            }
            send(n, 2);
        }
        publisher.flush();
        synchronized (inFlight) {
            inFlight.forEach(CompletableFuture::join);
        }
        List<Sighting> all = new ArrayList<>(new TreeMap<>(published).values());
        return new Outcome(
                all,
                accepted.get(),
                failures.size(),
                failures.stream().sorted().limit(20).toList());
    }

    private void step() {
        int n = steps;
        send(n, 0);
        if (n >= SECOND_COPY_LAG) {
            send(n - SECOND_COPY_LAG, 1);
        }
        if (n >= THIRD_COPY_LAG) {
            send(n - THIRD_COPY_LAG, 2);
        }
        steps = n + 1;
    }

    private void send(int n, int copy) {
        Sighting sighting = Sighting.of(tag, n);
        CompletableFuture<PublishResult> result = publisher
                .publish(sighting.event(copy))
                .whenComplete((r, e) -> {
                    if (r instanceof PublishResult.Accepted) {
                        accepted.incrementAndGet();
                        published.put(n, sighting);
                    } else {
                        failures.add(sighting.id() + " report " + copy + ": " + (e != null ? e : r));
                    }
                });
        synchronized (inFlight) {
            inFlight.removeIf(CompletableFuture::isDone);
            inFlight.add(result);
        }
    }

    @Override
    public void close() {
        running = false;
        publisher.close();
    }
}
