package io.threatline.app;

import io.threatline.platform.kafka.TopicProvisioner;
import io.threatline.platform.testing.SharedPlatform;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;

/**
 * The scenario on the shared test broker under a prefix of its own: the core topics, and the
 * scenario's agreements applied with `agreements apply` (delivery elsewhere); and the commands run
 * as an operator runs them, against that broker and registry.
 */
final class ScenarioTopics {

    private ScenarioTopics() {}

    /** A fresh prefix ({@code <name>-<random>.}) with its core topics and the scenario's agreements. */
    static ThreatlineTopics withAgreements(String name, int partitions) throws Exception {
        String prefix = name + "-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        ThreatlineTopics topics = new ThreatlineTopics(prefix, partitions, (short) 1);
        try (Admin admin =
                Admin.create(Map.<String, Object>of("bootstrap.servers", SharedPlatform.bootstrapServers()))) {
            TopicProvisioner.ensure(admin, topics.coreTopics());
        }
        int exit = command(
                "agreements",
                "apply",
                "../examples/agreements",
                "--delivery-elsewhere",
                "--topic-prefix",
                prefix,
                "--partitions",
                Integer.toString(partitions));
        if (exit != 0) {
            throw new AssertionError("agreements apply exited " + exit);
        }
        return topics;
    }

    /** Runs a `threatline` command against the shared broker and registry; prints its output when it fails. */
    static int command(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of(
                "--bootstrap-servers",
                SharedPlatform.bootstrapServers(),
                "--schema-registry-url",
                SharedPlatform.registryUrl().toString()));
        return run(all.toArray(String[]::new));
    }

    /** Runs a `threatline` command as given; prints its output when it fails. */
    static int run(String... all) {
        StringWriter out = new StringWriter();
        picocli.CommandLine cli = ThreatlineCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        int exit = cli.execute(all);
        if (exit != 0) {
            System.err.println(String.join(" ", all) + " ->\n" + out);
        }
        return exit;
    }
}
