package io.threatline.bench;

import io.threatline.contract.ThreatEvent;
import io.threatline.producer.simulator.SensorSimulator;
import io.threatline.producer.simulator.SimulatorSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Simulated sensor events for backlogs larger than one simulator's universe (at most
 * {@link SimulatorSettings#MAX_DISTINCT_INDICATORS} indicators): the events come from shards, one
 * after the other, each a {@link SensorSimulator} with its own seed and so its own universe, sized
 * so that the duplicate share holds over the whole run. One universe is in memory at a time.
 * Two shards can draw the same indicator only by chance (a random IPv4 address or domain drawn
 * twice); the hub counts such a collision as a repeat.
 *
 * <p>{@code observedAt} runs at a fixed spacing from a start far enough in the past that no event
 * lies ahead of its publish time (the hub embargoes sightings from the future).
 */
public final class ShardedSimulator implements Supplier<ThreatEvent> {

    /** Simulated time between events: 10,000 events per simulated second. */
    static final Duration SPACING = Duration.ofNanos(100_000);
    /** The simulator's duplicate share is a draw per event: a margin so the universe does not run out. */
    private static final double UNIVERSE_MARGIN = 1.05;

    private final SimulatorSettings base;
    private final long events;
    private final long perShard;
    private final int distinctPerShard;
    private final Instant start;
    private SensorSimulator current;
    private int shard = -1;
    private long emitted;
    private long distinctBefore;

    public ShardedSimulator(long seed, long events, double duplicateShare) {
        this(
                SimulatorSettings.defaults().withSeed(seed).withDuplicateShare(duplicateShare),
                events,
                Instant.now().minus(SPACING.multipliedBy(events)).minus(Duration.ofHours(1)));
    }

    ShardedSimulator(SimulatorSettings base, long events, Instant start) {
        if (events < 1) {
            throw new IllegalArgumentException("events must be at least 1, was " + events);
        }
        this.base = base;
        this.events = events;
        double fresh = Math.ceil(events * (1 - base.duplicateShare()) * UNIVERSE_MARGIN);
        int shards = (int) Math.max(1, Math.ceil(fresh / SimulatorSettings.MAX_DISTINCT_INDICATORS));
        this.perShard = (events + shards - 1) / shards;
        this.distinctPerShard = (int) Math.max(
                1,
                Math.min(
                        SimulatorSettings.MAX_DISTINCT_INDICATORS,
                        Math.ceil(perShard * (1 - base.duplicateShare()) * UNIVERSE_MARGIN)));
        this.start = start;
    }

    @Override
    public ThreatEvent get() {
        if (emitted >= events) {
            throw new IllegalStateException("all " + events + " events were emitted");
        }
        if (current == null || emitted % perShard == 0) {
            nextShard();
        }
        emitted++;
        return current.next();
    }

    private void nextShard() {
        if (current != null) {
            distinctBefore += current.distinctIndicatorsEmitted();
        }
        shard++;
        current = null; // let the previous universe go before building the next
        current = new SensorSimulator(base.withSeed(base.seed() + 1_000_003L * shard)
                .withDistinctIndicators(distinctPerShard)
                .withEventSpacing(SPACING)
                .withStartTime(start.plus(SPACING.multipliedBy(perShard * shard))));
    }

    public int shards() {
        return (int) ((events + perShard - 1) / perShard);
    }

    /** Distinct indicators emitted so far, counting each shard's own (a chance collision between shards counts twice). */
    public long distinctIndicatorsEmitted() {
        return distinctBefore + (current == null ? 0 : current.distinctIndicatorsEmitted());
    }

    public long emitted() {
        return emitted;
    }
}
