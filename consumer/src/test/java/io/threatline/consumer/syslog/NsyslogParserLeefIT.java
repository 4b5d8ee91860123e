package io.threatline.consumer.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The syslog channel's LEEF, sent over a real loopback TCP socket, read by a syslog and LEEF parser
 * the project did not write: the npm package nsyslog-parser (pinned in {@code
 * src/test/node/leef/package.json}, run by {@code parse-frames.js} under Node.js). For values full of
 * the delimiter {@code ^}, {@code =}, {@code |}, backslashes and line breaks — some trying to add a
 * {@code sev} or {@code src} of their own — the parser finds exactly the formatter's attributes,
 * in order, none added, none repeated.
 *
 * <p>nsyslog-parser reads a value only up to its first {@code =} (it splits a pair at every
 * {@code =} and keeps the second piece); QRadar splits at the first {@code =} only. So a value is
 * compared with what the formatter wrote, cut where that parser cuts it; a value without {@code =}
 * must come back whole. (It also ends the attributes at the first {@code |} after the header, which
 * is why the formatter writes a pipe in a value as {@code %7C}: this test found that.)
 *
 * <p>Skipped, with the reason, where {@code node} or the package (installed by {@code npm ci
 * --prefix consumer/src/test/node/leef}) is missing; with {@code THREATLINE_REQUIRE_NODE_LEEF=1}
 * (CI) it fails instead.
 */
class NsyslogParserLeefIT {

    private static final Path HARNESS = Path.of("src", "test", "node", "leef").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final List<String> TOKENS = List.of(
            "a",
            "Z",
            "0",
            " ",
            "^",
            "=",
            "|",
            "\\",
            "\n",
            "\r",
            ",",
            ":",
            "/",
            "?",
            "&",
            "%5E",
            "sev=10",
            "src=198.51.100.1",
            "é",
            "中",
            "😀");

    /** Why the test cannot run here, or null. */
    private static String missing;

    @BeforeAll
    static void requireNodeAndParser() {
        if (!onPath("node")) {
            missing = "node is not on PATH";
        } else if (!Files.isRegularFile(HARNESS.resolve("node_modules/nsyslog-parser/package.json"))) {
            missing = "nsyslog-parser is not installed in " + HARNESS + " (npm ci --prefix " + HARNESS + ")";
        }
        if (missing != null && "1".equals(System.getenv("THREATLINE_REQUIRE_NODE_LEEF"))) {
            throw new AssertionError(
                    "the independent LEEF parser is required here (THREATLINE_REQUIRE_NODE_LEEF=1) but " + missing);
        }
        if (missing != null) {
            System.err.println("NsyslogParserLeefIT skipped: " + missing);
        }
    }

    /** Per test, so that the report counts the test as skipped, with the reason. */
    @BeforeEach
    void skipWithTheReasonWhenTheParserIsMissing() {
        Assumptions.assumeTrue(
                missing == null,
                () -> "Skipped: " + missing + " (install Debian's nodejs and npm, then npm ci; .ci/run does)");
    }

