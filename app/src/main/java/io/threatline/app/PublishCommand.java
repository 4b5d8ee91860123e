package io.threatline.app;

import io.threatline.contract.Tlp;
import io.threatline.producer.adapters.AdapterDefaults;
import io.threatline.producer.adapters.InputAdapters;
import io.threatline.producer.adapters.InputFormat;
import io.threatline.producer.adapters.ParsedRecord;
import io.threatline.producer.publish.PublishResult;
import io.threatline.producer.publish.PublisherConfig;
import io.threatline.producer.publish.ThreatPublisher;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Publishes indicators from files or standard input: STIX 2.1 bundles, MISP events, CSV or JSON Lines. */
@Command(
        name = "publish",
        mixinStandardHelpOptions = true,
        description = {
            "Publishes indicators from files or standard input (STIX 2.1, MISP, CSV, JSON Lines).",
            "Each record becomes a sensor event. Every record is validated first; a bad record is reported with its file and",
            "line (or object id) and never stops the rest.",
            "",
            "Exit codes: 0 every record published; 3 some records rejected or unreadable, the rest published;",
            "1 publishing failed (Kafka or schema registry); 2 usage error."
        },
        exitCodeListHeading = "%n")
public final class PublishCommand implements Callable<Integer> {

    static final int SOME_REJECTED = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ConnectionOptions connection;

    @Parameters(
            arity = "0..*",
            paramLabel = "FILE",
            description = "Files to publish; none or '-' reads standard input.")
    List<String> files = new ArrayList<>();

    @Option(
            names = "--format",
            description = "Input format: stix, misp, csv or jsonl (default: detected from the name and content).",
            converter = FormatConverter.class)
    InputFormat format;

    @Option(
            names = "--vendor",
            defaultValue = "${env:USER:-unknown}-cli",
            description = "Vendor to attribute records to when the input does not say (default: ${DEFAULT-VALUE}).")
    String vendor;

    @Option(
            names = "--sensor-id",
            defaultValue = "threatline-publish",
            description = "Sensor id for records that do not name one (default: ${DEFAULT-VALUE}).")
    String sensorId;

    @Option(
            names = "--tlp",
            defaultValue = "AMBER",
            converter = TlpConverter.class,
            description =
                    "TLP for records without a marking: CLEAR, GREEN, AMBER, AMBER_STRICT, RED (default: ${DEFAULT-VALUE}).")
    Tlp tlp;

    @Option(
            names = "--confidence",
            defaultValue = "50",
            description = "Confidence 0-100 for records that do not state one (default: ${DEFAULT-VALUE}).")
    int confidence;

    @Option(names = "--topic", description = "Topic to publish to (default: ti.sensor-events.v1).")
    String topic;

    @Option(names = "--quiet", description = "Do not list each rejected or unreadable record.")
    boolean quiet;

