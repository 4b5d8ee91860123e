package io.threatline.app;

import io.threatline.consumer.delivery.Secrets;
import io.threatline.producer.feeds.FeedFile;
import io.threatline.producer.feeds.FeedFileException;
import io.threatline.producer.feeds.FeedHttp;
import io.threatline.producer.feeds.FeedRunner;
import io.threatline.producer.feeds.FeedSettings;
import io.threatline.producer.feeds.FeedSource;
import io.threatline.producer.feeds.FeedStateStore;
import io.threatline.schemas.retry.Backoff;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code threatline pull}: external feeds on a schedule (docs/sharing-back.md, "External feeds"). */
@Command(
        name = "pull",
        mixinStandardHelpOptions = true,
        description = {
            "Pulls external feeds — TAXII 2.1 collections, MISP feeds, CSV or JSON Lines files over HTTPS — as the "
                    + "feeds file describes them, and publishes what is new as each feed's vendor. Each feed resumes "
                    + "where it stopped (its state in <prefix>feed-state.v1), runs on its own, and is retried with "
                    + "backoff when it fails.",
            "",
            "Exit codes: 0 stopped (or, with --once, every feed pulled); 1 a feed failed (--once); 2 usage error "
                    + "(the feeds file names its line)."
        })
final class PullCommand implements Callable<Integer> {

    static final int FEED_FAILED = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ConnectionOptions connection;

    @Parameters(paramLabel = "FEEDS_FILE", description = "The feeds file (YAML; docs/sharing-back.md).")
    Path feedsFile;

    @Option(names = "--once", description = "Pull every feed once, then stop.")
    boolean once;

    @Option(
            names = "--secrets-dir",
            paramLabel = "DIR",
            description = "Directory of the secrets the feeds refer to as secret:<name> (file DIR/<name>, mode 600); "
                    + "otherwise THREATLINE_SECRET_<NAME> environment variables.")
    Path secretsDir;

    @Option(
            names = "--topic-prefix",
            defaultValue = ThreatlineTopics.DEFAULT_PREFIX,
            description = "Prefix of Threatline's topic names (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        List<FeedSettings> settings;
        try {
            settings = FeedFile.load(feedsFile);
        } catch (FeedFileException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Secrets secrets = Secrets.from(Optional.ofNullable(secretsDir));
        List<FeedRunner.Feed> feeds = new ArrayList<>();
        for (FeedSettings feed : settings) {
            feeds.add(new FeedRunner.Feed(feed, FeedSource.of(feed, http(feed, secrets))));
        }
        PrintWriter out = spec.commandLine().getOut();
        ThreatlineTopics topics = new ThreatlineTopics(topicPrefix, 1, (short) 1);
        Map<String, Object> client = connection.clientProperties();
        ensureVendorTopics(client, topics, settings, out);
        StopSignal signal = new StopSignal("pull", stop);
        try (FeedStateStore store = new FeedStateStore(client, topics);
                FeedRunner runner = new FeedRunner(
                        client,
                        topics,
                        store,
                        line -> print(out, line),
                        Clock.systemUTC(),
                        new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(10)))) {
            ExecutorService threads = Executors.newFixedThreadPool(feeds.size(), r -> {
                Thread t = new Thread(r, "feed");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<Boolean>> done = new ArrayList<>();
                for (FeedRunner.Feed feed : feeds) {
                    done.add(threads.submit(() -> {
                        if (once) {
                            FeedRunner.Outcome outcome = runner.pullOnce(feed);
                            report(out, outcome, null);
                            return outcome.ok();
                        }
                        runner.run(feed, stop, outcome -> report(out, outcome, feed.settings()));
                        return true;
                    }));
                }
                boolean allOk = true;
                for (Future<Boolean> f : done) {
                    allOk &= f.get();
                }
                return allOk ? 0 : FEED_FAILED;
            } finally {
                threads.shutdownNow();
                threads.awaitTermination(30, TimeUnit.SECONDS);
            }
        } finally {
            signal.close();
        }
    }

    private FeedHttp http(FeedSettings feed, Secrets secrets) throws IOException {
        try {
            String password = feed.passwordRef() == null ? null : secrets.resolve(feed.passwordRef());
            char[] keystorePassword = feed.clientKeystorePasswordRef() == null
                    ? null
                    : secrets.resolve(feed.clientKeystorePasswordRef()).toCharArray();
            return new FeedHttp(feed, password, keystorePassword);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), feedsFile + ": feed " + feed.name() + ": " + e.getMessage());
        }
    }

    /** Each feed publishes on its vendor's own topic; made here when it is missing. */
    private static void ensureVendorTopics(
            Map<String, Object> client, ThreatlineTopics topics, List<FeedSettings> feeds, PrintWriter out)
            throws Exception {
        Set<String> vendors = new LinkedHashSet<>();
        feeds.forEach(f -> vendors.add(f.vendor()));
        try (Admin admin = Admin.create(AvroSerdeConfig.kafkaOnly(client))) {
            for (String vendor : vendors) {
                NewTopic topic = topics.vendorEventsTopic(vendor);
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                    print(out, "created " + topic.name());
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }

    private static void report(PrintWriter out, FeedRunner.Outcome o, FeedSettings feed) {
        String line = String.format(
                "%s  %s: %d read, %d published, %d rejected, %d unreadable%s",
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                o.feed(),
                o.read(),
                o.published(),
                o.rejected(),
                o.problems(),
                o.error()
                        .map(e -> "; FAILED: " + e + (feed == null ? "" : " (retried with backoff)"))
                        .orElse(feed == null ? "" : "; next in " + feed.interval()));
        print(out, line);
    }

    private static void print(PrintWriter out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
