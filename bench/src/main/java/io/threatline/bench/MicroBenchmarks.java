package io.threatline.bench;

import io.threatline.bench.report.ResultLine;
import java.io.PrintStream;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the JMH micro-benchmarks of the hot paths (canonicalisation, serde, agreement matching) and
 * prints a result line for each: JMH's own output first, then {@code RESULT,jmh-…} lines.
 *
 * <p>Usage: {@code MicroBenchmarks [--include=<regex>] [--forks=1] [--warmups=3] [--iterations=5]
 * [--seconds=2]} (seconds per iteration). {@code --forks=0} runs in this JVM (for the smoke test).
 */
public final class MicroBenchmarks {

    private MicroBenchmarks() {}

    public static void main(String[] argv) throws Exception {
        run(argv, System.out);
    }

    public static void run(String[] argv, PrintStream out) throws Exception {
        BenchArgs args = BenchArgs.parse(argv)
                .checkNoOtherOptions("include", "forks", "warmups", "iterations", "seconds", "millis");
        TimeValue time = args.option("millis", 0L) > 0
                ? TimeValue.milliseconds(args.option("millis", 0L))
                : TimeValue.seconds(args.option("seconds", 2L));
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(args.option("include", "io\\.threatline\\.bench\\..*Benchmark"))
                .forks((int) args.option("forks", 1L))
                .warmupIterations((int) args.option("warmups", 3L))
                .warmupTime(time)
                .measurementIterations((int) args.option("iterations", 5L))
                .measurementTime(time);
        if (args.option("forks", 1L) == 0) {
            options.verbosity(VerboseMode.SILENT);
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        for (RunResult r : results) {
            out.println(line(r).format());
        }
    }

    static ResultLine line(RunResult r) {
        String benchmark = r.getParams().getBenchmark();
        String[] parts = benchmark.split("\\.");
        String name = parts[parts.length - 2] + "." + parts[parts.length - 1];
        Map<String, String> params = new TreeMap<>();
        for (String key : r.getParams().getParamsKeys()) {
            params.put(key, r.getParams().getParam(key));
        }
        StringBuilder id = new StringBuilder("jmh-").append(name.toLowerCase(Locale.ROOT));
        params.values()
                .forEach(v -> id.append('-').append(v.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "")));
        StringBuilder label = new StringBuilder("JMH ").append(name.replace("Benchmark.", "."));
        params.forEach((k, v) -> label.append(", ").append(k).append('=').append(v));
        double error = r.getPrimaryResult().getScoreError();
        if (Double.isFinite(error)) {
            label.append(String.format(Locale.ROOT, " (± %,.0f)", error));
        }
        return ResultLine.of(
                id.toString(),
                r.getPrimaryResult().getScore(),
                r.getPrimaryResult().getScoreUnit(),
                label.toString());
    }
}
