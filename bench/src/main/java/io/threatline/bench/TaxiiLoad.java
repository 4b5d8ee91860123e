package io.threatline.bench;

import io.threatline.bench.report.ResultLine;
import io.threatline.consumer.taxii.PasswordVerifier;
import io.threatline.consumer.taxii.StaticTaxiiPartners;
import io.threatline.consumer.taxii.TaxiiCollection;
import io.threatline.consumer.taxii.TaxiiDeliveryListener;
import io.threatline.consumer.taxii.TaxiiPartner;
import io.threatline.consumer.taxii.TaxiiServer;
import io.threatline.consumer.taxii.TaxiiServerConfig;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.Tlp;
import io.threatline.platform.kafka.TopicProvisioner;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroSerializer;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The TAXII server under hostile load on loopback, bounded in time: well-behaved partners page
 * through their own collections (honouring 429 and Retry-After), while slow clients open
 * connections and dribble a byte at a time, and guessers send wrong passwords as fast as they can.
 * Reports the latency of the well-behaved partners' requests and what the others got; asserts
 * nothing (the IT does). All traffic goes to the server this harness starts on 127.0.0.1.
 *
 * <p>Usage: {@code TaxiiLoad <bootstrap> <registry-url> [--partners=20] [--slow=100]
 * [--guessers=10] [--seconds=30] [--records=500]}; run by {@code bench/taxii-load.sh} and
 * {@code bench/run-all.sh}.
 */
public final class TaxiiLoad {

    /** What the run measured; the IT checks the server stayed up and every good partner was answered. */
    public record Report(
            int partners,
            long[] answeredPerPartner,
            long goodErrors,
            long good429,
            Histogram latencyMicros,
            long guesses,
            long guesses401,
            long guesses429,
            long slowConnections,
            long slowCut,
            boolean upAfter,
            double seconds) {}

    private static final char[] STORE_PASSWORD = "bench-keystore-pw".toCharArray();
    private static final Pattern NEXT = Pattern.compile("\"next\":\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        Report report = run(args, System.out);
        // HTTP and Kafka clients' lingering threads must not keep a finished harness alive.
        System.exit(report.upAfter() ? 0 : 1);
    }

