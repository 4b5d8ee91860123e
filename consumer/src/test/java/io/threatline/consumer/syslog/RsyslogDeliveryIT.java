package io.threatline.consumer.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.jcustenborder.cef.CEFParser;
import com.github.jcustenborder.cef.CEFParserFactory;
import com.github.jcustenborder.cef.Message;
import io.threatline.consumer.delivery.DeliveryBatch;
import io.threatline.consumer.delivery.DeliveryException;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers through {@link SyslogSink} to a real rsyslogd ({@link Rsyslog}) and reads back what
 * rsyslog wrote: the exact CEF and LEEF lines, as rsyslog parsed them out of RFC 5424 and octet
 * counting, including values with {@code |}, {@code =}, {@code \} and newlines; and that a restart
 * of rsyslog loses nothing. Without rsyslogd the test is reported skipped; with
 * {@code THREATLINE_REQUIRE_RSYSLOG=1} (set by .ci/run) it fails instead.
 */
class RsyslogDeliveryIT {

    private static final Logger LOGGER = LoggerFactory.getLogger(RsyslogDeliveryIT.class);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String HOSTNAME = "hub-1.threatline.test";
    private static final String HEADER = "<13>1 2026-11-29T10:15:30.789Z " + HOSTNAME + " threatline - indicator - ";
    private static final String FIELDS = HOSTNAME + "|threatline|-|indicator|2026-11-29T10:15:30.789Z|";
    private static final CEFParser CEF_PARSER = CEFParserFactory.create();

    private static Path rsyslogd;
    private Rsyslog rsyslog;

    @BeforeAll
    static void requireRsyslogd() {
        Optional<Path> found = Rsyslog.find();
        String why = found.isPresent() ? null : "rsyslogd is not installed (neither /usr/sbin/rsyslogd nor on PATH)";
        if (why != null && "1".equals(System.getenv("THREATLINE_REQUIRE_RSYSLOG"))) {
            throw new AssertionError("rsyslogd is required here (THREATLINE_REQUIRE_RSYSLOG=1) but " + why);
        }
        Assumptions.assumeTrue(why == null, () -> "Skipped: " + why + " (install Debian's rsyslog; .ci/run does)");
        rsyslogd = found.get();
    }

    @BeforeEach
    void startRsyslog(TestInfo test) throws Exception {
        Path dir = Path.of(
                        "target",
                        "rsyslog-it",
                        test.getTestMethod().orElseThrow().getName() + "-" + System.nanoTime())
                .toAbsolutePath();
        rsyslog = Rsyslog.start(rsyslogd, dir);
    }

    @AfterEach
    void stopRsyslog() throws Exception {
        if (rsyslog != null) {
            rsyslog.stop();
        }
    }

    @Test
    void shouldWriteTheExactCefLinesIncludingSpecialCharacters() throws Exception {
        // Given indicators whose values hold |, =, \ and newlines, and non-ASCII text
        List<PartnerIndicator> indicators = List.of(
                Samples.builder(IndicatorType.URL, LifecycleAction.NEW, "http://bad.example/a|b?c=d\\e\nf")
                        .build(),
                Samples.builder(IndicatorType.DOMAIN, LifecycleAction.UPDATE, "größe.example")
                        .setTags(List.of("pipe|tag", "eq=tag", "back\\slash", "new\nline"))
                        .build(),
                Samples.indicator(IndicatorType.SHA256, LifecycleAction.REVOKE));

        // When they are delivered in CEF
        try (SyslogSink sink = sink("cef")) {
            sink.deliver(Deliveries.batch(indicators));
        }

        // Then rsyslog wrote exactly these messages, and parsed each MSG as exactly the CEF line
        CefFormatter cef = new CefFormatter();
        List<String> cefLines = indicators.stream().map(cef::format).toList();
        assertThat(Rsyslog.awaitLines(rsyslog.rawLog(), 3, WAIT))
                .containsExactlyElementsOf(
                        cefLines.stream().map(l -> HEADER + l).toList());
        List<String> fields = Rsyslog.awaitLines(rsyslog.fieldsLog(), 3, WAIT);
        assertThat(fields)
                .containsExactlyElementsOf(
                        cefLines.stream().map(l -> FIELDS + l).toList());
        // and the independent CEF parser reads the original values back from what rsyslog wrote
        Message first = CEF_PARSER.parse(fields.get(0).substring(FIELDS.length()));
        assertThat(first.extensions().get("request")).isEqualTo("http://bad.example/a|b?c=d\\e\nf");
        Message second = CEF_PARSER.parse(fields.get(1).substring(FIELDS.length()));
        assertThat(second.extensions().get("dhost")).isEqualTo("größe.example");
        assertThat(second.extensions().get("cs5")).isEqualTo("pipe|tag,eq=tag,back\\slash,new\nline");
        Message third = CEF_PARSER.parse(fields.get(2).substring(FIELDS.length()));
        assertThat(third.deviceEventClassId()).isEqualTo("indicator-revoke");
        assertThat(third.severity()).isEqualTo("0");
    }

