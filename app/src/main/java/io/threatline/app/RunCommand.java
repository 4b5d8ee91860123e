package io.threatline.app;

import io.threatline.agreements.files.AgreementFiles;
import io.threatline.consumer.delivery.DeliveryConfig;
import io.threatline.consumer.delivery.DeliveryService;
import io.threatline.consumer.taxii.DeliveryTaxii;
import io.threatline.consumer.taxii.TaxiiServer;
import io.threatline.contract.ChannelSettings;
import io.threatline.contract.DataKind;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.PartnerAgreement;
import io.threatline.platform.kafka.EmbeddedKafkaSettings.Credentials;
import io.threatline.platform.runtime.LocalPlatform;
import io.threatline.platform.tls.LocalCertificates;
import io.threatline.producer.publish.PublisherConfig;
import io.threatline.producer.publish.ThreatPublisher;
import io.threatline.producer.simulator.EventPacer;
import io.threatline.producer.simulator.SensorSimulator;
import io.threatline.producer.simulator.SimulatorSettings;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.streams.HubApp;
import io.threatline.streams.HubConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole sharing pipeline on the embedded platform, for a first look and for demos: broker and
 * registry, reference data, the scenario's agreements with local delivery channels, the hub, the
 * delivery service with its TAXII server, and a simulated sensor fleet, with live counts.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the whole sharing pipeline on the embedded platform: a Kafka broker and schema registry, the reference data (malware aliases), the scenario's agreements (Europol EC3, INTERPOL, a national agency's operation) with their channels pointed at this machine (files under <data-dir>/outbox/<partner>/, TAXII over HTTPS on localhost, each partner's Kafka topic), the hub, the delivery service and a simulated sensor fleet. Shows live counts; Ctrl-C stops everything cleanly and a second run resumes from the data directory.",
            "",
            "The simulated sensors replay the last day --time-scale times faster than the wall clock, then go on in real time; the hub runs on the same simulated clock (it never takes a sensor's time), so hourly statistics windows close within a minute.",
            "",
            "Exit codes: 1 a part failed; 2 usage error. Ctrl-C or SIGTERM stops every part cleanly; the exit code is then the signal's, 130 or 143, as for any JVM."
        })
