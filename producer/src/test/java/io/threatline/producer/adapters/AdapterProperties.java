package io.threatline.producer.adapters;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.ThreatEvent;
import io.threatline.schemas.serde.ConfluentAvroSerializer;
import io.threatline.schemas.serde.InMemorySchemaRegistryClient;
import io.threatline.schemas.validation.ThreatEventValidator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzing of every input adapter, with arbitrary text and with the real samples mutated (characters
 * deleted, inserted, replaced, lines swapped, the text cut short, deep nesting spliced in). Whatever
 * the input: no exception escapes {@code read}; every bad record is reported as a problem with a
 * stable code, a message, and its place in the input ({@code file:line} within the input's lines, or
 * {@code file#object}); every event is one the publisher can validate and serialize. The line
 * adapters also give exactly one record per non-blank data line.
 */
class AdapterProperties {

    private static final String SOURCE = "fuzz.in";
    /** {@code file:line} or {@code file#something}. */
    private static final Pattern LOCATION =
            Pattern.compile(Pattern.quote(SOURCE) + "(?::(\\d+)|#(.+))", Pattern.DOTALL);

    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z_]*[A-Z]");
    private static final ConfluentAvroSerializer<ThreatEvent> SERIALIZER =
            new ConfluentAvroSerializer<>(new InMemorySchemaRegistryClient(), Map.of(), false);

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
                Arbitraries.of(
                        ",",
                        "\"",
                        "\"\"",
                        "{",
                        "}",
                        "[",
                        "]",
                        ":",
                        " ",
                        "\t",
                        "null",
                        "true",
                        "-1",
                        "101",
                        "1.2.3.4",
                        "ipv4",
                        "amber",
                        "amber+strict",
                        "2024-03-04T07:55:12Z",
                        "1709546400000",
                        "d41d8cd98f00b204e9800998ecf8427e",
                        "\"indicatorValue\"",
                        "\"indicatorType\"",
                        "\"tlp\"",
                        "\"observedAt\"",
                        "\"confidence\"",
                        "\"eventId\"",
                        "\"tags\"",
                        "\"x\"",
                        "é",
                        "中",
                        "\u00a0"),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(12),
                Arbitraries.strings().all().excludeChars('\n', '\r', '\uFEFF').ofMaxLength(6));
        Arbitrary<String> line = fragment.list().ofMaxSize(14).map(parts -> String.join("", parts));
        return line.list().ofMaxSize(20);
    }

    @Property(tries = 250)
    @Label("CSV: mutated sample")
    void csvSurvivesMutatedSamples(@ForAll("mutatedCsv") String input) {
        assertReadsCleanly(new CsvAdapter(), input);
    }

    @Property(tries = 250)
    @Label("JSON Lines: mutated sample, one record per non-blank line")
    void jsonLinesSurvivesMutatedSamples(@ForAll("mutatedJsonLines") String input) {
        Records r = assertReadsCleanly(new JsonLinesAdapter(), input);

        List<String> lines = new BufferedReader(new StringReader(input.replaceFirst("^\uFEFF", "")))
                .lines()
                .toList();
        assertThat(r.all).hasSize((int) lines.stream().filter(l -> !l.isBlank()).count());
    }

    @Property(tries = 250)
    @Label("MISP: mutated sample")
    void mispSurvivesMutatedSamples(@ForAll("mutatedMisp") String input) {
        assertReadsCleanly(new MispEventAdapter(), input);
    }

    @Property(tries = 250)
    @Label("STIX: mutated sample")
    void stixSurvivesMutatedSamples(@ForAll("mutatedStix") String input) {
        assertReadsCleanly(new StixBundleAdapter(), input);
    }

    @Property(tries = 250)
    @Label("every adapter: arbitrary text")
    void everyAdapterSurvivesArbitraryText(
            @ForAll("adapters") InputAdapter adapter, @ForAll("arbitraryText") String input) {
        assertReadsCleanly(adapter, input);
    }

    // Bugs found while fuzzing the adapters, kept as examples.

    @Example
    void stixPatternNestedThousandsDeepIsAProblemNotAStackOverflow() {
        String pattern = "(".repeat(20_000) + "[ipv4-addr:value = '198.51.100.7']" + ")".repeat(20_000);
        String bundle = "{\"type\": \"bundle\", \"objects\": [{\"type\": \"indicator\", \"id\": \"indicator--1\", "
                + "\"pattern\": \"" + pattern + "\"}]}";

        Records r = assertReadsCleanly(new StixBundleAdapter(), bundle);

        assertThat(r.summary()).containsExactly("P " + SOURCE + "#indicator--1 UNSUPPORTED_PATTERN");
    }

    @Example
    void aConfidenceBeyondALongIsRefusedNotWrappedAround() {
        // 2^64 + 50: Jackson's asLong() wraps it to 50, which was taken as the confidence.
        String jsonLine = "{\"indicatorValue\": \"198.51.100.7\", \"confidence\": 18446744073709551666}";
        String bundle = "{\"type\": \"bundle\", \"objects\": [{\"type\": \"indicator\", \"id\": \"indicator--1\", "
                + "\"pattern\": \"[ipv4-addr:value = '198.51.100.7']\", \"confidence\": 18446744073709551666}]}";

        assertThat(assertReadsCleanly(new JsonLinesAdapter(), jsonLine).summary())
                .containsExactly("P " + SOURCE + ":1 BAD_CONFIDENCE");
        assertThat(assertReadsCleanly(new StixBundleAdapter(), bundle).summary())
                .containsExactly("P " + SOURCE + "#indicator--1 BAD_CONFIDENCE");
    }

    @Example
    void aMispDateBeyondWhatMillisecondsHoldIsReportedNotPublishedAsAnUnsendableEvent() {
        // LocalDate takes year +999999999; its epoch milliseconds overflow a long, so the event failed only when sent.
        String event = "{\"Event\": {\"uuid\": \"e-1\", \"date\": \"+999999999-12-31\", "
                + "\"Attribute\": [{\"uuid\": \"a-1\", \"type\": \"ip-dst\", \"value\": \"198.51.100.7\"}]}}";

        Records r = assertReadsCleanly(new MispEventAdapter(), event);

        assertThat(r.summary()).containsExactly("P " + SOURCE + "#e-1 BAD_TIMESTAMP", "E " + SOURCE + "#a-1 IPV4");
        assertThat(r.events().get(0).getObservedAt()).as("the default time").isEqualTo(Records.DEFAULTS.observedAt());
    }

    /** Runs the adapter and checks every record it gave; returns them. */
    private static Records assertReadsCleanly(InputAdapter adapter, String input) {
        Records r;
        try {
            r = Records.readString(adapter, input, SOURCE);
        } catch (Throwable t) {
            throw new AssertionError(adapter.format() + " adapter threw " + t + " on input: " + shorten(input), t);
        }
        int lines = lineCount(input);
        for (ParsedRecord record : r.all) {
            Matcher where = LOCATION.matcher(record.location());
            assertThat(where.matches())
                    .as("location %s of %s", record.location(), record)
                    .isTrue();
            if (where.group(1) != null) {
                assertThat(Integer.parseInt(where.group(1)))
                        .as("line of %s in %d lines", record, lines)
                        .isBetween(1, lines);
            }
            if (record instanceof ParsedRecord.Problem p) {
                assertThat(p.code()).as("code of %s", p).matches(CODE);
                assertThat(p.message()).as("message of %s", p).isNotBlank();
            } else {
                ThreatEvent event = ((ParsedRecord.Event) record).event();
                // What the publisher does with every event: validate, then serialize.
                ThreatEventValidator.validate(event);
                assertThat(SERIALIZER.serialize("ti.sensor-events.v1", event))
                        .as("serialized %s", event)
                        .isNotEmpty();
            }
        }
        return r;
    }

    /** Lines as BufferedReader and Jackson count them: a line break is \n, \r or \r\n. */
    private static int lineCount(String input) {
        int lines = 1;
        for (int i = 0; i < input.length(); i++) {
            char c = input.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 == input.length() || input.charAt(i + 1) != '\n'))) {
                lines++;
            }
        }
        return lines;
    }

    private static String shorten(String input) {
        return input.length() <= 400 ? input : input.substring(0, 400) + "... (" + input.length() + " chars)";
    }

    @Provide
    Arbitrary<InputAdapter> adapters() {
        return Arbitraries.of(InputFormat.values()).map(InputAdapters::forFormat);
    }

    @Provide
    Arbitrary<String> arbitraryText() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(300),
                Arbitraries.strings()
                        .withChars("{}[]\":,'\\ \n\r\tnulltrue0123456789-+.eE|#=")
                        .ofMaxLength(300),
                garbageLines().map(lines -> String.join("\n", lines)));
    }

    @Provide
    Arbitrary<String> mutatedCsv() {
        return mutated("indicators.csv");
    }

    @Provide
    Arbitrary<String> mutatedJsonLines() {
        return mutated("events.jsonl");
    }

    @Provide
    Arbitrary<String> mutatedMisp() {
        return mutated("misp-event.json");
    }

    @Provide
    Arbitrary<String> mutatedStix() {
        return Arbitraries.oneOf(
                mutated("stix-bundle.json"),
                mutated("stix-bundle-truncated.json"),
                mutatedPatterns("stix-bundle.json"));
    }

    private static final Pattern PATTERN_MEMBER = Pattern.compile("\"pattern\": \"((?:[^\"\\\\]|\\\\.)*)\"");

    /**
     * The bundle with one indicator's pattern mutated — the parts of a bundle a mutation of the whole
     * text rarely reaches: nesting, operators, qualifiers, quotes and escapes inside the pattern.
     */
    private static Arbitrary<String> mutatedPatterns(String sample) {
        String text = sample(sample);
        List<int[]> patterns = new ArrayList<>();
        Matcher m = PATTERN_MEMBER.matcher(text);
        while (m.find()) {
            patterns.add(new int[] {m.start(1), m.end(1)});
        }
        Arbitrary<String> fragment = Arbitraries.oneOf(
                Arbitraries.of(
                        "(",
                        ")",
                        "[",
                        "]",
                        "'",
                        "\\\\'",
                        "\\\\\\\\",
                        "\\\"",
                        " OR ",
                        " AND ",
                        " FOLLOWEDBY ",
                        " WITHIN 5 SECONDS",
                        " REPEATS 2 TIMES",
                        " = ",
                        " != ",
                        " MATCHES ",
                        " IN ",
                        " NOT ",
                        " EXISTS ",
                        "ipv4-addr:value",
                        "file:hashes.'SHA-256'",
                        "file:hashes.",
                        ":",
                        "t'2024-01-01T00:00:00Z'",
                        "h'ff'",
                        "b'AA=='",
                        "42",
                        "true",
                        "\\\\u0000",
                        "é"),
                Arbitraries.strings()
                        .withCharRange(' ', '~')
                        .excludeChars('"', '\\')
                        .ofMaxLength(8));
        Arbitrary<Integer> at = Arbitraries.integers().between(0, 1_000_000);
        Arbitrary<Mutation> insert = Combinators.combine(at, fragment).as((i, f) -> t -> {
            int from = pos(t, i);
            return t.substring(0, from) + f + t.substring(from);
        });
        Arbitrary<Mutation> delete = Combinators.combine(
                        at, Arbitraries.integers().between(1, 20))
                .as((i, n) -> t -> {
                    int from = pos(t, i);
                    return t.substring(0, from) + t.substring(Math.min(t.length(), from + n));
                });
        Arbitrary<Mutation> nest = Combinators.combine(
                        Arbitraries.of("(", "[", "(["), Arbitraries.integers().between(1, 20_000))
                .as((open, n) -> t -> open.repeat(n) + t + (open.equals("(") ? ")".repeat(n) : ""));
        Arbitrary<List<Mutation>> mutations =
                Arbitraries.oneOf(insert, delete, nest).list().ofMinSize(1).ofMaxSize(4);
        return Combinators.combine(Arbitraries.integers().between(0, patterns.size() - 1), mutations)
                .as((which, ms) -> {
                    int[] span = patterns.get(which);
                    String pattern = text.substring(span[0], span[1]);
                    for (Mutation mutation : ms) {
                        pattern = mutation.apply(pattern);
                    }
                    return text.substring(0, span[0]) + pattern + text.substring(span[1]);
                });
    }

    private static Arbitrary<String> mutated(String sample) {
        String text = sample(sample);
        return mutation().list().ofMinSize(1).ofMaxSize(6).map(ms -> {
            String out = text;
            for (Mutation m : ms) {
                out = m.apply(out);
            }
            return out;
        });
    }

    /** A change to a text; positions are taken modulo its length, so any mutation applies to any text. */
    @FunctionalInterface
    interface Mutation {
        String apply(String text);
    }

    private static Arbitrary<Mutation> mutation() {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, 1_000_000);
        Arbitrary<Integer> length = Arbitraries.integers().between(1, 200);
        Arbitrary<String> fragment = Arbitraries.oneOf(
                Arbitraries.of(
                        "\"",
                        "\\",
                        "'",
                        ",",
                        ":",
                        "{",
                        "}",
                        "[",
                        "]",
                        "(",
                        ")",
                        "|",
                        "\n",
                        "\r",
                        "\r\n",
                        "\t",
                        "null",
                        "true",
                        "false",
                        "-1",
                        "1e400",
                        "99999999999999999999999",
                        "NaN",
                        "\uFEFF",
                        "\u0000",
                        "\"value\"",
                        "\"type\"",
                        "\"pattern\"",
                        "\"objects\"",
                        "\"Attribute\"",
                        "\"Event\"",
                        "\"confidence\"",
                        "\"timestamp\"",
                        "\"to_ids\"",
                        "\"deleted\"",
                        "\"indicator\"",
                        " OR ",
                        " AND ",
                        "[ipv4-addr:value = '1.2.3.4']",
                        "'",
                        "=",
                        "ip-dst|port",
                        "domain|ip",
                        "|",
                        "+999999999-12-31",
                        "2024-02-30T25:61:00Z",
                        "amber+strict",
                        "tlp:red",
                        "é",
                        "中",
                        "\uD83D\uDE00"),
                Arbitraries.strings().all().ofMaxLength(12));
        Arbitrary<Mutation> delete = Combinators.combine(at, length).as((i, n) -> t -> {
            int from = pos(t, i);
            return t.substring(0, from) + t.substring(Math.min(t.length(), from + n));
        });
        Arbitrary<Mutation> insert = Combinators.combine(at, fragment).as((i, f) -> t -> {
            int from = pos(t, i);
            return t.substring(0, from) + f + t.substring(from);
        });
        Arbitrary<Mutation> replace = Combinators.combine(at, fragment).as((i, f) -> t -> {
            if (t.isEmpty()) {
                return f;
            }
            int from = i % t.length();
            return t.substring(0, from) + f + t.substring(from + 1);
        });
        Arbitrary<Mutation> duplicate = Combinators.combine(at, length).as((i, n) -> t -> {
            int from = pos(t, i);
            int to = Math.min(t.length(), from + n);
            return t.substring(0, to) + t.substring(from, to) + t.substring(to);
        });
        Arbitrary<Mutation> truncate = at.map(i -> t -> t.substring(0, pos(t, i)));
        Arbitrary<Mutation> swapLines = Combinators.combine(at, at).as((i, j) -> t -> {
            List<String> lines = new ArrayList<>(List.of(t.split("\n", -1)));
            java.util.Collections.swap(lines, i % lines.size(), j % lines.size());
            return String.join("\n", lines);
        });
        Arbitrary<Mutation> deepNesting = Combinators.combine(
                        at,
                        Arbitraries.of("(", "[", "{", "[{", "(["),
                        Arbitraries.integers().between(100, 30_000))
                .as((i, open, n) -> t -> {
                    int from = pos(t, i);
                    return t.substring(0, from) + open.repeat(n) + t.substring(from);
                });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, delete),
                net.jqwik.api.Tuple.of(4, insert),
                net.jqwik.api.Tuple.of(4, replace),
                net.jqwik.api.Tuple.of(1, duplicate),
                net.jqwik.api.Tuple.of(1, truncate),
                net.jqwik.api.Tuple.of(1, swapLines),
                net.jqwik.api.Tuple.of(1, deepNesting));
    }

    private static int pos(String text, int i) {
        return text.isEmpty() ? 0 : i % (text.length() + 1);
    }

    private static String sample(String name) {
        try (InputStream in = AdapterProperties.class.getResourceAsStream("/samples/" + name)) {
            return new String(in.readAllBytes(), UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