    @Test
    void shouldWriteTheExactLeefLinesIncludingSpecialCharacters() throws Exception {
        // Given indicators whose values hold LEEF's delimiter ^, |, =, \ and newlines
        List<PartnerIndicator> indicators = List.of(
                Samples.builder(IndicatorType.URL, LifecycleAction.NEW, "http://bad.example/a|b?c=d^e\\f\ng")
                        .build(),
                Samples.builder(IndicatorType.EMAIL, LifecycleAction.EXPIRE, "x=y@bad.example")
                        .setCampaigns(List.of("op^caret", "op\\back"))
                        .build());

        // When they are delivered in LEEF
        try (SyslogSink sink = sink("leef")) {
            sink.deliver(Deliveries.batch(indicators));
        }

        // Then rsyslog wrote exactly these messages with the LEEF lines as MSG
        LeefFormatter leef = new LeefFormatter();
        List<String> leefLines = indicators.stream().map(leef::format).toList();
        assertThat(Rsyslog.awaitLines(rsyslog.rawLog(), 2, WAIT))
                .containsExactlyElementsOf(
                        leefLines.stream().map(l -> HEADER + l).toList());
        List<String> fields = Rsyslog.awaitLines(rsyslog.fieldsLog(), 2, WAIT);
        assertThat(fields)
                .containsExactlyElementsOf(
                        leefLines.stream().map(l -> FIELDS + l).toList());
        // and the values read back
        LeefReader.Event first = LeefReader.parse(fields.get(0).substring(FIELDS.length()));
        // (as LeefFormatter documents: the delimiter ^ as %5E, | as %7C, a line break as a space, nothing else changed)
        assertThat(first.attributes().get("url")).isEqualTo("http://bad.example/a%7Cb?c=d%5Ee\\f g");
        LeefReader.Event second = LeefReader.parse(fields.get(1).substring(FIELDS.length()));
        assertThat(second.attributes().get("srcEmail")).isEqualTo("x=y@bad.example");
        assertThat(second.attributes().get("campaigns")).isEqualTo("op%5Ecaret,op\\back");
    }

    @Test
    void shouldLoseNothingWhenRsyslogRestarts() throws Exception {
        try (SyslogSink sink = sink("cef")) {
            // Given a first batch rsyslog received and wrote
            DeliveryBatch first = numbered(0, 5);
            sink.deliver(first);
            Rsyslog.awaitLines(rsyslog.rawLog(), 5, WAIT);

            // When rsyslog is stopped, the next batch fails transiently instead of being confirmed
            rsyslog.stop();
            DeliveryBatch second = numbered(5, 5);
            DeliveryException e = catchThrowableOfType(DeliveryException.class, () -> sink.deliver(second));
            assertThat(e).isNotNull();
            assertThat(e.kind()).isEqualTo(DeliveryException.Kind.TRANSIENT);

            // and when rsyslog is back on the same port, the retried batch and a third one are delivered
            rsyslog.start();
            sink.deliver(second);
            DeliveryBatch third = numbered(10, 5);
            sink.deliver(third);

            // Then every record of the three batches is in rsyslog's file exactly once, in order
            List<String> expected = new ArrayList<>();
            CefFormatter cef = new CefFormatter();
            for (DeliveryBatch b : List.of(first, second, third)) {
                b.records().forEach(r -> expected.add(HEADER + cef.format(r.indicator())));
            }
            assertThat(Rsyslog.awaitLines(rsyslog.rawLog(), 15, WAIT)).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void shouldDeliverTwentyThousandCefRecordsAndLogTheRate() throws Exception {
        // Given 20,000 indicators in batches of 500
        int total = 20_000;
        int batchSize = 500;
        List<DeliveryBatch> batches = new ArrayList<>();
        for (int k = 0; k < total; k += batchSize) {
            batches.add(numbered(k, batchSize));
        }

        // When they are delivered
        long start = System.nanoTime();
        try (SyslogSink sink = sink("cef")) {
            for (DeliveryBatch b : batches) {
                sink.deliver(b);
            }
            long sent = System.nanoTime();
            List<String> lines = Rsyslog.awaitLines(rsyslog.rawLog(), total, WAIT);
            long written = System.nanoTime();

            // Then rsyslog wrote every one of them, in order (the rate is logged, not asserted)
            assertThat(lines).hasSize(total);
            assertThat(lines.get(0)).contains("flexString1=host-0.bad.example ");
            assertThat(lines.get(total - 1)).contains("flexString1=host-" + (total - 1) + ".bad.example ");
            LOGGER.info(
                    "Syslog CEF throughput: {} records in batches of {}: deliver() returned after {} ms ({} records/s);"
                            + " rsyslog had written all after {} ms ({} records/s end to end)",
                    total,
                    batchSize,
                    (sent - start) / 1_000_000,
                    rate(total, sent - start),
                    (written - start) / 1_000_000,
                    rate(total, written - start));
        }
    }

    private SyslogSink sink(String format) {
        return (SyslogSink) new SyslogSinkFactory()
                .create(Deliveries.settings(Map.of(
                        "host",
                        "127.0.0.1",
                        "port",
                        Integer.toString(rsyslog.port()),
                        "format",
                        format,
                        "hostname",
                        HOSTNAME)));
    }

    /** A batch of {@code n} domain indicators numbered from {@code from}. */
    private static DeliveryBatch numbered(int from, int n) {
        List<PartnerIndicator> indicators = new ArrayList<>(n);
        for (int k = from; k < from + n; k++) {
            indicators.add(Samples.builder(IndicatorType.DOMAIN, LifecycleAction.NEW, "host-" + k + ".bad.example")
                    .build());
        }
        return Deliveries.batch(indicators);
    }

    private static long rate(int records, long nanos) {
        return Math.round(records / (nanos / 1e9));
    }
}