public final class RunCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--data-dir",
            defaultValue = ".threatline",
            description =
                    "Where everything is kept across runs: broker data, hub state, secrets, partner outboxes (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--agreements",
            defaultValue = "examples/agreements",
            description = "Agreement files or folder to apply (default: ${DEFAULT-VALUE}).")
    Path agreementsPath;

    @Option(
            names = "--aliases",
            defaultValue = "examples/reference/malware-aliases.json",
            description = "Malware aliases (MISP galaxy clusters) to load (default: ${DEFAULT-VALUE}).")
    Path aliases;

    @Option(
            names = "--rate",
            defaultValue = "1000",
            description = "Simulated sensor events per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(
            names = "--time-scale",
            defaultValue = "120",
            description = "How much faster the simulated clock runs than the wall clock (default: ${DEFAULT-VALUE}).")
    int timeScale;

    @Option(
            names = "--kafka-port",
            defaultValue = "9092",
            description = "Kafka client port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int kafkaPort;

    @Option(
            names = "--registry-port",
            defaultValue = "8081",
            description = "Schema registry port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int registryPort;

    @Option(
            names = "--brokers",
            defaultValue = "1",
            description =
                    "Kafka nodes in this JVM (1-" + io.threatline.platform.kafka.EmbeddedKafkaCluster.MAX_NODES
                            + "); with 3, topics have replication factor 3 and min.insync.replicas 2 (default: ${DEFAULT-VALUE}).")
    int brokers;

    @Option(
            names = "--taxii-port",
            defaultValue = "9443",
            description = "TAXII server port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int taxiiPort;

    @Option(
            names = "--ops-port",
            defaultValue = "9400",
            description =
                    "Port of the operations endpoint: /metrics (Prometheus), /health/live, /health/ready and the operator console at / (default: ${DEFAULT-VALUE}; 0 picks a free one; -1 turns it off).")
    int opsPort;

    @CommandLine.Mixin
    OpsAccess opsAccess;

    @Option(
            names = "--no-auth",
            description =
                    "Run the broker without authentication and ACLs (by default every client authenticates with SASL/SCRAM and each partner may read only its own topics).")
    boolean noAuth;

    /** Released to stop the run; Ctrl-C does the same. */
    final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        // A port picked now when asked for any: the hub names its endpoint before the endpoint starts.
        opsPort = Ops.resolvePort(opsPort);
        if (rate < 1 || timeScale < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rate and --time-scale must be at least 1");
        }
        if (brokers < 1 || brokers > io.threatline.platform.kafka.EmbeddedKafkaCluster.MAX_NODES) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "Invalid value for option '--brokers': " + brokers + " (1-"
                            + io.threatline.platform.kafka.EmbeddedKafkaCluster.MAX_NODES + ")");
        }
        PrintWriter out = spec.commandLine().getOut();
        List<PartnerAgreement> scenario = loadAgreements();
        ThreatlineTopics topics = ThreatlineTopics.defaults().withReplicationFactor((short) Math.min(3, brokers));
        Path outbox = dataDir.resolve("outbox").toAbsolutePath();
        Path secrets = dataDir.resolve("secrets").toAbsolutePath();
        KafkaUsers users = new KafkaUsers(secrets.resolve("kafka"));
        Optional<Credentials> admin;
        try {
            admin = noAuth
                    ? Optional.empty()
                    : Optional.of(users.admin(dataDir.resolve("data").resolve("kafka")));
        } catch (IllegalStateException e) {
            spec.commandLine().getErr().println("threatline run: " + e.getMessage());
            return 1;
        }
        out.println("Starting Threatline (everything kept in " + dataDir.toAbsolutePath() + ") ...");
        out.flush();
        try (StopSignal signal = new StopSignal("run", stop);
                LocalPlatform platform = LocalPlatform.start(
                        new LocalPlatform.Settings(
                                dataDir.resolve("data"), "localhost", kafkaPort, registryPort, "_schemas", brokers),
                        topics.coreTopics(),
                        admin)) {
            Map<String, Object> client = new HashMap<>(platform.clientProperties());
            // With authentication on, the registry accepts schemas only from the admin: the services register as it.
            client.putAll(platform.registryClientProperties());
            out.println("  Kafka " + platform.bootstrapServers() + ", schema registry " + platform.registryUrl());
            if (admin.isPresent()) {
                Map<String, Object> operator = new HashMap<>(platform.clientProperties());
                operator.putAll(platform.registryClientProperties());
                operator.remove(AvroSerdeConfig.SCHEMA_REGISTRY_URL);
                users.writeClientConfig("admin", operator);
                out.println("  Kafka requires SASL/SCRAM-SHA-512 and ACLs; operator settings in "
                        + users.configFile("admin") + " (use --command-config)");
            }

            List<PartnerAgreement> local = new ArrayList<>();
            for (PartnerAgreement a : scenario) {
                local.add(withLocalChannels(a, outbox, secrets));
            }
            StringWriter applied = new StringWriter();
            try {
                // Through the same path as `agreements apply`, so the history of agreements fills here too.
                AgreementPublishing.publish(
                        client,
                        platform.clientProperties(),
                        topics,
                        Duration.ofDays(30),
                        local,
                        "threatline run (" + System.getProperty("user.name", "operator") + ")",
                        new PrintWriter(applied));
            } catch (AgreementVersions.RefusedException e) {
                spec.commandLine()
                        .getErr()
                        .println("threatline run: --agreements " + agreementsPath + " refused: " + e.getMessage());
                return 1;
            }
            if (admin.isPresent()) {
                // Each partner authenticates as User:<partner id> and may read only its own topics and groups.
                // Partners whose client cannot do SCRAM with Kafka 4 (librdkafka < 2.6.1) use a certificate instead.
                String tlsBootstrap = platform.kafka().partnerTlsBootstrap().orElseThrow();
                LocalCertificates authority = platform.kafka().certificates();
                for (PartnerAgreement a : local) {
                    users.ensureUser(a.getPartnerId(), platform.clientProperties());
                    users.ensurePartnerCertificate(a.getPartnerId(), authority, tlsBootstrap);
                }
                out.println("  Partners' librdkafka clients (before 2.6.1, no SCRAM with Kafka 4): mutual TLS at "
                        + tlsBootstrap + ", settings in " + users.librdkafkaConfigFile("<partner>"));
                AgreementPublishing.grantPartnerAcls(
                        platform.clientProperties(), topics, local, new PrintWriter(applied));
            }
            loadAliases(client, out);
            Map<String, Map<String, Object>> sensorClients =
                    vendorClients(platform, client, topics, users, admin.isPresent());

            Path keystore = TaxiiKeys.ensure(dataDir.resolve("taxii"), secrets);
            // The deployment's indicator key (docs/data-protection.md): made once, given to the hub and delivery.
            Path indicatorKey = secrets.resolve(IndicatorKeyOption.FILE_NAME);
            io.threatline.schemas.privacy.IndicatorKey.ensure(indicatorKey);
            // The simulation replays the last day fast; the hub's clock runs with it (SimulatedClock).
            Instant simulationStart =
                    Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(1));
            SimulatedClock clock = new SimulatedClock(simulationStart, timeScale);
            try (Parts parts = new Parts()) {
                HubApp hub = parts.startHub(
                        withKey(hubSettings(client), indicatorKey), dataDir.resolve("hub-state"), clock, null);
                Map<String, Object> deliverySettings = withKey(client, indicatorKey);
                deliverySettings.put(DeliveryConfig.SECRETS_DIR, secrets.toString());
                deliverySettings.put(DeliveryConfig.RECHECK_INTERVAL, "PT10S");
                DeliveryService delivery = parts.startDelivery(deliverySettings);
                TaxiiServer taxii = parts.add(DeliveryTaxii.start(
                        delivery,
                        deliverySettings,
                        "localhost",
                        taxiiPort,
                        Optional.of(keystore),
                        TaxiiKeys.password(secrets)));
                printPartners(out, local, outbox, secrets, taxii, topics);
                out.println("Sensors: each vendor writes only its own topic, " + topics.prefix()
                        + "vendor.<vendor>.events.v1"
                        + (admin.isPresent()
                                ? ", as User:vendor.<vendor> (settings in " + users.configFile("vendor.<vendor>") + ")"
                                : "")
                        + ": " + String.join(", ", sensorClients.keySet()));
                Simulation simulation = new Simulation(sensorClients, topics, clock.instant());
                simulation.start();
                var c = hub.counters();
                // The console's password: the operator's file, or one made here like the other secrets.
                Path consolePassword = opsAccess.passwordFile != null
                        ? opsAccess.passwordFile
                        : secrets.resolve("operator-console.password");
                if (opsAccess.passwordFile == null && !Files.exists(consolePassword)) {
                    PrivateFiles.write(consolePassword, PrivateFiles.randomHex(16));
                }
                parts.startOps(
                        opsAccess.host,
                        opsPort,
                        consolePassword,
                        opsAccess.passwordFile != null
                                ? opsAccess.password()
                                : Files.readString(consolePassword).strip(),
                        withKey(client, indicatorKey),
                        topics,
                        out);
                try (Progress progress = new Progress(
                        spec.commandLine().getErr(),
                        -1,
                        c.eventsIn::sum,
                        () -> String.format(
                                "rejected %,d  duplicates %,d  changes %,d | routed %s | delivered %s",
                                c.rejectedCount(),
                                c.duplicates.sum(),
                                c.indicatorChanges.sum(),
                                c.deliveredByPartner(),
                                delivery.counters().summary()))) {
                    signal.await();
                }
                out.println("Stopping ...");
                out.flush();
                simulation.stop();
                out.printf(
                        "Simulated %,d events; hub: %,d in, %,d rejected, %,d duplicates, %,d indicator changes; delivered %s%n",
                        simulation.emitted(),
                        c.eventsIn.sum(),
                        c.rejectedCount(),
                        c.duplicates.sum(),
                        c.indicatorChanges.sum(),
                        delivery.counters().summary());
            }
        }
        out.println("Stopped. Run again to resume from " + dataDir.toAbsolutePath() + ".");
        out.flush();
        return 0;
    }

    private List<PartnerAgreement> loadAgreements() {
        try {
            return Files.isDirectory(agreementsPath)
                    ? AgreementFiles.loadAll(agreementsPath)
                    : List.of(AgreementFiles.load(agreementsPath));
        } catch (RuntimeException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--agreements " + agreementsPath + ": " + e.getMessage());
        }
    }

    /**
     * The agreement as granted, with its channels replaced by ones on this machine: files (JSON
     * Lines) in the partner's outbox, TAXII with a generated password, and its Kafka topic.
     */
    static PartnerAgreement withLocalChannels(PartnerAgreement agreement, Path outbox, Path secrets)
            throws IOException {
        String partner = agreement.getPartnerId();
        Path passwordFile = secrets.resolve("local").resolve(partner + "-taxii");
        if (!Files.exists(passwordFile)) {
            PrivateFiles.write(passwordFile, PrivateFiles.randomHex(12));
        }
        List<ChannelSettings> channels = List.of(
                ChannelSettings.newBuilder()
                        .setChannel(DeliveryChannel.FILES)
                        .setSettings(Map.of(
                                "directory", outbox.resolve(partner).toString(), "format", "jsonl", "rotate", "PT1M"))
                        .build(),
                ChannelSettings.newBuilder()
                        .setChannel(DeliveryChannel.TAXII)
                        .setSettings(Map.of("password", "secret:local/" + partner + "-taxii"))
                        .build(),
                ChannelSettings.newBuilder()
                        .setChannel(DeliveryChannel.KAFKA)
                        .setSettings(Map.of("format", "avro", "principal", "User:" + partner))
                        .build());
        return PartnerAgreement.newBuilder(agreement).setChannels(channels).build();
    }

    private void loadAliases(Map<String, Object> client, PrintWriter out) throws IOException {
        StringWriter problems = new StringWriter();
        int count = ReferenceLoading.load(
                client,
                ThreatlineTopics.defaults(),
                ReferenceLoading.Kind.ALIASES,
                List.of(aliases),
                new PrintWriter(new StringWriter()),
                new PrintWriter(problems, true));
        if (count != 0) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--aliases " + aliases + ": " + problems.toString().strip());
        }
        out.println("  Reference data: malware aliases from " + aliases);
    }

    /** The settings with the deployment's indicator key named (docs/data-protection.md). */
    private static Map<String, Object> withKey(Map<String, Object> settings, Path indicatorKey) {
        Map<String, Object> with = new HashMap<>(settings);
        with.put(io.threatline.schemas.privacy.IndicatorKey.FILE_SETTING, indicatorKey.toString());
        return with;
    }

    private Map<String, Object> hubSettings(Map<String, Object> client) throws IOException {
        Map<String, Object> settings = new HashMap<>(client);
        if (opsPort > 0) {
            // The hub names its operations endpoint, where the console asks for an indicator's state.
            settings.put("application.server", opsAccess.advertised(opsPort));
        }
        settings.put("application.id", HubApp.DEFAULT_APPLICATION_ID);
        settings.put(HubConfig.TOPIC_PREFIX, ThreatlineTopics.DEFAULT_PREFIX);
        // The hub's clock runs fast (SimulatedClock); statistics windows close a simulated minute after their end.
        settings.put(HubConfig.STATISTICS_GRACE, "PT1M");
        return settings;
    }

    private void printPartners(
            PrintWriter out,
            List<PartnerAgreement> agreements,
            Path outbox,
            Path secrets,
            TaxiiServer taxii,
            ThreatlineTopics topics) {
        out.println("  Hub running (exactly-once), delivery running, TAXII 2.1 at " + taxii.baseUrl() + "/taxii2/");
        out.println();
        out.println("Partners and where their feeds are:");
        for (PartnerAgreement a : agreements) {
            boolean indicators = a.getDataKinds().contains(DataKind.INDICATORS);
            out.printf(
                    "  %-20s %s v%d, %s up to %s%n",
                    a.getPartnerId(), a.getAgreementId(), a.getVersion(), a.getDataKinds(), a.getTlpCeiling());
            out.printf("  %-20s files  %s%n", "", outbox.resolve(a.getPartnerId()));
            out.printf(
                    "  %-20s TAXII  %s/%s/collections/%s/objects/  (user %s, password in %s)%n",
                    "",
                    taxii.baseUrl(),
                    a.getPartnerId(),
                    indicators ? "indicators" : "statistics",
                    a.getPartnerId(),
                    secrets.resolve("local").resolve(a.getPartnerId() + "-taxii"));
            out.printf(
                    "  %-20s Kafka  %s%s%n",
                    "",
                    indicators
                            ? topics.partnerIndicators(a.getPartnerId())
                            : topics.partnerStatistics(a.getPartnerId()),
                    noAuth
                            ? ""
                            : "  (as User:" + a.getPartnerId() + ", settings in "
                                    + secrets.resolve("kafka").resolve(a.getPartnerId() + ".properties") + ", groups "
                                    + io.threatline.schemas.topics.PartnerAcls.partnerGroupPrefix(a.getPartnerId())
                                    + "*)");
        }
        out.println();
        out.println("Try: curl -s --cacert "
                + dataDir.resolve("taxii").resolve("taxii-cert.pem").toAbsolutePath() + " -u interpol:$(cat "
                + secrets.resolve("local").resolve("interpol-taxii")
                + ") -H 'Accept: application/taxii+json;version=2.1' "
                + taxii.baseUrl() + "/interpol/collections/indicators/objects/?limit=5");
        out.println("Press Ctrl-C to stop.");
        out.flush();
    }

    /**
     * The simulated sensor fleet, publishing on its own thread until stopped. Its events are observed
     * on the simulated clock, which starts a day ago and runs --time-scale times faster until it
     * reaches now, then follows the wall clock; the hub runs on the same clock (SimulatedClock).
     */
    /**
     * The simulated vendors' topics and, on an authenticated broker, their users and ACLs: each
     * vendor's sensors publish with their own credentials to their own topic (docs/security.md).
     * Returns each vendor's client settings.
     */
    private static Map<String, Map<String, Object>> vendorClients(
            LocalPlatform platform, Map<String, Object> client, ThreatlineTopics topics, KafkaUsers users, boolean auth)
            throws Exception {
        // One home for what a vendor needs: VendorProvisioning.provision.
        List<String> vendors = new SensorSimulator(SimulatorSettings.defaults()).vendors();
        Map<String, Map<String, Object>> clients = new java.util.LinkedHashMap<>();
        try (org.apache.kafka.clients.admin.Admin kafkaAdmin =
                org.apache.kafka.clients.admin.Admin.create(platform.clientProperties())) {
            for (String vendor : vendors) {
                clients.put(
                        vendor,
                        VendorProvisioning.provision(
                                kafkaAdmin,
                                topics,
                                vendor,
                                client,
                                auth ? Optional.of(users) : Optional.empty(),
                                auth));
            }
        }
        return clients;
    }

    private final class Simulation {
        private final Map<String, ThreatPublisher> publishers = new java.util.LinkedHashMap<>();
        private final ThreatPublisher anyVendor;
        private final Thread thread;
        private final java.util.concurrent.atomic.AtomicLong emitted = new java.util.concurrent.atomic.AtomicLong();
        private volatile boolean running = true;

        /** @param vendorClients each vendor's client settings: its sensors publish to its own topic */
        Simulation(Map<String, Map<String, Object>> vendorClients, ThreatlineTopics topics, Instant start) {
            vendorClients.forEach((vendor, client) -> {
                Map<String, Object> config = new HashMap<>(client);
                config.put(PublisherConfig.TOPIC, topics.vendorEvents(vendor));
                config.put(PublisherConfig.INVALID_EVENT_POLICY, "SEND_AS_IS");
                config.put(PublisherConfig.RECORD_TIMESTAMP, "OBSERVED_AT");
                publishers.put(vendor, new ThreatPublisher(config, null));
            });
            // The fleet's deliberately malformed events (a blank vendor among them) go out through some vendor's topic.
            this.anyVendor = publishers.values().iterator().next();
            long seed = System.nanoTime();
            Duration fast = Duration.ofNanos(1_000_000_000L * timeScale / rate);
            this.thread = new Thread(
                    () -> {
                        SensorSimulator simulator = simulator(seed, start, fast);
                        boolean caughtUp = false;
                        EventPacer pacer = new EventPacer(rate);
                        while (running) {
                            pacer.awaitNext();
                            if (!caughtUp
                                    && !start.plus(fast.multipliedBy(simulator.emitted()))
                                            .isBefore(Instant.now())) {
                                // The simulated day has been replayed; from now on events happen now.
                                simulator = simulator(seed + 1, Instant.now(), Duration.ofNanos(1_000_000_000L / rate));
                                caughtUp = true;
                            }
                            var event = simulator.next();
                            publishers
                                    .getOrDefault(event.getVendor(), anyVendor)
                                    .publish(event);
                            emitted.incrementAndGet();
                        }
                    },
                    "run-simulator");
            this.thread.setDaemon(true);
        }

        private SensorSimulator simulator(long seed, Instant start, Duration spacing) {
            return new SensorSimulator(SimulatorSettings.defaults()
                    .withSeed(seed)
                    .withMalformedShare(0.002)
                    .withStartTime(start)
                    .withEventSpacing(spacing));
        }

        void start() {
            thread.start();
        }

        long emitted() {
            return emitted.get();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(TimeUnit.SECONDS.toMillis(10));
            publishers.values().forEach(ThreatPublisher::close);
        }
    }
}
