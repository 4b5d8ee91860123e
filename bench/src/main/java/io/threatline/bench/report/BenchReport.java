package io.threatline.bench.report;

import io.threatline.bench.BenchArgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the benchmark report from the harnesses' result lines ({@link ResultLine}), knowing
 * nothing of the harnesses themselves: {@code results.md} (one Markdown table: benchmark, figure,
 * unit, DESIGN §10 target, met or not, then the machine), {@code results.csv} (the same rows),
 * {@code chart.svg} (the throughput figures, {@link BarChart}) and {@code machine.txt}.
 *
 * <p>Usage: {@code BenchReport <output-dir> <file-with-result-lines>... [--mode=quick|full]
 * [--commit=<sha>] [--started=<time>] [--load=<load average at start>] [--failed=<step>,...]};
 * lines of the input files that are not result lines are ignored. Run by {@code bench/run-all.sh}.
 */
public final class BenchReport {

    /** What the report says about the run besides the rows. */
    public record RunInfo(String mode, String commit, String started, String loadAtStart, List<String> failedSteps) {

        public boolean quick() {
            return "quick".equals(mode);
        }
    }

    private BenchReport() {}

    public static void main(String[] argv) throws IOException {
        BenchArgs args = BenchArgs.parse(argv);
        Path out = Path.of(args.positional(0, "output directory"));
        List<Path> inputs = new ArrayList<>();
        for (int i = 1; i < args.positionalCount(); i++) {
            inputs.add(Path.of(args.positional(i, "result file")));
        }
        List<String> failed = args.option("failed", "").isBlank()
                ? List.of()
                : List.of(args.option("failed", "").split(","));
        RunInfo info = new RunInfo(
                args.option("mode", "full"),
                args.option("commit", "unknown"),
                args.option("started", "unknown"),
                args.option("load", "unknown"),
                failed);
        List<ResultLine> rows = read(inputs);
        write(out, rows, info, Machine.describe());
        System.out.printf("%d results written to %s%n", rows.size(), out.resolve("results.md"));
    }

    /** The result lines of the files, in order; a repeated id is an error (two harnesses measuring one thing). */
    public static List<ResultLine> read(List<Path> files) throws IOException {
        List<ResultLine> rows = new ArrayList<>();
        for (Path file : files) {
            rows.addAll(parse(Files.readAllLines(file)));
        }
        return rows;
    }

    public static List<ResultLine> parse(List<String> lines) {
        List<ResultLine> rows = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (String line : lines) {
            if (ResultLine.isResult(line)) {
                ResultLine row = ResultLine.parse(line);
                if (!ids.add(row.id())) {
                    throw new IllegalArgumentException("result " + row.id() + " appears twice");
                }
                rows.add(row);
            }
        }
        return rows;
    }

    public static void write(Path dir, List<ResultLine> rows, RunInfo info, Map<String, String> machine)
            throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.md"), markdown(rows, info, machine));
        Files.writeString(dir.resolve("results.csv"), csv(rows));
        Files.writeString(dir.resolve("chart.svg"), BarChart.svg(title(info), rows));
        StringBuilder m = new StringBuilder();
        machine.forEach((k, v) -> m.append(k).append(": ").append(v).append('\n'));
        Files.writeString(dir.resolve("machine.txt"), m.toString());
    }

    public static String markdown(List<ResultLine> rows, RunInfo info, Map<String, String> machine) {
        StringBuilder s = new StringBuilder();
        s.append("# ").append(title(info)).append("\n\n");
        if (info.quick()) {
            s.append("Quick mode: small sizes, to check that every harness runs. These figures are no measurement; "
                    + "the targets are judged at the full sizes only.\n\n");
        }
        s.append("| benchmark | figure | unit | DESIGN §10 target | met |\n");
        s.append("|---|---|---|---|---|\n");
        for (ResultLine r : rows) {
            s.append("| ")
                    .append(cell(r.label()))
                    .append(" | ")
                    .append(Figures.display(r.value()))
                    .append(" | ")
                    .append(cell(r.unit()))
                    .append(" | ")
                    .append(r.target()
                            .map(t -> t.display() + ("ratio".equals(r.unit()) ? "" : " " + r.unit()))
                            .map(BenchReport::cell)
                            .orElse("—"))
                    .append(" | ")
                    .append(r.status())
                    .append(" |\n");
        }
        if (!info.failedSteps().isEmpty()) {
            s.append("\n**Failed steps** (their figures are missing; see their logs): ")
                    .append(String.join(", ", info.failedSteps()))
                    .append("\n");
        }
        s.append("\n## Machine\n\n");
        machine.forEach(
                (k, v) -> s.append("- ").append(k).append(": ").append(v).append('\n'));
        s.append("\n## Run\n\n");
        Map<String, String> run = new LinkedHashMap<>();
        run.put("mode", info.mode());
        run.put("commit", info.commit());
        run.put("started", info.started());
        run.put("load average at start", info.loadAtStart());
        run.forEach((k, v) -> s.append("- ").append(k).append(": ").append(v).append('\n'));
        return s.toString();
    }

    public static String csv(List<ResultLine> rows) {
        StringBuilder s = new StringBuilder("id,benchmark,figure,unit,target,status\n");
        for (ResultLine r : rows) {
            s.append(csvField(r.id()))
                    .append(',')
                    .append(csvField(r.label()))
                    .append(',')
                    .append(Figures.plain(r.value()))
                    .append(',')
                    .append(csvField(r.unit()))
                    .append(',')
                    .append(csvField(r.target().map(Target::format).orElse("")))
                    .append(',')
                    .append(csvField(r.status()))
                    .append('\n');
        }
        return s.toString();
    }

    private static String title(RunInfo info) {
        return "Threatline benchmarks, " + info.started() + (info.quick() ? " (quick run)" : " (full run)");
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    static String csvField(String text) {
        if (text.contains(",") || text.contains("\"") || text.contains("\n")) {
            return "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }
}
