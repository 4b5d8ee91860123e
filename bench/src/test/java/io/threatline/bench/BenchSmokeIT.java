package io.threatline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.bench.report.BenchReport;
import io.threatline.bench.report.Machine;
import io.threatline.bench.report.ResultLine;
import io.threatline.platform.testing.SharedPlatform;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps {@code bench/run-all.sh} from rotting: every harness it runs, at a tiny size, with the
 * arguments the script passes, against the shared test platform, and then the report from their
 * result lines. Checks that each harness printed every figure the report is to show; the figures
 * themselves mean nothing at these sizes.
 */
class BenchSmokeIT {

    private static final long EVENTS = 3_000;
    private static final List<String> CHANNELS = List.of(
            "syslog-cef",
            "syslog-leef",
            "webhook-stix",
            "webhook-ecs",
            "files-jsonl",
            "files-csv",
            "files-stix",
            "files-misp",
            "kafka-json");

    @Test
    void shouldRunEveryHarnessAndReportAllItsFigures(@TempDir Path dir) throws Exception {
        // Given
        String bootstrap = SharedPlatform.bootstrapServers();
        String registry = SharedPlatform.registryUrl().toString();
        String run = "smoke-" + System.currentTimeMillis();
        List<String> output = new ArrayList<>();

        // When: the harnesses, as bench/run-all.sh runs them
        String publishTo =
                Backlog.prepare(bootstrap, registry, run + "-publish.", 3).sensorEvents();
        output.addAll(capture(out -> PublisherThroughput.run(
                new String[] {bootstrap, registry, Long.toString(EVENTS), publishTo, "20000"}, out)));

        String drain = run + "-drain.";
        // The broker runs in this JVM here: its CPU is read from /proc like a separate broker's, and is this JVM's.
        System.setProperty(
                "bench.broker.pid", Long.toString(ProcessHandle.current().pid()));
        Backlog.main(
                new String[] {bootstrap, registry, drain, Long.toString(EVENTS), "--duplicates=0.6", "--partitions=3"});
        output.addAll(capture(out -> HubDrain.run(
                new String[] {
                    bootstrap,
                    registry,
                    Long.toString(EVENTS),
                    "1",
                    "--backlog=" + drain,
                    "--passthrough",
                    "--agreements=20"
                },
                out)));
        System.clearProperty("bench.broker.pid");
        Backlog.main(new String[] {bootstrap, "delete", drain});

        output.addAll(capture(out ->
                HubLatency.run(new String[] {bootstrap, registry, "--rate=500", "--warmup=2", "--seconds=3"}, out)));

        String distinct = run + "-dedup.";
        Backlog.main(
                new String[] {bootstrap, registry, distinct, Long.toString(EVENTS), "--duplicates=0", "--partitions=3"
                });
        output.addAll(capture(
                out -> DedupState.run(new String[] {bootstrap, registry, distinct, Long.toString(EVENTS)}, out)));
        Backlog.main(new String[] {bootstrap, "delete", distinct});

        output.addAll(capture(out -> DeliveryThroughput.run(new String[] {bootstrap, registry, "300"}, out)));
        output.addAll(capture(out ->
                MicroBenchmarks.run(new String[] {"--forks=0", "--warmups=0", "--iterations=1", "--millis=100"}, out)));

        List<ResultLine> rows = BenchReport.parse(output);
        BenchReport.write(
                dir, rows, new BenchReport.RunInfo("quick", "test", "now", "n/a", List.of()), Machine.describe());

        // Then: every figure of every item, in all three files
        List<String> expected = new ArrayList<>(List.of(
                "publisher-3000",
                "hub-drain-3000",
                "passthrough-drain-3000",
                "hub-vs-passthrough-3000",
                "hub-drain-3000-agreements-20",
                "hub-cpu-jvm-3000",
                "hub-cpu-broker-3000",
                "passthrough-cpu-jvm-3000",
                "passthrough-cpu-broker-3000",
                "hub-cpu-agreements-20-jvm-3000",
                "hub-cpu-agreements-20-broker-3000",
                "agreements-20-vs-3",
                "partner-records-per-change-20",
                "latency-rate",
                "latency-p50",
                "latency-p99",
                "latency-p99.9",
                "latency-max",
                "latency-samples",
                "dedup-3000-indicators",
                "dedup-3000-heap",
                "dedup-3000-resident",
                "dedup-3000-disk",
                "dedup-3000-changelog",
                "dedup-3000-drain",
                "jmh-agreementmatchingbenchmark.routeonechange-3",
                "jmh-agreementmatchingbenchmark.routeonechange-200",
                "jmh-hotpathbenchmark.agreementdecision",
                "jmh-hotpathbenchmark.canonicalizedefangedurl",
                "jmh-hotpathbenchmark.canonicalizedomain",
                "jmh-hotpathbenchmark.canonicalizeipv4",
                "jmh-hotpathbenchmark.canonicalizesha256",
                "jmh-serdebenchmark.serialize",
                "jmh-serdebenchmark.deserialize"));
        CHANNELS.forEach(c -> expected.add("delivery-" + c));
        assertThat(rows).extracting(ResultLine::id).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(rows)
                .filteredOn(r -> r.id().equals("dedup-3000-indicators"))
                .extracting(ResultLine::value)
                .containsExactly(3000.0);
        assertThat(rows)
                .filteredOn(r -> r.id().startsWith("hub-drain-") || r.id().contains("-cpu-"))
                .allSatisfy(r -> assertThat(r.value()).isPositive());

        String md = Files.readString(dir.resolve("results.md"));
        rows.forEach(r -> assertThat(md).contains("| " + r.label().replace("|", "\\|") + " |"));
        try (Stream<String> csv = Files.lines(dir.resolve("results.csv"))) {
            assertThat(csv.count()).isEqualTo(1 + rows.size());
        }
        String svg = Files.readString(dir.resolve("chart.svg"));
        assertThat(svg).contains(">events/s<", ">records/s<", ">ops/s<");
        assertThat(Files.readString(dir.resolve("machine.txt"))).contains("cores: ");
    }

    private interface Harness {
        void run(PrintStream out) throws Exception;
    }

    /** What a harness printed; also echoed, so a failing run shows it. */
    private static List<String> capture(Harness harness) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            harness.run(out);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        return text.lines().toList();
    }
}
