package io.threatline.bench;

import io.threatline.agreements.AgreementPolicy;
import io.threatline.agreements.Decision;
import io.threatline.contract.Indicator;
import io.threatline.contract.PartnerAgreement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Agreement matching as the hub's agreement step does it for each indicator change: every
 * current agreement decides on the change, and each Deliver carries the partner's redacted record.
 * With 3 agreements (the standard set) and 200 ({@link BenchAgreements#scoped}: each change matches
 * a handful), over 1,024 simulated first sightings in turn. The score is indicator changes routed
 * per second; the store reads and writes around it are not included (the drain harness has them).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AgreementMatchingBenchmark {

    @Param({"3", "200"})
    public int agreements;

    private PartnerAgreement[] set;
    private Indicator[] changes;
    private Instant now;
    private int next;

    @Setup
    public void setUp() {
        now = Instant.parse("2026-11-29T10:00:00Z");
        set = BenchAgreements.ofSize(agreements).toArray(PartnerAgreement[]::new);
        List<Indicator> sightings = SimulatedIndicators.firstSightings(5, 1024, now);
        changes = sightings.toArray(Indicator[]::new);
    }

    /** One indicator change decided by every agreement; returns how many partners receive it. */
    @Benchmark
    public int routeOneChange(Blackhole sink) {
        Indicator change = changes[next++ & (changes.length - 1)];
        int delivered = 0;
        for (PartnerAgreement agreement : set) {
            Decision d = AgreementPolicy.decide(agreement, change, now);
            if (d instanceof Decision.Deliver) {
                delivered++;
            }
            sink.consume(d);
        }
        return delivered;
    }
}
