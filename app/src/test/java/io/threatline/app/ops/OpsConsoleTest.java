package io.threatline.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.app.console.ConsoleData;
import io.threatline.streams.topology.HubCounters;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Who may see the console, and what it refuses: on the loopback address anyone on the machine; on any
 * other address only with the operator password, and not at all without one, while metrics and health
 * keep answering. The topics' side is a stub here (a unit test of the endpoint); the real one is tested
 * in a browser against `threatline run` (ConsoleBrowserIT).
 */
class OpsConsoleTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger reads = new AtomicInteger();

    private final ConsoleData data = new ConsoleData() {
        @Override
        public List<Map<String, Object>> partners() {
            reads.incrementAndGet();
            return List.of(Map.of("partnerId", "interpol"));
        }

        @Override
        public Optional<Map<String, Object>> indicator(String pasted) {
            reads.incrementAndGet();
            if (pasted.equals("evil[.]example")) {
                return Optional.of(Map.of("id", "domain:evil.example"));
            }
            if (pasted.startsWith("<")) {
                throw new IllegalArgumentException("cannot tell what kind of indicator '" + pasted + "' is");
            }
            return Optional.empty();
        }

        @Override
        public List<Map<String, Object>> deadLetters(String reasonCode, int limit) {
            reads.incrementAndGet();
            return List.of(Map.of("reasonCode", String.valueOf(reasonCode), "limit", limit));
        }

        @Override
        public Map<String, Object> reports(int limit) {
            reads.incrementAndGet();
            return Map.of("falsePositives", List.of(), "received", List.of(), "limit", limit);
        }

        @Override
        public Optional<Map<String, Object>> decideFalsePositive(
                String value, String partnerId, boolean accept, String operator, String reason) {
            decisions.add(value + "|" + partnerId + "|" + accept + "|" + operator + "|" + reason);
            if (value.startsWith("<")) {
                throw new IllegalArgumentException("cannot tell what kind of indicator '" + value + "' is");
            }
            return value.equals("none.example")
                    ? Optional.empty()
                    : Optional.of(Map.of("indicatorId", "domain:" + value, "partnerId", partnerId, "decided", 1));
        }
    };

    private final List<String> decisions = new java.util.concurrent.CopyOnWriteArrayList<>();

    private HttpResponse<String> decide(OpsServer ops, String authorization, String header, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + ops.port() + "/api/false-positives/decide"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (header != null) {
            request.header("X-Threatline-Console", header);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldTakeAnOperatorsDecisionOnlyWithThePasswordAndTheConsolesHeader() throws Exception {
        String good = "{\"value\":\"evil[.]example\",\"partner\":\"interpol\",\"decision\":\"reject\","
                + "\"operator\":\"alice\",\"reason\":\"TICKET-7\"}";
        // Without a password the console decides nothing, even on loopback where it reads for anyone
        try (OpsServer ops = new OpsServer().withConsole(data).start("127.0.0.1", 0)) {
            assertThat(decide(ops, basic("operator", "x"), "decide", good).statusCode())
                    .isEqualTo(403);
        }
        try (OpsServer ops = new OpsServer()
                .withConsole(data)
                .withPassword("s3cret-operator-pw")
                .start("127.0.0.1", 0)) {
            // reading on loopback still needs none
            assertThat(get(ops, "/api/reports", null).statusCode()).isEqualTo(200);
            String auth = basic("operator", "s3cret-operator-pw");
            assertThat(decide(ops, null, "decide", good).statusCode()).isEqualTo(401);
            assertThat(decide(ops, basic("operator", "wrong-password-1"), "decide", good)
                            .statusCode())
                    .isEqualTo(401);
            // a page of another site cannot send the console's header
            assertThat(decide(ops, auth, null, good).statusCode()).isEqualTo(403);
            assertThat(decisions).isEmpty();
            HttpResponse<String> taken = decide(ops, auth, "decide", good);
            assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
            assertThat(taken.body()).contains("\"decided\":1");
            assertThat(decisions).containsExactly("evil[.]example|interpol|false|operator:alice|TICKET-7");
            // bad decisions are refused before anything is decided
            assertThat(decide(ops, auth, "decide", good.replace("reject", "maybe"))
                            .statusCode())
                    .isEqualTo(400);
            assertThat(decide(ops, auth, "decide", good.replace("interpol", "Bad Id!"))
                            .statusCode())
                    .isEqualTo(400);
            assertThat(decide(ops, auth, "decide", good.replace("TICKET-7", "")).statusCode())
                    .isEqualTo(400);
            assertThat(decide(ops, auth, "decide", "not json").statusCode()).isEqualTo(400);
            assertThat(decide(ops, auth, "decide", "{\"value\":\"" + "a".repeat(5000) + "\"}")
                            .statusCode())
                    .isEqualTo(413);
            assertThat(decisions).hasSize(1);
            // a value the hub cannot read, and a partner with nothing open, say so
            assertThat(decide(ops, auth, "decide", good.replace("evil[.]example", "<b>"))
                            .statusCode())
                    .isEqualTo(400);
            assertThat(decide(ops, auth, "decide", good.replace("evil[.]example", "none.example"))
                            .statusCode())
                    .isEqualTo(404);
        }
    }

    private HttpResponse<String> get(OpsServer ops, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldServeTheConsoleFromTheJarWithItsDataOnLoopback() throws Exception {
        HubCounters counters = new HubCounters();
        counters.eventsIn.add(42);
        counters.withheld("interpol", "ABOVE_TLP_CEILING");
        try (OpsServer ops = new OpsServer()
                .withHub(counters, () -> true)
                .withHubLag(() -> 7)
                .withConsole(data)
                .start("127.0.0.1", 0)) {
            HttpResponse<String> page = get(ops, "/", null);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<script src=\"console.js\"");
            assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                    .contains("script-src 'self'");
            assertThat(get(ops, "/console.js", null).body()).contains("createTextNode");
            assertThat(get(ops, "/api/overview", null).body())
                    .contains(
                            "\"eventsIn\":42",
                            "\"withheldByPartner\":{\"interpol\":{\"ABOVE_TLP_CEILING\":1}}",
                            "\"hubLag\":7");
            assertThat(get(ops, "/api/partners", null).body()).contains("\"partnerId\":\"interpol\"");
            assertThat(get(ops, "/api/indicator?value=evil%5B.%5Dexample", null).body())
                    .isEqualTo("{\"id\":\"domain:evil.example\"}");
            assertThat(get(ops, "/api/indicator?value=unknown.example", null).statusCode())
                    .isEqualTo(404);
            HttpResponse<String> markup = get(ops, "/api/indicator?value=%3Cimg%3E", null);
            assertThat(markup.statusCode()).isEqualTo(400);
            assertThat(markup.body()).contains("cannot tell what kind of indicator");
            assertThat(get(ops, "/metrics", null).body()).contains("threatline_hub_lag 7.0");
            assertThat(get(ops, "/metrics", null).body())
                    .contains("threatline_hub_withheld_total{partner=\"interpol\",reason=\"ABOVE_TLP_CEILING\"} 1.0");
        }
    }

    @Test
    void shouldRefuseWritesAndBoundTheReadsItIsAskedFor() throws Exception {
        try (OpsServer ops = new OpsServer().withConsole(data).start("127.0.0.1", 0)) {
            HttpResponse<String> post = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + "/api/partners"))
                            .POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(get(ops, "/api/indicator?value=" + "a".repeat(5000), null)
                            .statusCode())
                    .isEqualTo(400);
            // beyond the request's header limit Jetty refuses it before the console sees it
            assertThat(get(ops, "/api/indicator?value=" + "a".repeat(20000), null)
                            .statusCode())
                    .isEqualTo(414);
            assertThat(get(ops, "/api/dead-letters?limit=0", null).statusCode()).isEqualTo(400);
            // the hub-state endpoint: refused without an id or with one longer than any indicator id, and
            // a process that runs no hub says so rather than failing
            assertThat(get(ops, "/api/hub-state", null).statusCode()).isEqualTo(404);
            assertThat(get(ops, "/api/hub-state?id=domain:evil.example", null).body())
                    .contains("this process runs no hub");
            assertThat(get(ops, "/api/dead-letters?limit=100000", null).statusCode())
                    .isEqualTo(400);
            assertThat(get(ops, "/api/dead-letters?reason=%3Cscript%3E", null).statusCode())
                    .isEqualTo(400);
            assertThat(get(ops, "/api/dead-letters?reason=NO_PUBLIC_SUFFIX&limit=5", null)
                            .body())
                    .contains("\"reasonCode\":\"NO_PUBLIC_SUFFIX\"", "\"limit\":5");
            // partners' reports (docs/sharing-back.md), read only
            assertThat(get(ops, "/api/reports", null).body()).contains("\"falsePositives\":[]", "\"received\":[]");
            // Asked again at once, the partners come from the last read
            int before = reads.get();
            get(ops, "/api/partners", null);
            get(ops, "/api/partners", null);
            assertThat(reads.get() - before).isEqualTo(1);
        }
    }

    @Test
    void shouldAskForTheOperatorPasswordBeyondLoopbackAndStayOffWithoutOne() throws Exception {
        // Bound to every interface with a password: the console asks for it, metrics and health do not
        try (OpsServer ops = new OpsServer()
                .withConsole(data)
                .withPassword("s3cret-operator-pw")
                .start("0.0.0.0", 0)) {
            HttpResponse<String> anonymous = get(ops, "/api/partners", null);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElseThrow())
                    .startsWith("Basic");
            assertThat(get(ops, "/", basic("operator", "wrong-password-12")).statusCode())
                    .isEqualTo(401);
            assertThat(get(ops, "/api/partners", basic("admin", "s3cret-operator-pw"))
                            .statusCode())
                    .isEqualTo(401);
            assertThat(get(ops, "/api/partners", basic("operator", "s3cret-operator-pw"))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(get(ops, "/metrics", null).statusCode()).isEqualTo(200);
            assertThat(get(ops, "/health/live", null).statusCode()).isEqualTo(200);
        }
        // Without a password there, the console is off and says why
        try (OpsServer ops = new OpsServer().withConsole(data).start("0.0.0.0", 0)) {
            HttpResponse<String> off = get(ops, "/", basic("operator", "anything-at-all"));
            assertThat(off.statusCode()).isEqualTo(403);
            assertThat(off.body()).contains("--ops-password-file");
            assertThat(get(ops, "/api/indicator?value=evil%5B.%5Dexample", null).statusCode())
                    .isEqualTo(403);
            assertThat(get(ops, "/health/ready", null).statusCode()).isEqualTo(200);
        }
    }
}