    public static Report run(String[] args, PrintStream out) throws Exception {
        BenchArgs a = BenchArgs.parse(args);
        String bootstrap = a.positional(0, "bootstrap servers");
        String registry = a.positional(1, "registry URL");
        int partners = (int) a.option("partners", 20);
        int slow = (int) a.option("slow", 100);
        int guessers = (int) a.option("guessers", 10);
        long seconds = a.option("seconds", 30);
        int records = (int) a.option("records", 500);
        a.checkNoOtherOptions("partners", "slow", "guessers", "seconds", "records");

        String prefix = "taxii-load-" + System.currentTimeMillis() + ".";
        ThreatlineTopics topics = new ThreatlineTopics(prefix, 1, (short) 1);
        List<String> ids = new ArrayList<>();
        for (int p = 0; p < partners; p++) {
            ids.add("load-partner-" + p);
        }
        load(bootstrap, registry, topics, ids, records);

        Path keystore = keystore();
        List<TaxiiPartner> known = new ArrayList<>();
        for (String id : ids) {
            known.add(new TaxiiPartner(
                    id, id, java.util.Set.of(TaxiiCollection.INDICATORS), PasswordVerifier.of(password(id))));
        }
        Map<String, Object> config = new HashMap<>();
        config.put(TaxiiServerConfig.BOOTSTRAP_SERVERS, bootstrap);
        config.put(TaxiiServerConfig.SCHEMA_REGISTRY_URL, registry);
        config.put(TaxiiServerConfig.TOPIC_PREFIX, prefix);
        config.put(TaxiiServerConfig.HOST, "127.0.0.1");
        config.put(TaxiiServerConfig.PORT, 0);
        config.put(TaxiiServerConfig.KEYSTORE_PATH, keystore.toString());
        config.put(TaxiiServerConfig.KEYSTORE_PASSWORD, new String(STORE_PASSWORD));
        config.put(TaxiiServerConfig.REQUEST_TIMEOUT_MS, 3_000L);
        config.put(TaxiiServerConfig.IDLE_TIMEOUT_MS, 10_000L);
        config.put(TaxiiServerConfig.MAX_CONNECTIONS, Math.max(64, partners * 2 + guessers * 2 + slow + 16));
        try (TaxiiServer server = TaxiiServer.start(
                new TaxiiServerConfig(config), new StaticTaxiiPartners(known), TaxiiDeliveryListener.NONE)) {
            SSLContext ssl = trusting(keystore);
            URI base = server.baseUrl();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(2), 3);
            AtomicLongArray answered = new AtomicLongArray(partners);
            AtomicLong goodErrors = new AtomicLong();
            AtomicLong good429 = new AtomicLong();
            AtomicLong guesses = new AtomicLong();
            AtomicLong guesses401 = new AtomicLong();
            AtomicLong guesses429 = new AtomicLong();
            AtomicLong slowConnections = new AtomicLong();
            AtomicLong slowCut = new AtomicLong();
            List<Thread> threads = new ArrayList<>();

            // The good partners sign in first, as partners that have been polling for a while have:
            // the guessers below throttle the loopback address for anyone not yet verified.
            List<HttpClient> clients = new ArrayList<>();
            for (int p = 0; p < partners; p++) {
                HttpClient client = HttpClient.newBuilder()
                        .sslContext(ssl)
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10))
                        .build();
                clients.add(client);
                get(client, base.resolve("/" + ids.get(p) + "/collections/"), ids.get(p), password(ids.get(p)));
            }
            long start = System.nanoTime();
            for (int p = 0; p < partners; p++) {
                int n = p;
                threads.add(thread(
                        "good-" + p,
                        () -> goodPartner(
                                clients.get(n),
                                base,
                                ids.get(n),
                                deadline,
                                latency,
                                answered,
                                n,
                                goodErrors,
                                good429)));
            }
            for (int g = 0; g < guessers; g++) {
                HttpClient client = HttpClient.newBuilder()
                        .sslContext(ssl)
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10))
                        .build();
                String victim = ids.get(g % ids.size());
                threads.add(thread(
                        "guess-" + g, () -> guesser(client, base, victim, deadline, guesses, guesses401, guesses429)));
            }
            for (int s = 0; s < slow; s++) {
                threads.add(thread("slow-" + s, () -> slowClient(server.port(), deadline, slowConnections, slowCut)));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(seconds + 120));
            }
            double took = (System.nanoTime() - start) / 1e9;

            // After the storm, a partner not seen before still gets its answer once the guessers' window ends.
            HttpClient after = HttpClient.newBuilder()
                    .sslContext(ssl)
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            boolean up = get(after, base.resolve("/" + ids.get(0) + "/collections/"), ids.get(0), password(ids.get(0)))
                            .statusCode()
                    == 200;

            Report report = new Report(
                    partners,
                    toArray(answered),
                    goodErrors.get(),
                    good429.get(),
                    latency,
                    guesses.get(),
                    guesses401.get(),
                    guesses429.get(),
                    slowConnections.get(),
                    slowCut.get(),
                    up,
                    took);
            print(report, out);
            return report;
        }
    }

    private static void goodPartner(
            HttpClient client,
            URI base,
            String id,
            long deadline,
            Histogram latency,
            AtomicLongArray answered,
            int index,
            AtomicLong errors,
            AtomicLong limited) {
        String next = null;
        while (System.nanoTime() < deadline) {
            String query = "?limit=100" + (next == null ? "" : "&next=" + next);
            long t0 = System.nanoTime();
            try {
                HttpResponse<String> r = get(
                        client, base.resolve("/" + id + "/collections/indicators/objects/" + query), id, password(id));
                long micros = (System.nanoTime() - t0) / 1000;
                if (r.statusCode() == 200) {
                    synchronized (latency) {
                        latency.recordValue(Math.min(micros, latency.getHighestTrackableValue()));
                    }
                    answered.incrementAndGet(index);
                    Matcher m = NEXT.matcher(r.body());
                    next = r.body().contains("\"more\":true") && m.find() ? m.group(1) : null;
                } else if (r.statusCode() == 429) {
                    limited.incrementAndGet();
                    long wait = r.headers()
                            .firstValue("Retry-After")
                            .map(Long::parseLong)
                            .orElse(1L);
                    sleepUntil(Math.min(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(wait)));
                } else {
                    errors.incrementAndGet();
                }
            } catch (Exception e) {
                errors.incrementAndGet();
            }
        }
    }

    private static void guesser(
            HttpClient client,
            URI base,
            String victim,
            long deadline,
            AtomicLong guesses,
            AtomicLong got401,
            AtomicLong got429) {
        long n = 0;
        while (System.nanoTime() < deadline) {
            try {
                int status = get(client, base.resolve("/taxii2/"), victim, "guess-" + n++)
                        .statusCode();
                guesses.incrementAndGet();
                if (status == 401) {
                    got401.incrementAndGet();
                } else if (status == 429) {
                    got429.incrementAndGet();
                }
            } catch (Exception e) {
                // A refused or cut connection is the server defending itself; keep guessing.
            }
        }
    }

    /** Opens a connection and sends a byte every 500 ms (never a whole TLS handshake) until the server cuts it; then again. */
    private static void slowClient(int port, long deadline, AtomicLong connections, AtomicLong cut) {
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                connections.incrementAndGet();
                s.setSoTimeout(500);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write(0x16);
                while (System.nanoTime() < deadline) {
                    try {
                        if (in.read() < 0) {
                            cut.incrementAndGet();
                            break;
                        }
                    } catch (java.net.SocketTimeoutException quiet) {
                        out.write(0x03);
                    }
                }
            } catch (Exception e) {
                cut.incrementAndGet();
                sleepUntil(Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100)));
            }
        }
    }

    private static HttpResponse<String> get(HttpClient client, URI uri, String user, String password) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/taxii+json;version=2.1")
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .GET()
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void print(Report r, PrintStream out) {
        long answered = 0;
        long least = Long.MAX_VALUE;
        for (long n : r.answeredPerPartner()) {
            answered += n;
            least = Math.min(least, n);
        }
        Histogram h = r.latencyMicros();
        String load = r.partners() + " partners, " + r.slowConnections() + " slow connections, " + r.guesses()
                + " wrong passwords";
        out.printf("TAXII under load for %.1f s: %s%n", r.seconds(), load);
        out.println(ResultLine.of(
                "taxii-load-good-p50",
                h.getValueAtPercentile(50) / 1000.0,
                "ms",
                "TAXII page latency p50 of well-behaved partners under attack"));
        out.println(ResultLine.of(
                "taxii-load-good-p99",
                h.getValueAtPercentile(99) / 1000.0,
                "ms",
                "TAXII page latency p99 of well-behaved partners under attack"));
        out.println(ResultLine.of(
                "taxii-load-good-max",
                h.getMaxValue() / 1000.0,
                "ms",
                "TAXII page latency max of well-behaved partners under attack"));
        out.println(ResultLine.of(
                "taxii-load-good-rate",
                answered / r.seconds(),
                "pages/s",
                "TAXII pages answered to well-behaved partners under attack"));
        out.println(ResultLine.of(
                "taxii-load-good-least", least, "pages", "TAXII pages answered to the least-served partner"));
        out.println(ResultLine.of(
                "taxii-load-good-errors",
                r.goodErrors(),
                "requests",
                "TAXII requests of well-behaved partners that failed"));
        out.println(ResultLine.of(
                "taxii-load-good-429",
                r.good429(),
                "requests",
                "TAXII requests of well-behaved partners over their rate (429)"));
        out.println(ResultLine.of(
                "taxii-load-guesses-429",
                r.guesses() == 0 ? 0 : 100.0 * r.guesses429() / r.guesses(),
                "%",
                "TAXII wrong passwords answered 429 without a password check"));
        out.println(ResultLine.of(
                "taxii-load-slow-cut", r.slowCut(), "connections", "TAXII slow connections cut by the server"));
        out.println(
                ResultLine.of("taxii-load-up", r.upAfter() ? 1 : 0, "bool", "TAXII server answering after the load"));
    }

    private static void load(
            String bootstrap, String registry, ThreatlineTopics topics, List<String> partners, int records)
            throws Exception {
        List<NewTopic> all = new ArrayList<>();
        partners.forEach(p -> all.addAll(topics.partnerTopics(p, Duration.ofDays(1))));
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            TopicProvisioner.ensure(admin, all);
        }
        Map<String, Object> serde = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (var client = new AvroSerdeConfig(serde).newClient();
                KafkaProducer<String, PartnerIndicator> producer = new KafkaProducer<>(
                        p, new StringSerializer(), new ConfluentAvroSerializer<>(client, serde, false))) {
            Instant t0 = Instant.now().minus(Duration.ofHours(1));
            List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
            for (String partner : partners) {
                for (int i = 0; i < records; i++) {
                    String value = "h" + i + "." + partner + ".example";
                    PartnerIndicator in = PartnerIndicator.newBuilder()
                            .setPartnerId(partner)
                            .setAgreementId("mou-" + partner)
                            .setAgreementVersion(1)
                            .setIndicatorId("domain:" + value)
                            .setType(IndicatorType.DOMAIN)
                            .setValue(value)
                            .setAction(LifecycleAction.NEW)
                            .setFirstSeen(t0.plusSeconds(i))
                            .setLastSeen(t0.plusSeconds(i))
                            .setValidUntil(t0.plus(Duration.ofDays(90)))
                            .setConfidence(70)
                            .setScore(60)
                            .setTlp(Tlp.GREEN)
                            .setMalwareFamilies(List.of("Shylock"))
                            .setTags(List.of("banking"))
                            .setSharedAt(t0.plusSeconds(i + 1))
                            .build();
                    sends.add(producer.send(new ProducerRecord<>(
                            topics.partnerIndicators(partner), null, t0.toEpochMilli() + i, in.getIndicatorId(), in)));
                }
            }
            for (java.util.concurrent.Future<?> send : sends) {
                send.get(); // every record acknowledged, or the run fails naming why
            }
        }
    }

    private static String password(String partner) {
        return "pw-of-" + partner;
    }

    private static Path keystore() throws Exception {
        Path store = Files.createTempDirectory("taxii-load").resolve("taxii.p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "taxii",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-validity",
                        "2",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost,ip:127.0.0.1",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        store.toString(),
                        "-storepass",
                        new String(STORE_PASSWORD),
                        "-keypass",
                        new String(STORE_PASSWORD))
                .redirectErrorStream(true)
                .start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        return store;
    }

    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore server = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            server.load(in, STORE_PASSWORD);
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("taxii", server.getCertificate("taxii"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, "taxii-load-" + name);
        t.setDaemon(true);
        return t;
    }

    private static long[] toArray(AtomicLongArray a) {
        long[] out = new long[a.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i);
        }
        return out;
    }

    private static void sleepUntil(long nanoTime) {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
