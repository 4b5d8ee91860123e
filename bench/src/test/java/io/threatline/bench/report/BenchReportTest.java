package io.threatline.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

class BenchReportTest {

    private static final List<String> OUTPUT = List.of(
            "pre-loaded 1,000,000 events",
            "| events | seconds |",
            "RESULT,hub-drain-1000000,24322,events/s,>=100000,hub drain (EOS v2, 3 agreements), 1,000,000 events",
            "RESULT,passthrough-drain-1000000,61000,events/s,,pass-through copy, 1,000,000 events",
            "RESULT,latency-p99,187.25,ms,<250,publish → partner topic, p99",
            "RESULT,agreements-200-vs-3,0.62,ratio,>=0.5,drain rate with 200 agreements ÷ with 3",
            "RESULT,jmh-serdebenchmark.serialize,1905118,ops/s,,JMH SerdeBenchmark.serialize | fast");
    private static final BenchReport.RunInfo INFO =
            new BenchReport.RunInfo("full", "abc1234", "2026-12-01T10:00:00Z", "0.10 0.20 0.30", List.of());
    private static final Map<String, String> MACHINE = new LinkedHashMap<>(Map.of("cores", "2"));

    @Test
    void shouldWriteOneMarkdownRowPerResultWithTargetAndVerdict() {
        // Given
        List<ResultLine> rows = BenchReport.parse(OUTPUT);

        // When
        String md = BenchReport.markdown(rows, INFO, MACHINE);

        // Then
        assertThat(md).contains("| benchmark | figure | unit | DESIGN §10 target | met |");
        assertThat(md)
                .contains(
                        "| hub drain (EOS v2, 3 agreements), 1,000,000 events | 24,322 | events/s | ≥ 100,000 events/s | not met |");
        assertThat(md).contains("| pass-through copy, 1,000,000 events | 61,000 | events/s | — | — |");
        assertThat(md).contains("| publish → partner topic, p99 | 187.3 | ms | < 250 ms | met |");
        assertThat(md).contains("| drain rate with 200 agreements ÷ with 3 | 0.62 | ratio | ≥ 0.50 | met |");
        assertThat(md).contains("| JMH SerdeBenchmark.serialize \\| fast | 1,905,118 | ops/s | — | — |");
        assertThat(md).contains("- cores: 2").contains("- commit: abc1234").contains("(full run)");
        assertThat(md.lines().filter(l -> l.startsWith("| ")).count()).isEqualTo(1 + rows.size());
        assertThat(md).doesNotContain("Quick mode");
    }

    @Test
    void shouldSayInQuickModeThatTheFiguresAreNoMeasurementAndListFailedSteps() {
        String md = BenchReport.markdown(
                BenchReport.parse(OUTPUT),
                new BenchReport.RunInfo("quick", "abc", "now", "1", List.of("delivery", "jmh")),
                MACHINE);

        assertThat(md)
                .contains("Quick mode")
                .contains("(quick run)")
                .contains("**Failed steps**")
                .contains("delivery, jmh");
    }

    @Test
    void shouldWriteTheSameRowsAsCsvWithPlainNumbersAndQuotedLabels() {
        String csv = BenchReport.csv(BenchReport.parse(OUTPUT));

        assertThat(csv.lines())
                .containsExactly(
                        "id,benchmark,figure,unit,target,status",
                        "hub-drain-1000000,\"hub drain (EOS v2, 3 agreements), 1,000,000 events\",24322,events/s,>=100000,not met",
                        "passthrough-drain-1000000,\"pass-through copy, 1,000,000 events\",61000,events/s,,—",
                        "latency-p99,\"publish → partner topic, p99\",187.25,ms,<250,met",
                        "agreements-200-vs-3,drain rate with 200 agreements ÷ with 3,0.62,ratio,>=0.5,met",
                        "jmh-serdebenchmark.serialize,JMH SerdeBenchmark.serialize | fast,1905118,ops/s,,—");
    }

    @Test
    void shouldChartOnlyThroughputsOnePanelPerUnitWithTargetLines() throws Exception {
        // When
        String svg = BarChart.svg("Threatline <benchmarks>", BenchReport.parse(OUTPUT));

        // Then: well-formed XML, a bar for each of the three rates, none for ms or ratio
        Document doc = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(svg.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        NodeList bars = doc.getElementsByTagName("rect");
        assertThat(bars.getLength()).isEqualTo(1 + 3); // background + bars
        assertThat(svg)
                .contains(">events/s<")
                .contains(">ops/s<")
                .doesNotContain(">ms<")
                .doesNotContain(">ratio<");
        assertThat(svg).contains("Threatline &lt;benchmarks&gt;");
        assertThat(svg).contains("fill=\"#d0483f\""); // the drain misses its target
        assertThat(doc.getElementsByTagName("line").getLength()).isEqualTo(1); // the drain's target line
        assertThat(svg).contains("target ≥ 100,000");
    }

    @Test
    void shouldWriteAllFilesFromResultFiles(@TempDir Path dir) throws Exception {
        // Given
        Path raw = dir.resolve("raw.txt");
        Files.write(raw, OUTPUT);

        // When
        BenchReport.main(new String[] {
            dir.resolve("out").toString(),
            raw.toString(),
            "--mode=quick",
            "--commit=abc",
            "--started=2026-12-01T10:00:00Z",
            "--load=0.5",
            "--failed=jmh"
        });

        // Then
        Path out = dir.resolve("out");
        assertThat(Files.readString(out.resolve("results.md")))
                .contains("| publish → partner topic, p99 | 187.3 | ms |")
                .contains("jmh");
        assertThat(Files.readAllLines(out.resolve("results.csv"))).hasSize(1 + 5);
        assertThat(Files.readString(out.resolve("chart.svg"))).startsWith("<svg");
        assertThat(Files.readString(out.resolve("machine.txt")))
                .contains("cores: ")
                .contains("JDK: ");
    }

    @Test
    void shouldRefuseTheSameResultTwice() {
        assertThatThrownBy(() -> BenchReport.parse(List.of("RESULT,a,1,ms,,x", "RESULT,a,2,ms,,y")))
                .hasMessageContaining("a appears twice");
    }
}