    private final AtomicLong read = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();
    private final Map<String, AtomicLong> unreadableByCode = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public Integer call() throws Exception {
        if (confidence < 0 || confidence > 100) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "Invalid value for option '--confidence': " + confidence + " is not in 0-100");
        }
        AdapterDefaults defaults = new AdapterDefaults(vendor, sensorId, tlp, confidence, Instant.now());
        Map<String, Object> config = connection.clientProperties();
        if (topic != null) {
            config.put(PublisherConfig.TOPIC, topic);
        }
        PrintWriter err = spec.commandLine().getErr();
        List<String> inputs = files.isEmpty() ? List.of("-") : files;
        boolean inputFailed = false;
        try (ThreatPublisher publisher = new ThreatPublisher(config, null);
                Progress progress = new Progress(err, -1, read::get, () -> summaryLine(publisher))) {
            for (String input : inputs) {
                inputFailed |= !publishOne(input, defaults, publisher, err);
            }
            publisher.flush();
            printSummary(publisher, progress.elapsedSeconds());
            if (publisher.metrics().failedCount() > 0) {
                return 1;
            }
            boolean someBad = inputFailed || publisher.metrics().rejectedCount() > 0 || unreadable.get() > 0;
            return someBad ? SOME_REJECTED : 0;
        }
    }

    private boolean publishOne(String input, AdapterDefaults defaults, ThreatPublisher publisher, PrintWriter err) {
        String name = "-".equals(input) ? "stdin" : input;
        try (BufferedReader reader = open(input)) {
            reader.mark(8192);
            char[] head = new char[8192];
            int n = reader.read(head);
            reader.reset();
            String start = n <= 0 ? "" : new String(head, 0, n);
            Optional<InputFormat> chosen = format != null ? Optional.of(format) : InputAdapters.detect(name, start);
            if (chosen.isEmpty()) {
                err.println(name + ": cannot tell the format; give --format stix|misp|csv|jsonl");
                return false;
            }
            InputAdapters.forFormat(chosen.get())
                    .read(reader, name, defaults, record -> handle(record, publisher, err));
            return true;
        } catch (NoSuchFileException e) {
            err.println(name + ": no such file");
            return false;
        } catch (IOException e) {
            err.println(name + ": cannot read: " + e.getMessage());
            return false;
        }
    }

    private void handle(ParsedRecord record, ThreatPublisher publisher, PrintWriter err) {
        read.incrementAndGet();
        if (record instanceof ParsedRecord.Problem problem) {
            unreadable.incrementAndGet();
            unreadableByCode
                    .computeIfAbsent(problem.code(), c -> new AtomicLong())
                    .incrementAndGet();
            report(err, problem.location() + ": " + problem.code() + ": " + problem.message());
            return;
        }
        ParsedRecord.Event event = (ParsedRecord.Event) record;
        publisher.publish(event.event()).thenAccept(result -> {
            if (result instanceof PublishResult.Rejected rejected) {
                report(
                        err,
                        event.location() + ": REJECTED " + rejected.reason().code() + ": "
                                + rejected.reason().message());
            } else if (result instanceof PublishResult.Failed failed) {
                report(err, event.location() + ": FAILED " + failed.error());
            }
        });
    }

    private synchronized void report(PrintWriter err, String line) {
        if (!quiet) {
            err.println(line);
        }
    }

    private String summaryLine(ThreatPublisher publisher) {
        return String.format(
                "accepted %,d  rejected %,d  unreadable %,d  failed %,d",
                publisher.metrics().sentCount(),
                publisher.metrics().rejectedCount(),
                unreadable.get(),
                publisher.metrics().failedCount());
    }

    private void printSummary(ThreatPublisher publisher, double seconds) {
        PrintWriter out = spec.commandLine().getOut();
        var m = publisher.metrics();
        out.printf(
                "Read %,d records in %.1f s (%,.0f records/s)%n",
                read.get(), seconds, read.get() / Math.max(seconds, 0.001));
        out.printf("  accepted   %,10d%n", m.sentCount());
        out.printf("  rejected   %,10d  %s%n", m.rejectedCount(), m.rejectedByReason());
        out.printf("  unreadable %,10d  %s%n", unreadable.get(), new java.util.TreeMap<>(unreadableByCode));
        out.printf("  failed     %,10d%n", m.failedCount());
        out.flush();
    }

    private static BufferedReader open(String input) throws IOException {
        Reader reader = "-".equals(input)
                ? new InputStreamReader(System.in, StandardCharsets.UTF_8)
                : Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8);
        return new BufferedReader(reader, 65536);
    }

    static final class FormatConverter implements CommandLine.ITypeConverter<InputFormat> {
        @Override
        public InputFormat convert(String value) {
            try {
                return InputFormat.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class TlpConverter implements CommandLine.ITypeConverter<Tlp> {
        @Override
        public Tlp convert(String value) {
            return io.threatline.schemas.tlp.Tlp2.parseData(value)
                    .orElseThrow(() -> new CommandLine.TypeConversionException(
                            "'" + value + "' is not a TLP; accepted: CLEAR, GREEN, AMBER, AMBER_STRICT, RED"));
        }
    }
}
