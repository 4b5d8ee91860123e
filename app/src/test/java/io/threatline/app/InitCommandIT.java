package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.platform.testing.SharedPlatform;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code threatline init} against an existing cluster and registry (here the shared test platform). */
class InitCommandIT {

    @Test
    void shouldCreateTopicsAndRegisterTheContractOnceAndBeSafeToRunAgain() throws Exception {
        String prefix = "init-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        String[] args = {
            "init",
            "--bootstrap-servers",
            SharedPlatform.bootstrapServers(),
            "--schema-registry-url",
            SharedPlatform.registryUrl().toString(),
            "--topic-prefix",
            prefix,
            "--replication-factor",
            "1",
            "--partitions",
            "2"
        };

        StringWriter first = new StringWriter();
        assertThat(cli(first).execute(args)).isZero();
        assertThat(first.toString())
                .contains("Topics: 16 created, 0 already there")
                .contains("Schema io.threatline.contract.ThreatEvent registered as subject " + prefix
                        + "sensor-events.v1-value")
                // the erasures (by keyed hash) and the hub's erasure requests, docs/data-protection.md
                .contains("Schema io.threatline.contract.Erasure registered as subject " + prefix + "erasures.v1-value")
                .contains("Schema io.threatline.contract.ThreatEvent registered as subject " + prefix
                        + "erasure-requests.v1-value");
        try (Admin admin =
                Admin.create(Map.<String, Object>of("bootstrap.servers", SharedPlatform.bootstrapServers()))) {
            assertThat(admin.describeTopics(java.util.List.of(prefix + "sensor-events.v1"))
                            .allTopicNames()
                            .get()
                            .get(prefix + "sensor-events.v1")
                            .partitions())
                    .hasSize(2);
        }

        StringWriter second = new StringWriter();
        assertThat(cli(second).execute(args)).isZero();
        assertThat(second.toString()).contains("Topics: 0 created, 16 already there");
    }

    private static CommandLine cli(StringWriter out) {
        CommandLine cli = ThreatlineCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        return cli;
    }
}
