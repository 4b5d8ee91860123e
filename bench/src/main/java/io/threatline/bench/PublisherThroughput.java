package io.threatline.bench;

import io.threatline.bench.report.ResultLine;
import io.threatline.producer.publish.PublisherConfig;
import io.threatline.producer.publish.ThreatPublisher;
import io.threatline.producer.simulator.SensorSimulator;
import io.threatline.producer.simulator.SimulatorSettings;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publisher throughput to a running broker: simulated events published as fast as the publisher
 * takes them (validation, canonical key, Avro serialization, idempotent acks=all producer), after a
 * warm-up; also the memory held under backpressure (pending events and heap, sampled every 100 ms).
 *
 * <p>Usage: {@code PublisherThroughput <bootstrap> <registry-url> <events> <topic> [maxPending]}.
 * Run by {@code bench/publisher-throughput.sh}, which starts the local platform in its own JVM.
 */
public final class PublisherThroughput {

    public static void main(String[] args) throws Exception {
        run(args, System.out);
    }

    public static void run(String[] args, PrintStream out) throws Exception {
        String bootstrap = args[0];
        String registry = args[1];
        long events = Long.parseLong(args[2]);
        String topic = args[3];
        int maxPending = args.length > 4 ? Integer.parseInt(args[4]) : 20_000;
        // With the broker's pid, the broker is frozen for 5 s halfway through, so the publisher must push back.
        long stallBrokerPid = args.length > 5 ? Long.parseLong(args[5]) : -1;
        long warmup = Math.min(200_000, events / 5);

        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrap);
        config.put("schema.registry.url", registry);
        config.put(PublisherConfig.TOPIC, topic);
        config.put(PublisherConfig.MAX_PENDING_EVENTS, maxPending);
        SimulatorSettings settings = SimulatorSettings.defaults()
                .withSeed(7)
                .withDistinctIndicators((int) Math.min(SimulatorSettings.MAX_DISTINCT_INDICATORS, events))
                .withDuplicateShare(0.6);
        SensorSimulator simulator = new SensorSimulator(settings);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        AtomicLong maxPendingSeen = new AtomicLong();
        AtomicLong maxHeapUsed = new AtomicLong();
        AtomicLong liveWhenSaturated = new AtomicLong(-1);

        try (ThreatPublisher publisher = new ThreatPublisher(config, null)) {
            for (long i = 0; i < warmup; i++) {
                publisher.publish(simulator.next());
            }
            publisher.flush();
            System.gc();
            final long heapAfterWarmup = memory.getHeapMemoryUsage().getUsed();

            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(
                    () -> {
                        int pendingNow = publisher.pendingEvents();
                        maxPendingSeen.accumulateAndGet(pendingNow, Math::max);
                        maxHeapUsed.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                        if (pendingNow >= maxPending && liveWhenSaturated.get() < 0) {
                            // The publisher is pushing back (the broker is not acknowledging): what does it hold now?
                            System.gc();
                            liveWhenSaturated.set(memory.getHeapMemoryUsage().getUsed() - heapAfterWarmup);
                        }
                    },
                    0,
                    100,
                    TimeUnit.MILLISECONDS);
            long sentBefore = publisher.metrics().sentCount();
            long start = System.nanoTime();
            long half = events / 2;
            long pendingAtHalf = 0;
            long liveAtHalf = 0;
            for (long i = 0; i < events; i++) {
                publisher.publish(simulator.next());
                if (i == half && stallBrokerPid > 0) {
                    stallBroker(stallBrokerPid);
                }
                if (i == half) {
                    // What the publisher holds while it is pushing back: live heap after a full GC, minus the baseline.
                    pendingAtHalf = publisher.pendingEvents();
                    System.gc();
                    liveAtHalf = memory.getHeapMemoryUsage().getUsed();
                }
            }
            publisher.flush();
            double seconds = (System.nanoTime() - start) / 1e9;
            sampler.shutdownNow();
            long acked = publisher.metrics().sentCount() - sentBefore;
            if (acked != events || publisher.metrics().failedCount() > 0) {
                throw new IllegalStateException("only " + acked + " of " + events + " acknowledged, "
                        + publisher.metrics().failedCount() + " failed");
            }
            out.printf(
                    "| events | seconds | events/s | max pending (limit %,d) | live heap held mid-run (pending then) "
                            + "| live heap held at the limit | max heap used | resident memory |%n",
                    maxPending);
            out.println("|---|---|---|---|---|---|---|---|");
            out.printf(
                    "| %,d | %.2f | %,.0f | %,d | %,d MiB (%,d) | %s | %,d MiB | %,d MiB |%n",
                    events,
                    seconds,
                    events / seconds,
                    maxPendingSeen.get(),
                    (liveAtHalf - heapAfterWarmup) >> 20,
                    pendingAtHalf,
                    liveWhenSaturated.get() < 0
                            ? "limit not reached"
                            : String.format("%,d MiB", liveWhenSaturated.get() >> 20),
                    maxHeapUsed.get() >> 20,
                    ProcessMemory.mib(ProcessMemory.peakResidentBytes()));
            out.println(ResultLine.of(
                            "publisher" + (stallBrokerPid > 0 ? "-stalled-" : "-") + events,
                            events / seconds,
                            "events/s",
                            String.format(
                                    Locale.ROOT,
                                    "publisher (validate, key, Avro, idempotent acks=all), %,d events%s",
                                    events,
                                    stallBrokerPid > 0 ? ", broker stalled 5 s" : ""))
                    .format());
        }
    }

    private static void stallBroker(long pid) {
        Thread stall = new Thread(
                () -> {
                    try {
                        new ProcessBuilder("kill", "-STOP", Long.toString(pid))
                                .inheritIO()
                                .start()
                                .waitFor();
                        Thread.sleep(5000);
                    } catch (Exception e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        try {
                            new ProcessBuilder("kill", "-CONT", Long.toString(pid))
                                    .inheritIO()
                                    .start()
                                    .waitFor();
                        } catch (Exception e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                },
                "broker-stall");
        stall.start();
    }
}
