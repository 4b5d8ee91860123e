package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * `threatline run` (the README's run command) started in this JVM on the scenario's agreements and
 * aliases, every port free, its output kept; {@link #stop} is its Ctrl-C.
 */
final class RunInProcess {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StringWriter out = new StringWriter();
    private final Path dataDir;
    private final RunCommand command;
    private final CompletableFuture<Integer> exit;

    private RunInProcess(Path dataDir, int rate) {
        this.dataDir = dataDir;
        CommandLine cli = ThreatlineCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        command = cli.getSubcommands().get("run").getCommand();
        exit = CompletableFuture.supplyAsync(() -> cli.execute(
                "run",
                "--data-dir",
                dataDir.toString(),
                "--agreements",
                "../examples/agreements",
                "--aliases",
                "../examples/reference/malware-aliases.json",
                "--kafka-port",
                "0",
                "--registry-port",
                "0",
                "--taxii-port",
                "0",
                "--ops-port",
                "0",
                "--rate",
                Integer.toString(rate)));
    }

    /** Starts it, publishing {@code rate} simulated events a second. */
    static RunInProcess start(Path dataDir, int rate) {
        return new RunInProcess(dataDir, rate);
    }

    /** What it printed so far. */
    String output() {
        return out.toString();
    }

    /** Whether it has ended (by itself, that is, failed). */
    boolean ended() {
        return exit.isDone();
    }

    /** Stops it as Ctrl-C does. @return its exit code */
    int stop() throws Exception {
        command.stop.countDown();
        return exit.get(90, TimeUnit.SECONDS);
    }

    /**
     * Runs a `threatline` command as the operator (the admin credentials `run` made) against `run`'s
     * platform; fails when it exits non-zero.
     */
    String asOperator(String... args) {
        Command done = operator(args);
        assertThat(done.exit()).as(done.output()).isZero();
        return done.output();
    }

    /** What a command run as the operator printed (out and err together), and its exit code. */
    record Command(int exit, String output) {}

    /** As {@link #asOperator}, whatever the exit code. */
    Command operator(String... args) {
        Matcher platform =
                Pattern.compile("Kafka (\\S+), schema registry (\\S+)").matcher(output());
        assertThat(platform.find()).as(output()).isTrue();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(
                "--bootstrap-servers",
                platform.group(1),
                "--schema-registry-url",
                platform.group(2),
                "--command-config",
                dataDir.resolve("secrets/kafka/admin.properties").toString()));
        StringWriter text = new StringWriter();
        CommandLine cli = ThreatlineCommand.commandLine();
        cli.setOut(new PrintWriter(text, true));
        cli.setErr(new PrintWriter(text, true));
        int exit = cli.execute(all.toArray(String[]::new));
        return new Command(exit, text.toString());
    }

    /** The Kafka client settings of `run`'s operator (its admin user), for a test that reads topics itself. */
    java.util.Map<String, Object> operatorClient() throws java.io.IOException {
        java.util.Properties props = new java.util.Properties();
        try (var in = Files.newInputStream(dataDir.resolve("secrets/kafka/admin.properties"))) {
            props.load(in);
        }
        Matcher platform =
                Pattern.compile("Kafka (\\S+), schema registry (\\S+)").matcher(output());
        assertThat(platform.find()).as(output()).isTrue();
        java.util.Map<String, Object> client = new java.util.HashMap<>();
        props.forEach((k, v) -> client.put(k.toString(), v));
        client.put("schema.registry.url", platform.group(2));
        return client;
    }

    /** The operations endpoint's base URL, once `run` has said where it is. */
    String ops() {
        Matcher line =
                Pattern.compile("Operations: (http://localhost:\\d+)/metrics").matcher("");
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(60))
                .until(() -> line.reset(output()).find());
        return line.group(1);
    }

    /** The hub's record of an indicator, as the console's {@code /api/hub-state} answers. */
    static JsonNode hubState(String ops, String indicatorId) throws Exception {
        return JSON.readTree(java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(ops + "/api/hub-state?id="
                                        + java.net.URLEncoder.encode(
                                                indicatorId, java.nio.charset.StandardCharsets.UTF_8)))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body());
    }

    /** The records of a files channel's outbox folder (JSON Lines), file by file in name order. */
    static List<JsonNode> outbox(Path folder) throws Exception {
        List<JsonNode> records = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return records;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().contains(".jsonl"))
                    .sorted()
                    .toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (line.endsWith("}")) {
                        records.add(JSON.readTree(line));
                    }
                }
            }
        }
        return records;
    }
}
