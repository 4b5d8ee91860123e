package io.threatline.app;

import io.threatline.schemas.topics.SensorSources;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.SecurityDisabledException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Vendors and their sensors' own input topics (docs/security.md: a sensor speaks only for itself). */
@Command(
        name = "vendors",
        mixinStandardHelpOptions = true,
        description = "Vendors whose sensors publish to Threatline, each through its own topic.",
        subcommands = {VendorsCommand.Add.class})
public final class VendorsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = {
                "Adds vendors: creates each vendor's input topic <prefix>vendor.<vendor>.events.v1 (the hub reads every such topic, one added while it runs within 30 s, and "
                        + "takes the vendor from it, whatever an event claims) and, with --acls, lets the vendor's Kafka user "
                        + "(User:vendor.<vendor>) write its own topics and nothing else; with --user also creates that SCRAM user, its "
                        + "password generated once and kept with ready-to-use client settings in <secrets-dir>/kafka/vendor.<vendor>.properties "
                        + "(mode 600, never printed). The sensor-event schema is registered for each vendor topic, so that sensors need "
                        + "no schema registry credential (they set auto.register.schemas=false and look it up).",
                "",
                "Exit codes: 0 done; 1 failure (for example --acls on a cluster without an authorizer); 2 usage error."
            })
    static final class Add implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        ConnectionOptions connection;

        @Parameters(
                arity = "1..*",
                paramLabel = "VENDOR_ID",
                description = "Vendor ids: lower-case letters, digits and '-'.")
        List<String> vendors;

        @Option(
                names = "--topic-prefix",
                defaultValue = ThreatlineTopics.DEFAULT_PREFIX,
                description = "Topic name prefix (default: ${DEFAULT-VALUE}).")
        String topicPrefix;

        @Option(
                names = "--partitions",
                description =
                        "Partitions of each vendor topic (default: the sensor-events topic's, or 6 when it does not exist yet). "
                                + "A vendor topic with more partitions than the sensor-events topic would change how the hub partitions its "
                                + "state, so a different number is refused.")
        Integer partitions;

        @Option(
                names = "--replication-factor",
                defaultValue = "1",
                description = "Replication factor (default: ${DEFAULT-VALUE}).")
        short replicationFactor;

        @Option(names = "--acls", description = "Grant User:vendor.<vendor> write on its own topics only.")
        boolean acls;

        @Option(
                names = "--user",
                description = "Also create the SCRAM user vendor.<vendor> and its client settings file.")
        boolean user;

        @Option(
                names = "--secrets-dir",
                defaultValue = ".threatline/secrets",
                description =
                        "Where --user keeps passwords and client settings, under kafka/ (default: ${DEFAULT-VALUE}).")
        Path secretsDir;

        @Override
        public Integer call() throws Exception {
            for (String vendor : vendors) {
                if (!ThreatlineTopics.isPartnerId(vendor)) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(),
                            "vendor id '" + vendor
                                    + "' must be 1-63 lower-case letters, digits or '-', starting with a letter or digit");
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            KafkaUsers users = new KafkaUsers(secretsDir.resolve("kafka"));
            try (Admin admin = Admin.create(connection.kafkaProperties())) {
                String sensorEvents = new ThreatlineTopics(topicPrefix, 1, replicationFactor).sensorEvents();
                Integer existing = sensorEventsPartitions(admin, sensorEvents);
                if (existing != null && partitions != null && !existing.equals(partitions)) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(),
                            "--partitions " + partitions + " differs from the " + existing + " partitions of "
                                    + sensorEvents + "; vendor topics must have the same number");
                }
                int count = existing != null ? existing : partitions != null ? partitions : 6;
                ThreatlineTopics topics = new ThreatlineTopics(topicPrefix, count, replicationFactor);
                for (String vendor : vendors) {
                    String principal = "User:" + SensorSources.vendorUser(vendor);
                    try {
                        VendorProvisioning.provision(
                                admin,
                                topics,
                                vendor,
                                connection.clientProperties(),
                                user ? Optional.of(users) : Optional.empty(),
                                acls);
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof SecurityDisabledException) {
                            spec.commandLine()
                                    .getErr()
                                    .println("--acls: the cluster has no authorizer, so ACLs cannot keep vendors "
                                            + "apart; enable one (authorizer.class.name) or leave out --acls");
                            return 1;
                        }
                        throw e;
                    }
                    out.printf(
                            "vendor %s: topic %s%s%s%n",
                            vendor,
                            topics.vendorEvents(vendor),
                            acls ? ", " + principal + " may write " + topicPrefix + "vendor." + vendor + ".* only" : "",
                            user ? ", client settings " + users.configFile(SensorSources.vendorUser(vendor)) : "");
                }
            }
            out.flush();
            return 0;
        }

        /** The partitions of the sensor-events topic, or null when it does not exist. */
        private static Integer sensorEventsPartitions(Admin admin, String topic) throws Exception {
            try {
                return admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get(30, TimeUnit.SECONDS)
                        .get(topic)
                        .partitions()
                        .size();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                    return null;
                }
                throw e;
            }
        }
    }
}
