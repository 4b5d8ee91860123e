package io.threatline.consumer.taxii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The TAXII server's limits over real sockets on loopback: a connection that never finishes its
 * TLS handshake is closed at the deadline, connections past the cap wait until others go, a
 * partner over its rate and a guesser over the failed-login limit get 429 with Retry-After.
 * Only the discovery endpoint is used, which reads nothing from Kafka.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TaxiiServerLimitsIT {

    private static final String A = "partner-a";
    private static final String B = "partner-b";
    private static final int MAX_CONNECTIONS = 4;

    private TaxiiServer server;
    private TaxiiTestClient client;
    private Path keystore;

    @BeforeAll
    void start() throws Exception {
        keystore = TaxiiFixture.keystore();
        Map<String, Object> config = TaxiiFixture.serverConfig(TaxiiFixture.uniquePrefix(), keystore);
        config.put(TaxiiServerConfig.REQUEST_TIMEOUT_MS, 2_000L);
        config.put(TaxiiServerConfig.MAX_CONNECTIONS, MAX_CONNECTIONS);
        config.put(TaxiiServerConfig.RATE_PER_SECOND, 0.5);
        config.put(TaxiiServerConfig.RATE_BURST, 3);
        config.put(TaxiiServerConfig.LOGIN_FAILURES_MAX, 3);
        server = TaxiiServer.start(
                new TaxiiServerConfig(config),
                new StaticTaxiiPartners(List.of(
                        new TaxiiPartner(A, "A", Set.of(TaxiiCollection.INDICATORS), PasswordVerifier.of("pw-a", 1000)),
                        new TaxiiPartner(B, "B", Set.of(TaxiiCollection.INDICATORS), PasswordVerifier.of("pw-b", 1000)),
                        new TaxiiPartner(
                                "partner-c",
                                "C",
                                Set.of(TaxiiCollection.INDICATORS),
                                PasswordVerifier.of("pw-c", 1000)),
                        new TaxiiPartner(
                                "partner-d",
                                "D",
                                Set.of(TaxiiCollection.INDICATORS),
                                PasswordVerifier.of("pw-d", 1000)))),
                d -> {});
        client = new TaxiiTestClient(server.baseUrl(), keystore, TaxiiFixture.KEYSTORE_PASSWORD);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldCloseAConnectionThatNeverStartsItsTlsHandshake() throws Exception {
        // Given a client that connects and sends nothing
        try (Socket idle = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            idle.setSoTimeout(20_000);
            long start = System.nanoTime();

            // When it waits for the server
            int read = readOrEnd(idle.getInputStream());

            // Then the server closed it at the 2 s deadline, well before the 30 s idle timeout
            assertThat(read).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void shouldMakeConnectionsPastTheCapWaitAndServeThemOnceTheHogsAreCut() throws Exception {
        // Given as many silent connections as the cap allows
        List<Socket> hogs = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                hogs.add(new Socket(InetAddress.getLoopbackAddress(), server.port()));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() >= MAX_CONNECTIONS);

            // When a partner asks with a 1 s timeout, then again after the hogs' deadline
            TaxiiTestClient impatient = new TaxiiTestClient(
                    server.baseUrl(), keystore, TaxiiFixture.KEYSTORE_PASSWORD, Duration.ofSeconds(1));
            assertThatThrownBy(() -> impatient.get("/taxii2/", "partner-c", "pw-c"))
                    .isInstanceOf(HttpTimeoutException.class);
            // (the server cuts the hogs at their request deadline, 2 s after they connected)
            await().atMost(Duration.ofSeconds(15)).until(() -> server.openConnections() < MAX_CONNECTIONS);

            // Then the first was not served (no connection free), the second was: the server stayed up
            assertThat(client.get("/taxii2/", "partner-c", "pw-c").status()).isEqualTo(200);
        } finally {
            for (Socket s : hogs) {
                s.close();
            }
        }
    }

    @Test
    void shouldAnswer429WithRetryAfterToAPartnerOverItsRateOnly() throws Exception {
        // Given a rate of one request every 2 s with a burst of 3
        // When partner-a makes 5 requests at once
        List<TaxiiTestClient.Response> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            answers.add(client.get("/taxii2/", A, "pw-a"));
        }

        // Then the first 3 are answered and the rest are 429 with a Retry-After in whole seconds
        assertThat(answers.subList(0, 3)).allMatch(r -> r.status() == 200);
        assertThat(answers.subList(3, 5)).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.body().path("http_status").asText()).isEqualTo("429");
            assertThat(r.header("Retry-After"))
                    .hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isBetween(1, 2));
        });
        // And partner-b, with a bucket of its own, is still answered
        assertThat(client.get("/taxii2/", B, "pw-b").status()).isEqualTo(200);
    }

    @Test
    void shouldRefuseOversizedRequestHeadersWith431AndNotShowItsVersion() throws Exception {
        // Given a request whose headers are 16 KiB, twice the limit
        java.util.Optional<String> huge = java.util.Optional.of("Basic " + "A".repeat(16 * 1024));

        // When it is sent, and then a normal one
        TaxiiTestClient.Response big = client.get("/taxii2/", huge, TaxiiMediaTypes.TAXII);
        TaxiiTestClient.Response normal = client.get("/taxii2/", "partner-c", "pw-c");

        // Then the big one is refused before any handler runs, with a TAXII error message,
        // and the server goes on answering without a Server header
        assertThat(big.status()).isEqualTo(431);
        assertThat(big.header("Content-Type")).contains(TaxiiMediaTypes.TAXII);
        assertThat(big.body().path("http_status").asText()).isEqualTo("431");
        assertThat(normal.status()).isEqualTo(200);
        assertThat(normal.header("Server")).isEmpty();
    }

    // Last: it throttles the loopback address itself, and every test's client comes from there.
    @Test
    @Order(Integer.MAX_VALUE)
    void shouldAnswer429ToAGuesserBeforeCheckingItsPassword() throws Exception {
        // Given 3 wrong passwords for partner-d (the limit), a partner not verified before
        for (int i = 0; i < 3; i++) {
            assertThat(client.get("/taxii2/", "partner-d", "guess-" + i).status())
                    .isEqualTo(401);
        }

        // When the next attempt comes, with the right password even
        TaxiiTestClient.Response next = client.get("/partner-d/collections/", "partner-d", "pw-d");

        // Then it is 429 with Retry-After, not a password check
        assertThat(next.status()).isEqualTo(429);
        assertThat(next.header("Retry-After"))
                .hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isBetween(1, 60));
        // And the guessing address is throttled for a user name it has not tried
        assertThat(client.get("/taxii2/", "partner-nobody", "x").status()).isEqualTo(429);
        // While partner-b, verified earlier from the same address, is answered from the credential cache
        assertThat(client.get("/taxii2/", B, "pw-b").status()).isIn(200, 429);
        assertThat(client.get("/taxii2/", B, "pw-b").body().path("description").asText())
                .doesNotContain("failed logins");
    }

    private static int readOrEnd(InputStream in) throws Exception {
        try {
            return in.read();
        } catch (SocketTimeoutException e) {
            return -2;
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }
}
