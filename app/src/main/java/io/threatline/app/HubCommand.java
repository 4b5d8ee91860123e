package io.threatline.app;

import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.streams.HubApp;
import io.threatline.streams.HubConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the hub: the Kafka Streams application that validates, dedupes, enriches and applies agreements. */
@Command(
        name = "hub",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the hub: validation, dedup, enrichment and partner agreements (Kafka Streams, exactly-once). It validates sensor events (invalid ones to the dead-letter topic), dedupes them into indicators (NEW, UPDATE, EXPIRE, REVOKE) and applies each partner's agreement to fill ti.partner.<partner>.indicators.v1. Runs until Ctrl-C; a restart resumes where it stopped.",
            "",
            "Exit codes: 1 the hub failed; 2 usage error. Ctrl-C or SIGTERM stops it cleanly (the transaction in flight committed or aborted, the consumer group left); the exit code is then the signal's, 130 or 143, as for any JVM."
        })
public final class HubCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ConnectionOptions connection;

    @Option(
            names = "--state-dir",
            defaultValue = ".threatline/hub-state",
            description = "Directory of the hub's local state (RocksDB); kept across runs (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(
            names = "--application-id",
            defaultValue = HubApp.DEFAULT_APPLICATION_ID,
            description =
                    "Kafka Streams application id; instances with the same id share the work (default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--threads", defaultValue = "1", description = "Stream threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--topic-prefix",
            defaultValue = "ti.",
            description = "Prefix of Threatline's topic names (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "Any further hub (threatline.hub.*, e.g. threatline.hub.lifetime.ip=P14D) or Kafka Streams setting;"
                            + " threatline.indicator-key.file=FILE gives the deployment's indicator key"
                            + " (docs/data-protection.md).")
    Map<String, String> extra = Map.of();

    @Option(
            names = "--ops-port",
            defaultValue = "9401",
            description =
                    "Port of the operations endpoint: /metrics (Prometheus), /health/live, /health/ready and the operator console at / (default: ${DEFAULT-VALUE}; 0 picks a free one; -1 turns it off).")
    int opsPort;

    @CommandLine.Mixin
    OpsAccess opsAccess;

    /** Released to stop the hub; Ctrl-C does the same. */
    final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        Map<String, Object> settings = connection.clientProperties();
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        settings.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        settings.put(HubConfig.TOPIC_PREFIX, topicPrefix);
        int port = Ops.resolvePort(opsPort);
        if (port > 0) {
            // Each instance answers for the part of the state it holds, on its operations endpoint.
            settings.putIfAbsent(StreamsConfig.APPLICATION_SERVER_CONFIG, opsAccess.advertised(port));
        }
        settings.putAll(extra);
        PrintWriter out = spec.commandLine().getOut();
        StopSignal signal = new StopSignal("hub", stop);
        boolean failed;
        try (Parts parts = new Parts()) {
            HubApp hub = parts.startHub(settings, stateDir, java.time.Clock.systemUTC(), (now, before) -> {
                if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.PENDING_ERROR) {
                    stop.countDown();
                }
            });
            out.println("Hub running (application id " + applicationId + ", state in " + stateDir.toAbsolutePath()
                    + "). Ctrl-C stops it.");
            var c = hub.counters();
            parts.startOps(
                    opsAccess,
                    port,
                    connection.clientProperties(),
                    new ThreatlineTopics(topicPrefix, 1, (short) 1),
                    out);
            try (Progress progress = new Progress(
                    spec.commandLine().getErr(),
                    -1,
                    c.eventsIn::sum,
                    () -> String.format(
                            "rejected %,d  duplicates %,d  suppressed %,d  changes %,d  delivered %s",
                            c.rejectedCount(),
                            c.duplicates.sum(),
                            c.suppressed.sum(),
                            c.indicatorChanges.sum(),
                            c.deliveredByPartner()))) {
                signal.await();
            }
            failed = hub.state() == KafkaStreams.State.ERROR || hub.state() == KafkaStreams.State.PENDING_ERROR;
            out.printf(
                    "Hub stopping: %,d events in, %,d rejected %s, %,d duplicates, %,d indicator changes, delivered %s%n",
                    c.eventsIn.sum(),
                    c.rejectedCount(),
                    c.rejectedByReason(),
                    c.duplicates.sum(),
                    c.indicatorChanges.sum(),
                    c.deliveredByPartner());
            out.flush();
        } finally {
            signal.close();
        }
        return failed ? 1 : 0;
    }
}
