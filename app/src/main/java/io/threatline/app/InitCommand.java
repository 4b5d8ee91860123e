package io.threatline.app;

import io.threatline.platform.kafka.BrokerReadiness;
import io.threatline.platform.kafka.TopicProvisioner;
import io.threatline.schemas.serde.RestSchemaRegistryClient;
import io.threatline.schemas.serde.SchemaRegistryClient;
import io.threatline.schemas.serde.SubjectNameStrategy;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.schemas.topics.TopicContracts;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Prepares an existing Kafka cluster and Schema Registry for Threatline: creates the topics that
 * are missing and registers the contract's value schemas, which also proves the registry speaks
 * the Confluent API and accepts them under its compatibility rules.
 */
@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        description = {
            "Prepares an existing Kafka cluster and Schema Registry for Threatline.",
            "Creates Threatline's topics where missing and registers the contract's Avro schemas",
            "(subject <topic>-value). Safe to run again."
        })
public final class InitCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ConnectionOptions connection;

    @Option(
            names = "--topic-prefix",
            defaultValue = ThreatlineTopics.DEFAULT_PREFIX,
            description = "Topic name prefix (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(
            names = "--partitions",
            defaultValue = "6",
            description = "Partitions of the high-volume topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
            names = "--replication-factor",
            defaultValue = "3",
            description = "Replication factor of new topics (default: ${DEFAULT-VALUE}).")
    short replicationFactor;

    @Override
    public Integer call() {
        ThreatlineTopics topics;
        try {
            topics = new ThreatlineTopics(topicPrefix, partitions, replicationFactor);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> client = connection.kafkaProperties();
        BrokerReadiness.await(client, Duration.ofSeconds(30));
        try (Admin admin = Admin.create(client)) {
            List<String> created = TopicProvisioner.ensure(admin, topics.coreTopics());
            out.println("Topics: " + created.size() + " created, "
                    + (topics.coreTopics().size() - created.size()) + " already there");
        }
        try (SchemaRegistryClient registry = new RestSchemaRegistryClient(
                List.of(connection.registryUrl()), Duration.ofSeconds(10), Optional.empty())) {
            for (Map.Entry<String, Schema> e :
                    TopicContracts.valueSchemas(topics).entrySet()) {
                String subject = SubjectNameStrategy.TOPIC_NAME.subject(e.getKey(), false, e.getValue());
                int id = registry.register(subject, e.getValue());
                out.printf(
                        "Schema %s registered as subject %s, id %d%n",
                        e.getValue().getFullName(), subject, id);
            }
        }
        out.flush();
        return 0;
    }
}
