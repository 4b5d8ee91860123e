package io.threatline.bench;

import io.threatline.bench.report.ResultLine;
import io.threatline.bench.report.Target;
import io.threatline.contract.PartnerAgreement;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The hub's drain rate on a pre-loaded backlog (DESIGN §10: 100,000 events/s on 2 cores, broker on
 * the same machine, exactly-once on): the hub runs with the standard three agreements until it has
 * taken in all N events. With {@code --passthrough} a {@link PassThroughDrain} copies the same
 * backlog first, in the same JVM, so the report gives hub ÷ pass-through; with
 * {@code --agreements=200} the hub then runs a second time on the same backlog with 200 agreements
 * (the standard three and {@link BenchAgreements#scoped}), so the report gives 200 ÷ 3 (target: at
 * least a half). Prints a Markdown table and result lines.
 *
 * <p>Usage: {@code HubDrain <bootstrap> <registry-url> <events> [threads] [--backlog=<prefix>]
 * [--passthrough] [--agreements=<n>] [--partitions=6] [--vendor-topics] [--backfill]}. With {@code --backfill},
 * once the drain is done a partner granted every indicator up to AMBER is added, and the report gives how
 * fast the hub backfilled it (docs/agreements.md). With {@code --vendor-topics}
 * the backlog is written to each vendor's own topic, as authenticated sensors write it (the hub
 * then repartitions every event). Without {@code --backlog} it first loads a
 * backlog itself ({@link Backlog}, 60 % duplicates). Run by {@code bench/hub-drain.sh} and
 * {@code bench/run-all.sh}.
 */
public final class HubDrain {

    private HubDrain() {}

    public static void main(String[] argv) throws Exception {
        run(argv, System.out);
    }

