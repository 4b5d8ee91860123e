package io.threatline.app;

import io.threatline.producer.publish.PublisherConfig;
import io.threatline.producer.publish.ThreatPublisher;
import io.threatline.producer.simulator.EventPacer;
import io.threatline.producer.simulator.SensorSimulator;
import io.threatline.producer.simulator.SimulatorSettings;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs a simulated fleet of vendor sensors that publishes threat events at a target rate. */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a simulated fleet of vendor sensors publishing threat events.",
            "A few indicators are seen very often",
            "(Zipf), a share of duplicates, defanged values, several malware families including Shylock (alias",
            "Caphaw), a TLP mix and optionally malformed events. The same --seed gives the same events.",
            "Runs until --count events, --duration, or Ctrl-C.",
            "",
            "Exit codes: 0 done; 1 publishing failed (Kafka or schema registry); 2 usage error."
        })
public final class SimulateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ConnectionOptions connection;

    @Option(
            names = "--rate",
            defaultValue = "1000",
            description = "Target events per second; 0 for as fast as possible (default: ${DEFAULT-VALUE}).")
    long rate;

    @Option(names = "--count", description = "Stop after this many events.")
    Long count;

    @Option(
            names = "--duration",
            description = "Stop after this long, e.g. PT30S or 30s (default: until Ctrl-C).",
            converter = DurationConverter.class)
    Duration duration;

    @Option(names = "--vendors", defaultValue = "3", description = "Vendors in the fleet (default: ${DEFAULT-VALUE}).")
    int vendors;

    @Option(names = "--sensors", defaultValue = "8", description = "Sensors per vendor (default: ${DEFAULT-VALUE}).")
    int sensorsPerVendor;

    @Option(
            names = "--indicators",
            defaultValue = "50000",
            description = "Distinct indicators the fleet can see (default: ${DEFAULT-VALUE}).")
    int indicators;

    @Option(
            names = "--duplicate-share",
            defaultValue = "0.6",
            description = "Share of events repeating an indicator already seen, 0-1 (default: ${DEFAULT-VALUE}).")
    double duplicateShare;

    @Option(
            names = "--defang-share",
            defaultValue = "0.2",
            description = "Share of values sent defanged, 0-1 (default: ${DEFAULT-VALUE}).")
    double defangShare;

    @Option(
            names = "--malformed-share",
            defaultValue = "0.0",
            description = "Share of deliberately invalid events, 0-1 (default: ${DEFAULT-VALUE}).")
    double malformedShare;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the simulation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--start-time", description = "observedAt of the first event, ISO-8601 (default: now).")
    Instant startTime;

    @Option(
            names = "--validate",
            description =
                    "Validate in the publisher and drop invalid events, as a sensor using Threatline's "
                            + "publishing library would. By default the simulated fleet sends them, so the hub's dead letter sees them.")
    boolean validate;

    @Option(names = "--topic", description = "Topic to publish to (default: ti.sensor-events.v1).")
    String topic;

    @Override
    public Integer call() {
        SimulatorSettings settings = settings();
        long limit = count == null ? Long.MAX_VALUE : count;
        long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        Map<String, Object> config = connection.clientProperties();
        config.put(PublisherConfig.INVALID_EVENT_POLICY, validate ? "REJECT" : "SEND_AS_IS");
        if (topic != null) {
            config.put(PublisherConfig.TOPIC, topic);
        }
        SensorSimulator simulator = new SensorSimulator(settings);
        EventPacer pacer = rate == 0 ? EventPacer.unlimited() : new EventPacer(rate);
        PrintWriter err = spec.commandLine().getErr();
        Thread main = Thread.currentThread();
        Thread interrupter = new Thread(main::interrupt, "simulate-stop");
        Runtime.getRuntime().addShutdownHook(interrupter);
        double seconds;
        try (ThreatPublisher publisher = new ThreatPublisher(config, null);
                Progress progress = new Progress(
                        err,
                        count == null ? -1 : count,
                        simulator::emitted,
                        () -> String.format(
                                "acked %,d  failed %,d",
                                publisher.metrics().sentCount(),
                                publisher.metrics().failedCount()))) {
            while (simulator.emitted() < limit
                    && System.nanoTime() < deadline
                    && !Thread.currentThread().isInterrupted()) {
                pacer.awaitNext();
                publisher.publish(simulator.next());
            }
            Thread.interrupted();
            publisher.flush();
            seconds = progress.elapsedSeconds();
            printSummary(simulator, publisher, seconds);
            return publisher.metrics().failedCount() > 0 ? 1 : 0;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(interrupter);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook interrupted the loop and the summary has been printed.
            }
        }
    }

    private SimulatorSettings settings() {
        try {
            return SimulatorSettings.defaults()
                    .withSeed(seed)
                    .withVendors(vendors)
                    .withSensorsPerVendor(sensorsPerVendor)
                    .withDistinctIndicators(indicators)
                    .withDuplicateShare(duplicateShare)
                    .withDefangShare(defangShare)
                    .withMalformedShare(malformedShare)
                    .withStartTime(startTime != null ? startTime : Instant.now())
                    .withEventSpacing(rate > 0 ? Duration.ofNanos(1_000_000_000L / rate) : Duration.ofNanos(10_000));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "Invalid simulation setting: " + e.getMessage());
        }
    }

    private void printSummary(SensorSimulator simulator, ThreatPublisher publisher, double seconds) {
        PrintWriter out = spec.commandLine().getOut();
        var m = publisher.metrics();
        out.printf(
                "Simulated %,d events in %.1f s (%,.0f events/s)%n",
                simulator.emitted(), seconds, simulator.emitted() / Math.max(seconds, 0.001));
        out.printf("  acknowledged by Kafka %,10d%n", m.sentCount());
        out.printf("  rejected              %,10d  %s%n", m.rejectedCount(), m.rejectedByReason());
        out.printf("  failed                %,10d%n", m.failedCount());
        out.printf(
                "  duplicates            %,10d   distinct indicators %,d%n",
                simulator.duplicates(), simulator.distinctIndicatorsEmitted());
        out.printf("  defanged              %,10d   retractions %,d%n", simulator.defanged(), simulator.retractions());
        out.printf("  malformed             %,10d  %s%n", simulator.malformed(), simulator.malformedByKind());
        out.flush();
    }

    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim();
            try {
                if (v.matches("\\d+(ms|s|m|h)")) {
                    long n = Long.parseLong(v.replaceAll("\\D", ""));
                    return v.endsWith("ms")
                            ? Duration.ofMillis(n)
                            : v.endsWith("s")
                                    ? Duration.ofSeconds(n)
                                    : v.endsWith("m") ? Duration.ofMinutes(n) : Duration.ofHours(n);
                }
                return Duration.parse(v);
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration; use e.g. 30s, 5m, 1h or PT30S");
            }
        }
    }
}
