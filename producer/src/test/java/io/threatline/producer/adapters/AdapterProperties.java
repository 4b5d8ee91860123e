package io.threatline.producer.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The line adapters never throw on garbage and give exactly one record per non-blank data line. */
class AdapterProperties {

    @Property(tries = 300)
    void csvYieldsOneRecordPerNonBlankDataLine(@ForAll("garbageLines") List<String> lines) {
        String input = "type,value,observed_at,confidence,tlp,families,kill_chain_phase,retraction\n"
                + String.join("\n", lines) + "\n";

        Records r = Records.readString(new CsvAdapter(), input, "g.csv");

        assertThat(r.all).hasSize(nonBlank(lines));
    }

    @Property(tries = 300)
    void jsonLinesYieldsOneRecordPerNonBlankLine(@ForAll("garbageLines") List<String> lines) {
        Records r = Records.readString(new JsonLinesAdapter(), String.join("\n", lines), "g.jsonl");

        assertThat(r.all).hasSize(nonBlank(lines));
    }

    private static int nonBlank(List<String> lines) {
        return (int) lines.stream().filter(l -> !l.isBlank()).count();
    }

    /**
     * Lines built from CSV and JSON fragments (so that some parse and some almost do) mixed with
     * arbitrary printable text. No line breaks inside a line, and no BOM, which the adapters strip.
     */
    @Provide
    Arbitrary<List<String>> garbageLines() {
        Arbitrary<String> fragment = Arbitraries.oneOf(
                Arbitraries.of(",", "\"", "\"\"", "{", "}", "[", "]", ":", " ", "\t", "null", "true", "-1", "101",
                        "1.2.3.4", "ipv4", "amber", "amber+strict", "2024-03-04T07:55:12Z", "1709546400000",
                        "d41d8cd98f00b204e9800998ecf8427e", "\"indicatorValue\"", "\"indicatorType\"", "\"tlp\"",
                        "\"observedAt\"", "\"confidence\"", "\"eventId\"", "\"tags\"", "\"x\"", "é", "中", "\u00a0"),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(12),
                Arbitraries.strings().all().excludeChars('\n', '\r', '\uFEFF').ofMaxLength(6));
        Arbitrary<String> line = fragment.list().ofMaxSize(14).map(parts -> String.join("", parts));
        return line.list().ofMaxSize(20);
    }
}