    public static void run(String[] argv, PrintStream out) throws Exception {
        BenchArgs args = BenchArgs.parse(argv)
                .checkNoOtherOptions("backlog", "passthrough", "agreements", "partitions", "vendor-topics", "backfill");
        String bootstrap = args.positional(0, "bootstrap servers");
        String registry = args.positional(1, "registry URL");
        long events = Long.parseLong(args.positional(2, "events"));
        int threads = (int) args.positionalLong(3, "threads", 1);
        int scaled = (int) args.option("agreements", 3L);
        String prefix = args.option("backlog", "");
        if (prefix.isEmpty()) {
            prefix = "drain-" + System.currentTimeMillis() + ".";
            Backlog.load(
                    bootstrap,
                    registry,
                    prefix,
                    events,
                    Backlog.DEFAULT_DUPLICATES,
                    (int) args.option("partitions", (long) Backlog.DEFAULT_PARTITIONS),
                    11,
                    args.flag("vendor-topics"),
                    System.err);
        }
        String size = String.format(Locale.ROOT, "%,d events", events);

        double passThrough = 0;
        PassThroughDrain.Outcome copy = null;
        if (args.flag("passthrough")) {
            copy = PassThroughDrain.run(bootstrap, prefix, events, threads);
            passThrough = events / copy.seconds();
        }
        String backlogPrefix = prefix;
        Backfill[] backfill = new Backfill[1];
        HubRun.Outcome hub =
                HubRun.drain(HubRun.settings(bootstrap, registry, prefix, prefix + "hub-3", threads), events, h -> {
                    if (args.flag("backfill")) {
                        backfill[0] = Backfill.measure(bootstrap, registry, backlogPrefix, h);
                    }
                });
        HubRun.Outcome many = null;
        if (scaled != 3) {
            BenchAgreements.apply(bootstrap, registry, Backlog.topics(prefix, 1), BenchAgreements.scoped(scaled));
            many = HubRun.drain(
                    HubRun.settings(bootstrap, registry, prefix, prefix + "hub-" + scaled, threads), events, h -> {});
        }

        out.println(
                "| events | agreements | threads | seconds (incl. start-up) | events/s | duplicates | indicator changes "
                        + "| partner records | CPU µs/event: JVM / broker | heap used / live after GC | resident now / peak |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        row(out, events, 3, threads, hub);
        if (many != null) {
            row(out, events, scaled, threads, many);
        }
        if (backfill[0] != null) {
            out.printf(
                    "%nbackfill of a partner added after the drain (indicators up to AMBER, any scope): %,d live indicators "
                            + "examined and %,d sent as NEW in %.1f s, %,.0f indicators/s%n",
                    backfill[0].examined(),
                    backfill[0].backfilled(),
                    backfill[0].seconds(),
                    backfill[0].examinedPerSecond());
            out.println(ResultLine.of(
                            "backfill-examined-per-second",
                            backfill[0].examinedPerSecond(),
                            "indicators/s",
                            "backfill of a late partner after a drain of " + size
                                    + " (threatline.hub.backfill.rate per task)")
                    .format());
        }
        if (passThrough > 0) {
            out.printf(
                    "%npass-through copy of the same backlog: %,.0f events/s, CPU µs/event %s; hub ÷ pass-through = %.3f%n",
                    passThrough, copy.cpu().perEvent(events), hub.eventsPerSecond() / passThrough);
        }
        cpuResults(out, "hub-cpu", hub.cpu(), events, "hub drain (3 agreements), " + size);
        if (copy != null) {
            cpuResults(out, "passthrough-cpu", copy.cpu(), events, "pass-through copy, " + size);
        }
        if (many != null) {
            cpuResults(
                    out,
                    "hub-cpu-agreements-" + scaled,
                    many.cpu(),
                    events,
                    "hub drain (" + scaled + " agreements), " + size);
        }

        out.println(ResultLine.of(
                        "hub-drain-" + events,
                        hub.eventsPerSecond(),
                        "events/s",
                        Target.atLeast(100_000),
                        "hub drain (EOS v2, 3 agreements), " + size)
                .format());
        if (passThrough > 0) {
            out.println(ResultLine.of(
                            "passthrough-drain-" + events,
                            passThrough,
                            "events/s",
                            "pass-through Kafka Streams copy (EOS v2), " + size)
                    .format());
            out.println(ResultLine.of(
                            "hub-vs-passthrough-" + events,
                            hub.eventsPerSecond() / passThrough,
                            "ratio",
                            "hub drain ÷ pass-through, " + size)
                    .format());
        }
        if (many != null) {
            out.println(ResultLine.of(
                            "hub-drain-" + events + "-agreements-" + scaled,
                            many.eventsPerSecond(),
                            "events/s",
                            "hub drain with " + scaled + " agreements, " + size)
                    .format());
            out.println(ResultLine.of(
                            "agreements-" + scaled + "-vs-3",
                            many.eventsPerSecond() / hub.eventsPerSecond(),
                            "ratio",
                            Target.atLeast(0.5),
                            "drain rate with " + scaled + " agreements ÷ with 3")
                    .format());
            out.println(ResultLine.of(
                            "partner-records-per-change-" + scaled,
                            (double) many.deliveredTotal() / many.indicatorChanges(),
                            "records",
                            "partner records per indicator change, " + scaled + " agreements")
                    .format());
        }
    }

    private static void cpuResults(PrintStream out, String name, CpuMeter.Spent spent, long events, String what) {
        out.println(ResultLine.of(
                        name + "-jvm-" + events, spent.jvmMicrosPerEvent(events), "us/event", "CPU of the JVM, " + what)
                .format());
        double broker = spent.brokerMicrosPerEvent(events);
        if (!Double.isNaN(broker)) {
            out.println(ResultLine.of(name + "-broker-" + events, broker, "us/event", "CPU of the broker, " + what)
                    .format());
        }
    }

    private static void row(PrintStream out, long events, int agreements, int threads, HubRun.Outcome o) {
        out.printf(
                Locale.ROOT,
                "| %,d | %d | %d | %.1f | %,.0f | %,d | %,d | %,d | %s | %,d / %,d MiB | %,d / %,d MiB |%n",
                events,
                agreements,
                threads,
                o.seconds(),
                o.eventsPerSecond(),
                o.duplicates(),
                o.indicatorChanges(),
                o.deliveredTotal(),
                o.cpu().perEvent(events),
                ProcessMemory.mib(o.heapUsed()),
                ProcessMemory.mib(o.heapLive()),
                ProcessMemory.mib(o.resident()),
                ProcessMemory.mib(o.peakResident()));
    }

    /** How long the hub took to backfill a partner added after the drain, and how much it sent. */
    record Backfill(double seconds, long examined, long backfilled) {

        double examinedPerSecond() {
            return examined / seconds;
        }

        /**
         * Applies a partner granted every indicator up to AMBER to the drained hub, and waits until
         * every stream task has finished its sweep (the reconciling gauge back to nothing).
         */
        static Backfill measure(String bootstrap, String registry, String prefix, io.threatline.streams.HubApp hub) {
            var counters = hub.counters();
            long examinedBefore = counters.reconcileExamined.sum();
            PartnerAgreement late = PartnerAgreement.newBuilder(
                            BenchAgreements.standard().get(1))
                    .setPartnerId("late-partner")
                    .setPartnerName("late-partner")
                    .setAgreementId("mou-late-partner")
                    .setTlpCeiling(io.threatline.contract.Tlp.AMBER)
                    .build();
            try {
                long start = System.nanoTime();
                BenchAgreements.apply(bootstrap, registry, Backlog.topics(prefix, 1), List.of(late));
                long deadline = start + java.time.Duration.ofMinutes(30).toNanos();
                while (!counters.reconcilingByPartner().containsKey("late-partner")
                        && counters.backfilledByPartner().getOrDefault("late-partner", 0L) == 0) {
                    check(deadline);
                    Thread.sleep(5);
                }
                while (counters.reconcilingByPartner().containsKey("late-partner")) {
                    check(deadline);
                    Thread.sleep(5);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                return new Backfill(
                        seconds,
                        counters.reconcileExamined.sum() - examinedBefore,
                        counters.backfilledByPartner().getOrDefault("late-partner", 0L));
            } catch (Exception e) {
                throw new IllegalStateException("the backfill of a late partner did not finish", e);
            }
        }

        private static void check(long deadline) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the backfill of a late partner took longer than 30 minutes");
            }
        }
    }
}
