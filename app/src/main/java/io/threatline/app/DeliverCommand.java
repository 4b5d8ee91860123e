package io.threatline.app;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.threatline.consumer.delivery.DeliveryConfig;
import io.threatline.consumer.delivery.DeliveryService;
import io.threatline.consumer.delivery.StandardChannels;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the delivery service: each partner's feed out through the channels its agreement names. */
@Command(name = "deliver",
    mixinStandardHelpOptions = true,
    description = {
        "Delivers each partner's feed (ti.partner.<partner>.*) through the channels its agreement names:",
        "syslog (CEF/LEEF), webhook, files, a Kafka JSON mirror. One consumer group per partner and channel;",
        "offsets are committed only after the channel confirmed and a hash-chained receipt was written to",
        "ti.delivery-audit.v1. A failing receiver is retried with backoff and holds only its own partner's feed.",
        "Agreements are followed live: an ended agreement stops its delivery. Runs until Ctrl-C.",
        "",
        "Exit codes: 0 stopped cleanly; 1 failure; 2 usage error."})
public final class DeliverCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ConnectionOptions connection;

    @Option(names = "--partner", split = ",", paramLabel = "ID",
        description = "Deliver only these partners (default: every partner with an agreement in force).")
    List<String> partners = List.of();

    @Option(names = "--channel", split = ",", paramLabel = "CHANNEL",
        description = "Run only these channels: kafka, syslog, webhook, files (default: all).")
    List<String> channels = List.of();

    @Option(names = "--secrets-dir", paramLabel = "DIR",
        description = "Directory of the secrets agreements refer to as secret:<name> (file DIR/<name>, mode 600); "
            + "otherwise THREATLINE_SECRET_<NAME> environment variables.")
    Path secretsDir;

    @Option(names = "--topic-prefix", defaultValue = "ti.", description = "Prefix of Threatline's topic names (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
        description = "Any further delivery (threatline.delivery.*, e.g. threatline.delivery.retry.backoff.max=PT5M) or Kafka client setting.")
    Map<String, String> extra = Map.of();

    final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        Map<String, Object> settings = connection.clientProperties();
        settings.put(DeliveryConfig.TOPIC_PREFIX, topicPrefix);
        if (!partners.isEmpty()) {
            settings.put(DeliveryConfig.PARTNERS, String.join(",", partners));
        }
        if (!channels.isEmpty()) {
            settings.put(DeliveryConfig.CHANNELS, String.join(",", channels));
        }
        if (secretsDir != null) {
            settings.put(DeliveryConfig.SECRETS_DIR, secretsDir.toString());
        }
        settings.putAll(extra);
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "deliver-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (DeliveryService service = new DeliveryService(settings, StandardChannels.pushChannels(settings))) {
            service.start();
            out.println("Delivery running: " + (service.runningWorkers().isEmpty() ? "no push channel yet" : String.join(", ", service.runningWorkers()))
                + ". Ctrl-C stops it.");
            service.refusedChannels().forEach((channel, why) -> out.println("Not delivering " + channel + ": " + why));
            out.flush();
            var counters = service.counters();
            try (Progress progress = new Progress(spec.commandLine().getErr(), -1, counters::deliveredTotal, counters::summary)) {
                stop.await();
            }
            out.println("Delivery stopping: " + counters.summary());
            out.flush();
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and has been released.
            }
        }
        return 0;
    }
}
