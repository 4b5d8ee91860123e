package io.threatline.bench;

import io.threatline.bench.report.ResultLine;
import io.threatline.bench.report.Target;
import io.threatline.streams.dedup.DedupProcessor;
import io.threatline.streams.dedup.IndicatorState;
import java.io.PrintStream;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * What the hub's dedup state costs at N distinct indicators (DESIGN §10: 10 million within 1 GiB
 * of heap): the real hub drains a backlog of N events without duplicates (loaded beforehand by
 * {@link Backlog} with {@code --duplicates=0}, in another JVM, so this one holds only the hub),
 * then, with the hub still running, the indicators in its dedup store are counted, and heap after
 * a full GC and resident memory are read; after it closes, the state directory's size on disk.
 * The changelog topics on the broker are reported too (the state's copy that a restore reads).
 *
 * <p>Usage: {@code DedupState <bootstrap> <registry-url> <backlog-prefix> <events> [--threads=1]}.
 */
public final class DedupState {

    /** The count DESIGN §10 names: below it the heap target is not judged. */
    static final long TARGET_INDICATORS = 10_000_000L;

    private DedupState() {}

    public static void main(String[] argv) throws Exception {
        run(argv, System.out);
    }

    public static void run(String[] argv, PrintStream out) throws Exception {
        BenchArgs args = BenchArgs.parse(argv).checkNoOtherOptions("threads");
        String bootstrap = args.positional(0, "bootstrap servers");
        String registry = args.positional(1, "registry URL");
        String prefix = args.positional(2, "backlog prefix");
        long events = Long.parseLong(args.positional(3, "events"));
        String applicationId = prefix + "dedup";
        AtomicLong inStore = new AtomicLong();
        HubRun.Outcome o = HubRun.drain(
                HubRun.settings(bootstrap, registry, prefix, applicationId, (int) args.option("threads", 1L)),
                events,
                hub -> inStore.set(count(hub.streams())));
        long changelog = changelogBytes(bootstrap, applicationId);

        out.printf(
                Locale.ROOT,
                "| indicators in dedup state | seconds | heap used / live after GC | resident now / peak | state directory | changelog topics |%n");
        out.println("|---|---|---|---|---|---|");
        out.printf(
                Locale.ROOT,
                "| %,d | %.1f | %,d / %,d MiB | %,d / %,d MiB | %,d MiB | %,d MiB |%n",
                inStore.get(),
                o.seconds(),
                ProcessMemory.mib(o.heapUsed()),
                ProcessMemory.mib(o.heapLive()),
                ProcessMemory.mib(o.resident()),
                ProcessMemory.mib(o.peakResident()),
                ProcessMemory.mib(o.stateDirBytes()),
                ProcessMemory.mib(changelog));

        String n = String.format(Locale.ROOT, "%,d", inStore.get());
        String id = "dedup-" + events;
        out.println(ResultLine.of(
                        id + "-indicators",
                        inStore.get(),
                        "indicators",
                        "dedup state: distinct indicators in the store")
                .format());
        double heapMiB = o.heapLive() / 1048576.0;
        String heapLabel = "dedup state, " + n + " indicators: heap after full GC";
        out.println((inStore.get() >= TARGET_INDICATORS
                        ? ResultLine.of(id + "-heap", heapMiB, "MiB", Target.atMost(1024), heapLabel)
                        : ResultLine.of(id + "-heap", heapMiB, "MiB", heapLabel + " (target judged at 10 M)"))
                .format());
        out.println(ResultLine.of(
                        id + "-resident",
                        o.resident() / 1048576.0,
                        "MiB",
                        "dedup state, " + n + " indicators: resident memory (VmRSS)")
                .format());
        out.println(ResultLine.of(
                        id + "-disk",
                        o.stateDirBytes() / 1048576.0,
                        "MiB",
                        "dedup state, " + n + " indicators: state directory on disk")
                .format());
        out.println(ResultLine.of(
                        id + "-changelog",
                        changelog / 1048576.0,
                        "MiB",
                        "dedup state, " + n + " indicators: changelog topics on the broker")
                .format());
        out.println(ResultLine.of(
                        id + "-drain",
                        o.eventsPerSecond(),
                        "events/s",
                        "hub drain of " + n + " distinct indicators (no duplicates)")
                .format());
    }

    /** Every entry of the dedup store, counted (RocksDB's own estimate is only approximate). */
    private static long count(org.apache.kafka.streams.KafkaStreams streams) {
        ReadOnlyKeyValueStore<String, IndicatorState> store = streams.store(StoreQueryParameters.fromNameAndType(
                DedupProcessor.STATE_STORE, QueryableStoreTypes.<String, IndicatorState>keyValueStore()));
        long n = 0;
        try (KeyValueIterator<String, IndicatorState> all = store.all()) {
            while (all.hasNext()) {
                all.next();
                n++;
            }
        }
        return n;
    }

    /** Bytes of the application's changelog topics in the broker's log directories. */
    private static long changelogBytes(String bootstrap, String applicationId) throws Exception {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            Collection<Node> nodes = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
            long bytes = 0;
            var dirs = admin.describeLogDirs(nodes.stream().map(Node::id).toList())
                    .allDescriptions()
                    .get(30, TimeUnit.SECONDS);
            for (Map<String, LogDirDescription> byDir : dirs.values()) {
                for (LogDirDescription dir : byDir.values()) {
                    for (var replica : dir.replicaInfos().entrySet()) {
                        String topic = replica.getKey().topic();
                        if (topic.startsWith(applicationId + "-") && topic.endsWith("-changelog")) {
                            bytes += replica.getValue().size();
                        }
                    }
                }
            }
            return bytes;
        }
    }
}
