package io.threatline.app;

import io.threatline.consumer.delivery.DeliveryConfig;
import io.threatline.consumer.delivery.DeliveryService;
import io.threatline.consumer.taxii.DeliveryTaxii;
import io.threatline.consumer.taxii.TaxiiServer;
import io.threatline.contract.DeliveryChannel;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the delivery service: each partner's feed out through the channels its agreement names. */
@Command(
        name = "deliver",
        mixinStandardHelpOptions = true,
        description = {
            "Delivers each partner's feed (ti.partner.<partner>.*) through the channels its agreement names: syslog (CEF/LEEF), webhook, files, a Kafka JSON mirror. One consumer group per partner and channel; offsets are committed only after the channel confirmed and the batch's receipt was handed in; the audit sequencer, which every delivery service runs, chains the receipts into ti.delivery-audit.v1, one hash chain per partner. Several delivery services with the same group prefix share the partners' feeds. A failing receiver is retried with backoff and holds only its own partner's feed. Agreements are followed live: an ended agreement stops its delivery. With --taxii-keystore it also serves a TAXII 2.1 server (one API root per partner with a taxii channel, HTTP Basic with the password its agreement references); every page served is receipted too. Runs until Ctrl-C.",
            "",
            "Exit codes: 1 failure; 2 usage error. Ctrl-C or SIGTERM stops it cleanly (receipts written, offsets committed); the exit code is then the signal's, 130 or 143, as for any JVM."
        })
public final class DeliverCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ConnectionOptions connection;

    @Option(
            names = "--partner",
            split = ",",
            paramLabel = "ID",
            description = "Deliver only these partners (default: every partner with an agreement in force).")
    List<String> partners = List.of();

    @Option(
            names = "--channel",
            split = ",",
            paramLabel = "CHANNEL",
            description = "Run only these channels: kafka, taxii, syslog, webhook, files (default: all).")
    List<String> channels = List.of();

    @Option(
            names = "--secrets-dir",
            paramLabel = "DIR",
            description = "Directory of the secrets agreements refer to as secret:<name> (file DIR/<name>, mode 600); "
                    + "otherwise THREATLINE_SECRET_<NAME> environment variables.")
    Path secretsDir;

    @Option(
            names = "--topic-prefix",
            defaultValue = "ti.",
            description = "Prefix of Threatline's topic names (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "Any further delivery (threatline.delivery.*, e.g. threatline.delivery.retry.backoff.max=PT5M) or Kafka client"
                            + " setting; threatline.indicator-key.file=FILE gives the deployment's indicator key"
                            + " (docs/data-protection.md).")
    Map<String, String> extra = Map.of();

    @Option(
            names = "--taxii-port",
            defaultValue = "9443",
            description = "Port of the TAXII 2.1 server (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int taxiiPort;

    @Option(
            names = "--taxii-host",
            defaultValue = "0.0.0.0",
            description = "Address the TAXII server listens on (default: ${DEFAULT-VALUE}).")
    String taxiiHost;

    @Option(
            names = "--taxii-keystore",
            paramLabel = "FILE",
            description =
                    "PKCS12 key store with the TAXII server's key and certificate; the TAXII server runs over HTTPS when given.")
    Path taxiiKeystore;

    @Option(
            names = "--taxii-keystore-password",
            paramLabel = "REF",
            defaultValue = "${THREATLINE_SECRET_TAXII_KEYSTORE_PASSWORD}",
            description =
                    "The key store's password as a secret reference (secret:<name> or $${ENV}); default: ${DEFAULT-VALUE}.")
    String taxiiKeystorePassword;

    @Option(
            names = "--taxii-plain-http",
            description =
                    "Run the TAXII server over plain HTTP, for local use only: partners' passwords would travel in clear.")
    boolean taxiiPlainHttp;

    @Option(
            names = "--ops-port",
            defaultValue = "9402",
            description =
                    "Port of the operations endpoint: /metrics (Prometheus), /health/live, /health/ready and the operator console at / (default: ${DEFAULT-VALUE}; 0 picks a free one; -1 turns it off).")
    int opsPort;

    @CommandLine.Mixin
    OpsAccess opsAccess;

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
        if (taxiiKeystore != null && taxiiPlainHttp) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--taxii-keystore and --taxii-plain-http exclude each other");
        }
        StopSignal signal = new StopSignal("deliver", stop);
        try (Parts parts = new Parts()) {
            DeliveryService service = parts.startDelivery(settings);
            startTaxii(parts, service, settings, out);
            out.println("Delivery running: "
                    + (service.runningWorkers().isEmpty()
                            ? "no push channel yet"
                            : String.join(", ", service.runningWorkers()))
                    + ". Ctrl-C stops it.");
            service.refusedChannels().forEach((channel, why) -> out.println("Not delivering " + channel + ": " + why));
            out.flush();
            var counters = service.counters();
            parts.startOps(
                    opsAccess,
                    opsPort,
                    connection.clientProperties(),
                    new ThreatlineTopics(topicPrefix, 1, (short) 1),
                    out);
            try (Progress progress =
                    new Progress(spec.commandLine().getErr(), -1, counters::deliveredTotal, counters::summary)) {
                signal.await();
            }
            out.println("Delivery stopping: " + counters.summary());
            out.flush();
        } finally {
            signal.close();
        }
        return 0;
    }

    /** Starts (when asked for) the TAXII server on the delivery service's agreements and audit log, as one of the parts. */
    private void startTaxii(Parts parts, DeliveryService service, Map<String, Object> settings, PrintWriter out)
            throws Exception {
        DeliveryConfig config = new DeliveryConfig(settings);
        if (!config.channels().contains(DeliveryChannel.TAXII)) {
            return;
        }
        if (taxiiKeystore == null && !taxiiPlainHttp) {
            out.println(
                    "TAXII server not started: give --taxii-keystore (HTTPS) or, for local use, --taxii-plain-http.");
            return;
        }
        String password = null;
        if (taxiiKeystore != null && taxiiKeystorePassword != null && !taxiiKeystorePassword.isBlank()) {
            try {
                password = service.secrets().resolve(taxiiKeystorePassword);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--taxii-keystore-password: " + e.getMessage());
            }
        }
        TaxiiServer server = parts.add(DeliveryTaxii.start(
                service, settings, taxiiHost, taxiiPort, Optional.ofNullable(taxiiKeystore), password));
        out.println("TAXII 2.1 server: " + server.baseUrl() + "/taxii2/ (one API root per partner: /<partner-id>/)");
    }
}