    @Test
    void shouldGiveAnIndependentParserExactlyTheFormattersAttributesWhateverTheValuesHold() throws Exception {
        // Given indicators of every type whose values, tags and campaigns are full of LEEF's special characters
        List<PartnerIndicator> indicators = new ArrayList<>();
        indicators.add(
                Samples.builder(IndicatorType.URL, LifecycleAction.NEW, "http://x.example/?a=1^sev=10^src=198.51.100.1")
                        .setTags(List.of("x^sev=10", "y^src=198.51.100.1"))
                        .build());
        Random random = new Random(20261206L);
        for (int k = 0; k < 200; k++) {
            IndicatorType type = Samples.types().get(k % Samples.types().size());
            LifecycleAction action = Samples.actions().get(k % Samples.actions().size());
            indicators.add(Samples.builder(type, action, "v" + nasty(random))
                    .setTags(List.of(nasty(random), nasty(random)))
                    .setCampaigns(List.of(nasty(random)))
                    .build());
        }

        // When they are delivered in LEEF over a real TCP connection
        List<String> frames;
        try (SyslogPeer peer = SyslogPeer.tcp();
                SyslogSink sink = (SyslogSink) new SyslogSinkFactory()
                        .create(Deliveries.settings(Map.of(
                                "host",
                                "127.0.0.1",
                                "port",
                                Integer.toString(peer.port()),
                                "format",
                                "leef",
                                "hostname",
                                "hub-1.test")))) {
            sink.deliver(Deliveries.batch(indicators));
            frames = peer.next(indicators.size(), WAIT);
        }

        // Then nsyslog-parser reads each frame as LEEF 2.0 with our header and delimiter
        List<JsonNode> parsed = nsyslogParser(frames);
        assertThat(parsed).hasSize(indicators.size());
        LeefFormatter formatter = new LeefFormatter();
        for (int k = 0; k < indicators.size(); k++) {
            PartnerIndicator indicator = indicators.get(k);
            JsonNode p = parsed.get(k);
            assertThat(p.get("type").asText()).as(frames.get(k)).isEqualTo("LEEF");
            assertThat(p.get("host").asText()).isEqualTo("hub-1.test");
            assertThat(p.get("leef").get("vendor").asText()).isEqualTo("Threatline");
            assertThat(p.get("leef").get("product").asText()).isEqualTo("Threatline Hub");
            assertThat(p.get("leef").get("eventID").asText())
                    .isEqualTo("indicator-" + indicator.getAction().name().toLowerCase());
            assertThat(p.get("leef").get("delimiter").asText()).isEqualTo("^");

            // and finds exactly the formatter's attributes, in order: no value added, repeated or ended one
            List<String> keys = new ArrayList<>();
            List<String> values = new ArrayList<>();
            p.get("fields").forEach(pair -> {
                keys.add(pair.get(0).asText());
                values.add(pair.get(1).isNull() ? null : pair.get(1).asText());
            });
            Map<String, String> written = formatter.attributes(indicator);
            assertThat(keys).as(frames.get(k)).containsExactlyElementsOf(written.keySet());
            int i = 0;
            for (Map.Entry<String, String> attribute : written.entrySet()) {
                String asWritten = CefRoundTripProperties.asWritten(attribute.getValue());
                assertThat(asWritten).doesNotContain("^", "|", "\n", "\r");
                String expected = asWritten.contains("=") ? asWritten.substring(0, asWritten.indexOf('=')) : asWritten;
                assertThat(values.get(i++))
                        .as("%s in %s", attribute.getKey(), frames.get(k))
                        .isEqualTo(expected);
            }
        }
        // and the first indicator's attempt stayed inside its values: a URL indicator has no src, and sev is the
        // formatter's
        assertThat(formatter.attributes(indicators.get(0)))
                .doesNotContainKey("src")
                .doesNotContainEntry("sev", "10");
    }

    private static String nasty(Random random) {
        StringBuilder b = new StringBuilder();
        for (int n = random.nextInt(12); n > 0; n--) {
            b.append(TOKENS.get(random.nextInt(TOKENS.size())));
        }
        return b.toString();
    }

    /** Runs parse-frames.js on the frames (one per line; a LEEF frame holds no line break). */
    private static List<JsonNode> nsyslogParser(List<String> frames) throws IOException, InterruptedException {
        for (String frame : frames) {
            assertThat(frame).doesNotContain("\n", "\r");
        }
        Process node = new ProcessBuilder(
                        "node", HARNESS.resolve("parse-frames.js").toString())
                .directory(HARNESS.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (OutputStream in = node.getOutputStream()) {
            in.write((String.join("\n", frames) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).isZero();
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                parsed.add(JSON.readTree(line));
            }
        }
        return parsed;
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
