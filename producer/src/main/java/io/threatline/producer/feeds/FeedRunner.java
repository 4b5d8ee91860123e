package io.threatline.producer.feeds;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.threatline.contract.ThreatEvent;
import io.threatline.producer.adapters.AdapterDefaults;
import io.threatline.producer.adapters.ParsedRecord;
import io.threatline.producer.publish.PublishResult;
import io.threatline.producer.publish.PublisherConfig;
import io.threatline.producer.publish.ThreatPublisher;
import io.threatline.schemas.retry.Backoff;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs external feeds (docs/sharing-back.md, "External feeds"): each pull publishes what the feed's
 * {@link FeedSource} read as that feed's vendor, on the vendor's own topic, with the feed's name as
 * sensor id; once the broker acknowledged every event, the feed's new state is kept. A pull that
 * fails (the feed unreachable, an answer that cannot be read, events the broker did not take) keeps
 * nothing and is retried with backoff ({@link Backoff}, 5 s doubling to 10 min); each feed runs on its
 * own thread, so one that fails holds no other.
 */
public final class FeedRunner implements AutoCloseable {

    /** A feed ready to pull. */
    public record Feed(FeedSettings settings, FeedSource source) {}

    /** What one pull did. */
    public record Outcome(
            String feed, long read, long published, long rejected, long problems, Optional<String> error) {
        public boolean ok() {
            return error.isEmpty();
        }
    }

    /** Problems listed per pull at most; the rest are counted. */
    static final int PROBLEMS_LISTED = 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Object> client;
    private final ThreatlineTopics topics;
    private final FeedStateStore store;
    private final Map<String, ObjectNode> states;
    private final Consumer<String> log;
    private final Clock clock;
    private final Backoff backoff;
    private final Map<String, ThreatPublisher> publishers = new ConcurrentHashMap<>();

    public FeedRunner(
            Map<String, Object> clientProperties,
            ThreatlineTopics topics,
            FeedStateStore store,
            Consumer<String> log,
            Clock clock,
            Backoff backoff) {
        this.client = clientProperties;
        this.topics = topics;
        this.store = store;
        this.states = new ConcurrentHashMap<>(store.readAll());
        this.log = log;
        this.clock = clock;
        this.backoff = backoff;
    }

    /** Pulls the feed once; never throws for the feed's faults, it says them in the outcome. */
    public Outcome pullOnce(Feed feed) throws InterruptedException {
        FeedSettings s = feed.settings();
        ObjectNode state = states.getOrDefault(s.name(), JSON.createObjectNode());
        AdapterDefaults defaults = new AdapterDefaults(s.vendor(), s.name(), s.tlp(), s.confidence(), clock.instant());
        ThreatPublisher publisher = publishers.computeIfAbsent(s.vendor(), v -> {
            Map<String, Object> config = new HashMap<>(client);
            config.put(PublisherConfig.TOPIC, topics.vendorEvents(v));
            return new ThreatPublisher(config, null);
        });
        AtomicLong read = new AtomicLong();
        AtomicLong problems = new AtomicLong();
        List<CompletableFuture<PublishResult>> sent = new ArrayList<>();
        ObjectNode next;
        try {
            next = feed.source().pull(state, defaults, record -> {
                read.incrementAndGet();
                if (record instanceof ParsedRecord.Problem p) {
                    if (problems.incrementAndGet() <= PROBLEMS_LISTED) {
                        log.accept("  " + p.location() + ": " + p.code() + ": " + p.message());
                    }
                    return;
                }
                ThreatEvent event = ((ParsedRecord.Event) record).event();
                // The feed speaks for its vendor, whatever its documents name: the hub takes the vendor from the
                // topic and refuses an event that names another.
                event.setVendor(s.vendor());
                event.setSensorId(s.name());
                sent.add(publisher.publish(event));
            });
        } catch (IOException | RuntimeException e) {
            return new Outcome(s.name(), read.get(), 0, 0, problems.get(), Optional.of(String.valueOf(e.getMessage())));
        }
        publisher.flush();
        long published = 0;
        long rejected = 0;
        long failed = 0;
        for (CompletableFuture<PublishResult> f : sent) {
            PublishResult result;
            try {
                result = f.get(2, TimeUnit.MINUTES);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                failed++;
                continue;
            }
            if (result instanceof PublishResult.Accepted) {
                published++;
            } else if (result instanceof PublishResult.Rejected r) {
                rejected++;
                if (rejected <= PROBLEMS_LISTED) {
                    log.accept("  rejected: " + r.reason().code() + ": "
                            + r.reason().message());
                }
            } else {
                failed++;
            }
        }
        if (failed > 0) {
            return new Outcome(
                    s.name(),
                    read.get(),
                    published,
                    rejected,
                    problems.get(),
                    Optional.of(failed + " event(s) not taken by the broker; the pull is done again"));
        }
        try {
            store.save(s.name(), next);
        } catch (RuntimeException e) {
            return new Outcome(s.name(), read.get(), published, rejected, problems.get(), Optional.of(e.getMessage()));
        }
        states.put(s.name(), next);
        return new Outcome(s.name(), read.get(), published, rejected, problems.get(), Optional.empty());
    }

    /**
     * Pulls the feed every {@code interval} until {@code stop} opens; a failed pull is retried with
     * backoff. Each outcome is told to {@code outcomes}.
     */
    public void run(Feed feed, CountDownLatch stop, Consumer<Outcome> outcomes) throws InterruptedException {
        int failures = 0;
        while (stop.getCount() > 0) {
            Outcome outcome = pullOnce(feed);
            outcomes.accept(outcome);
            Duration wait;
            if (outcome.ok()) {
                failures = 0;
                wait = feed.settings().interval();
            } else {
                wait = backoff.delay(failures++);
                if (wait.compareTo(feed.settings().interval()) > 0) {
                    wait = feed.settings().interval();
                }
            }
            if (stop.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        }
    }

    @Override
    public void close() {
        publishers.values().forEach(ThreatPublisher::close);
    }
}
