package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PlatformCommandIT {

    @TempDir
    Path dataDir;

    @Test
    void shouldStartBrokerAndRegistryPrintWhereTheyListenAndResumeOnASecondRun() throws Exception {
        // Given a first run that registers a schema
        Run first = start();
        String bootstrap = first.find("Kafka bootstrap servers : (\\S+)");
        URI registry = URI.create(first.find("Schema registry         : (\\S+)"));
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            assertThat(admin.listTopics().names().get())
                    .contains(
                            "ti.sensor-events.v1",
                            "ti.indicators.v1",
                            "ti.agreements.v1",
                            "ti.dead-letter.v1",
                            "ti.delivery-audit.v1",
                            "_schemas");
        }
        HttpResponse<String> registered = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(registry.resolve("/subjects/kept-value/versions"))
                                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"\\\"string\\\"\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).isEqualTo(200);
        first.stop();
        assertThat(first.output()).contains("Stopped.");

        // When it runs again on the same data directory
        Run second = start();
        URI registryAgain = URI.create(second.find("Schema registry         : (\\S+)"));

        // Then the schema registered before is still there
        HttpResponse<String> subjects = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(registryAgain.resolve("/subjects"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(subjects.body()).isEqualTo("[\"kept-value\"]");
        second.stop();
    }

    @Test
    void shouldRefuseAPortOutOfRangeNamingTheOption() {
        StringWriter err = new StringWriter();
        CommandLine cli = ThreatlineCommand.commandLine();
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute("platform", "--kafka-port", "70000");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--kafka-port").contains("70000");
    }

    @Test
    void shouldRefuseABadClusterSettingNamingTheOptionBeforeStartingAnything() {
        // each command line, and the option its refusal must name
        Map<List<String>, String> cases = Map.of(
                List.of("platform", "--brokers", "9"), "--brokers",
                List.of("platform", "--brokers", "0"), "--brokers",
                List.of("platform", "--brokers", "3", "--node", "4", "--controller-port", "19192"), "--node",
                List.of("platform", "--brokers", "3", "--node", "2"), "--controller-port");
        cases.forEach((args, option) -> {
            StringWriter err = new StringWriter();
            CommandLine cli = ThreatlineCommand.commandLine();
            cli.setErr(new PrintWriter(err));

            int exit = cli.execute(args.toArray(String[]::new));

            assertThat(exit).as(String.join(" ", args)).isEqualTo(2);
            assertThat(err.toString()).as(String.join(" ", args)).contains(option);
        });
    }

    private Run start() {
        StringWriter out = new StringWriter();
        CommandLine cli = ThreatlineCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        PlatformCommand command = cli.getSubcommands().get("platform").getCommand();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() ->
                cli.execute("platform", "--data-dir", dataDir.toString(), "--kafka-port", "0", "--registry-port", "0"));
        await().atMost(Duration.ofSeconds(90))
                .until(() -> out.toString().contains("Press Ctrl-C to stop.") || exit.isDone());
        assertThat(exit).as("the platform is still running; output:%n%s", out).isNotDone();
        return new Run(out, command, exit);
    }

    private record Run(StringWriter out, PlatformCommand command, CompletableFuture<Integer> exit) {
        String output() {
            return out.toString();
        }

        String find(String regex) {
            Matcher m = Pattern.compile(regex).matcher(output());
            assertThat(m.find()).as("output has " + regex + ":\n" + output()).isTrue();
            return m.group(1);
        }

        void stop() throws Exception {
            command.stop.countDown();
            assertThat(exit.get(60, java.util.concurrent.TimeUnit.SECONDS)).isZero();
        }
    }
}
