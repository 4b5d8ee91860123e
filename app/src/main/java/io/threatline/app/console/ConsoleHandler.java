package io.threatline.app.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator console (docs/operations.md, "The console"): one page with its script and style from
 * the jar (nothing from the internet), and the JSON it reads — {@code /api/overview} from the live
 * counters, {@code /api/partners}, {@code /api/indicator?value=} and {@code /api/dead-letters} from
 * the topics through {@link ConsoleData}. Read-only: anything but GET or HEAD is refused.
 *
 * <p>Who may look: when the operations endpoint listens on the loopback address only, whoever can
 * reach it (this machine); anywhere else the operator's password over HTTP Basic (user {@code
 * operator}), and without a password the console stays off there (403) while metrics and health
 * still answer. The page renders every value as text, never as markup, since indicator values and
 * dead letters come from outside; a content security policy allows scripts from the page's own
 * origin only.
 */
public final class ConsoleHandler {

    private static final Logger LOGGER = LoggerFactory.getLogger(ConsoleHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Reads from the topics at once, at most; more wait for none and get 503. */
    private static final int CONCURRENT_READS = 2;
    /** How long the partners and dead letters are answered from the last read. */
    static final Duration CACHE = Duration.ofSeconds(5);
    /** The most dead letters one request lists. */
    static final int MAX_DEAD_LETTERS = 200;
    /** The longest value the lookup takes (a URL may be long; the hub bounds them as well). */
    static final int MAX_VALUE = 4096;

    public static final String USER = "operator";

    private static final Map<String, String> ASSETS = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/console.js", "console.js",
            "/console.css", "console.css");

    /** Whether the console answers, and to whom. */
    public enum Access {
        /** On the loopback address: anyone on this machine. */
        LOCAL,
        /** Elsewhere, with the operator password. */
        PASSWORD,
        /** Elsewhere without a password: off. */
        OFF
    }

    private final ConsoleOverview overview;
    private final ConsoleData data;
    private final HubStateLookup hubStates;
    private final Access access;
    private final byte[] expectedAuthorization;
    private final String offReason;
    private final Semaphore reads = new Semaphore(CONCURRENT_READS);
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final LongSupplier nanos;

    private record Cached(long at, Object value) {}

    /**
     * @param data     the topics' side; null when this process has no connection to read them with
     * @param hubStates this process's hub's state, for {@code /api/hub-state}; null when it runs no hub
     * @param password the operator's password when {@code access} is {@link Access#PASSWORD}
     * @param offReason what to tell a browser when {@code access} is {@link Access#OFF}
     */
    public ConsoleHandler(
            ConsoleOverview overview,
            ConsoleData data,
            HubStateLookup hubStates,
            Access access,
            String password,
            String offReason) {
        this.overview = overview;
        this.data = data;
        this.hubStates = hubStates;
        this.access = access;
        this.expectedAuthorization = password == null
                ? null
                : ("Basic "
                                + Base64.getEncoder()
                                        .encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8)))
                        .getBytes(StandardCharsets.UTF_8);
        this.offReason = offReason;
        this.nanos = System::nanoTime;
        if (access == Access.PASSWORD && password == null) {
            throw new IllegalArgumentException("a console behind a password needs the password");
        }
    }

    /** Whether the path is the console's (the operations endpoint sends it here). */
    public static boolean serves(String path) {
        return ASSETS.containsKey(path) || path.startsWith("/api/");
    }

    /** Answers one request for a console path. */
    public void handle(Request request, Response response, Callback callback) {
        securityHeaders(response);
        if (access == Access.OFF) {
            text(response, callback, 403, offReason);
            return;
        }
        if (access == Access.PASSWORD && !authorized(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
            response.getHeaders()
                    .put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"threatline-console\", charset=\"UTF-8\"");
            text(response, callback, 401, "the console asks for the operator password (user " + USER + ")");
            return;
        }
        String method = request.getMethod();
        if (method.equals("POST") && request.getHttpURI().getPath().equals(DECIDE)) {
            decide(request, response, callback);
            return;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            text(response, callback, 405, "the console is read-only");
            return;
        }
        String path = request.getHttpURI().getPath();
        try {
            String asset = ASSETS.get(path);
            if (asset != null) {
                asset(response, callback, asset);
                return;
            }
            Fields query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
            switch (path) {
                case "/api/overview" -> json(response, callback, 200, overview.snapshot());
                case "/api/partners" -> read(response, callback, "partners", this::partners);
                case "/api/indicator" -> indicator(response, callback, query.getValue("value"));
                case "/api/dead-letters" -> deadLetters(response, callback, query);
                case "/api/reports" -> read(response, callback, "reports", () -> data.reports(MAX_DEAD_LETTERS));
                case "/api/hub-state" -> hubState(response, callback, query.getValue("id"));
                default -> json(response, callback, 404, Map.of("error", "no such page: " + path));
            }
        } catch (RuntimeException e) {
            LOGGER.error("Console request {} failed", path, e);
            json(response, callback, 500, Map.of("error", "internal error; see the log"));
        }
    }

    private boolean authorized(String header) {
        if (header == null) {
            return false;
        }
        // Constant time: the comparison does not tell how much of the password was right.
        return MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8), expectedAuthorization);
    }

    private List<Map<String, Object>> partners() throws Exception {
        List<Map<String, Object>> partners = new ArrayList<>();
        List<Map<String, Object>> channels = overview.channels();
        for (Map<String, Object> p : data.partners()) {
            Map<String, Object> withState = new LinkedHashMap<>(p);
            withState.put(
                    "channelState",
                    channels.stream()
                            .filter(c -> c.get("partner").equals(p.get("partnerId")))
                            .toList());
            partners.add(withState);
        }
        return partners;
    }

    private void indicator(Response response, Callback callback, String value) {
        if (value == null || value.isBlank()) {
            json(response, callback, 400, Map.of("error", "give the indicator as ?value="));
            return;
        }
        if (value.length() > MAX_VALUE) {
            json(response, callback, 400, Map.of("error", "the value is longer than " + MAX_VALUE + " characters"));
            return;
        }
        read(response, callback, null, () -> {
            try {
                Optional<Map<String, Object>> found = data.indicator(value.strip());
                return found.<Object>map(f -> f).orElse(null);
            } catch (IllegalArgumentException e) {
                return new Refused(e.getMessage());
            }
        });
    }

    /**
     * What this instance's hub holds of one indicator, by its id, for the console of another instance
     * (interactive queries, {@link HubStateLookup}); never asks further, so instances cannot loop.
     */
    private void hubState(Response response, Callback callback, String id) {
        if (hubStates == null) {
            json(response, callback, 404, Map.of("status", "not-ready", "why", "this process runs no hub"));
            return;
        }
        if (id == null || id.isBlank() || id.length() > MAX_VALUE) {
            json(response, callback, 400, Map.of("error", "give the indicator id as ?id=, e.g. domain:evil.example"));
            return;
        }
        Map<String, Object> answer = hubStates.local(id);
        int status = switch ((String) answer.get("status")) {
            case "held" -> 200;
            case "unknown" -> 404;
            case "elsewhere" -> 421;
            default -> 503;
        };
        json(response, callback, status, answer);
    }

    private void deadLetters(Response response, Callback callback, Fields query) {
        String reason = Optional.ofNullable(query.getValue("reason"))
                .filter(r -> !r.isBlank())
                .orElse(null);
        if (reason != null && !reason.matches("[A-Z0-9_]{1,64}")) {
            json(response, callback, 400, Map.of("error", "a reason code is upper case letters, digits and _"));
            return;
        }
        int limit = 50;
        String asked = query.getValue("limit");
        if (asked != null) {
            try {
                limit = Integer.parseInt(asked);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_DEAD_LETTERS) {
                json(response, callback, 400, Map.of("error", "limit is 1 to " + MAX_DEAD_LETTERS));
                return;
            }
        }
        int n = limit;
        read(response, callback, "dead-letters/" + reason + "/" + n, () -> data.deadLetters(reason, n));
    }

    /** An answer the data side gave as "not a value it can look up". */
    private record Refused(String message) {}

    /** The one thing the console changes: an operator's decision on a partner's false positives. */
    static final String DECIDE = "/api/false-positives/decide";

    /** The header a decision must carry: a page of another origin cannot send it without a CORS preflight. */
    static final String DECIDE_HEADER = "X-Threatline-Console";

    private static final int MAX_DECISION_BYTES = 4096;

    /**
     * An operator's decision on a partner's false positives (docs/sharing-back.md): always with the
     * operator's password, also on the loopback address where reading needs none, and with
     * {@value #DECIDE_HEADER}: {@code decide}, which no other site's page can send; a JSON body of at most
     * {@value #MAX_DECISION_BYTES} bytes: {@code value}, {@code partner}, {@code decision} (accept or
     * reject), {@code operator}, {@code reason}.
     */
    private void decide(Request request, Response response, Callback callback) {
        if (expectedAuthorization == null) {
            text(response, callback, 403, "decisions need the operator password (--ops-password-file; run makes one)");
            return;
        }
        if (!authorized(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
            response.getHeaders()
                    .put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"threatline-console\", charset=\"UTF-8\"");
            text(response, callback, 401, "a decision needs the operator password (user " + USER + ")");
            return;
        }
        if (!"decide".equals(request.getHeaders().get(DECIDE_HEADER))) {
            text(response, callback, 403, "a decision is sent by the console's page (header " + DECIDE_HEADER + ")");
            return;
        }
        com.fasterxml.jackson.databind.JsonNode body;
        try (InputStream in = org.eclipse.jetty.io.Content.Source.asInputStream(request)) {
            byte[] bytes = in.readNBytes(MAX_DECISION_BYTES + 1);
            if (bytes.length > MAX_DECISION_BYTES) {
                json(
                        response,
                        callback,
                        413,
                        Map.of("error", "a decision has at most " + MAX_DECISION_BYTES + " bytes"));
                return;
            }
            body = JSON.readTree(bytes);
        } catch (IOException e) {
            json(response, callback, 400, Map.of("error", "the decision is not JSON"));
            return;
        }
        String value = body == null ? null : body.path("value").asText(null);
        String partner = body == null ? null : body.path("partner").asText(null);
        String decision = body == null ? null : body.path("decision").asText(null);
        String operator = body == null ? null : body.path("operator").asText(null);
        String reason = body == null ? null : body.path("reason").asText(null);
        String problem = value == null || value.isBlank() || value.length() > MAX_VALUE
                ? "value: the indicator, up to " + MAX_VALUE + " characters"
                : partner == null || !io.threatline.schemas.topics.ThreatlineTopics.isPartnerId(partner)
                        ? "partner: a partner id"
                        : !"accept".equals(decision) && !"reject".equals(decision)
                                ? "decision: accept or reject"
                                : operator == null || operator.isBlank() || operator.length() > 200
                                        ? "operator: who decides, 1 to 200 characters"
                                        : reason == null || reason.isBlank() || reason.length() > 1024
                                                ? "reason: why, 1 to 1024 characters"
                                                : null;
        if (problem != null) {
            json(response, callback, 400, Map.of("error", problem));
            return;
        }
        cache.remove("reports");
        read(response, callback, null, () -> {
            try {
                return data.decideFalsePositive(
                                value.strip(),
                                partner,
                                decision.equals("accept"),
                                "operator:" + operator.strip(),
                                reason.strip())
                        .<Object>map(d -> d)
                        .orElse(null);
            } catch (IllegalArgumentException e) {
                return new Refused(e.getMessage());
            }
        });
    }

    @FunctionalInterface
    private interface Read {
        Object get() throws Exception;
    }

    /** A read from the topics: bounded in number, cached for {@link #CACHE} under {@code cacheKey} when given. */
    private void read(Response response, Callback callback, String cacheKey, Read read) {
        if (data == null) {
            json(response, callback, 503, Map.of("error", "this process has no connection to read the topics with"));
            return;
        }
        if (cacheKey != null) {
            Cached hit = cache.get(cacheKey);
            if (hit != null && nanos.getAsLong() - hit.at() < CACHE.toNanos()) {
                json(response, callback, 200, hit.value());
                return;
            }
        }
        if (!reads.tryAcquire()) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "2");
            json(response, callback, 503, Map.of("error", "busy reading the topics for other requests; try again"));
            return;
        }
        try {
            Object value = read.get();
            if (value == null) {
                json(response, callback, 404, Map.of("error", "unknown"));
            } else if (value instanceof Refused refused) {
                json(response, callback, 400, Map.of("error", refused.message()));
            } else {
                if (cacheKey != null) {
                    cache.put(cacheKey, new Cached(nanos.getAsLong(), value));
                }
                json(response, callback, 200, value);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            json(response, callback, 503, Map.of("error", "shutting down"));
        } catch (Exception e) {
            LOGGER.warn("Console read failed: {}", e.toString());
            json(response, callback, 502, Map.of("error", "could not read the topics: " + e.getMessage()));
        } finally {
            reads.release();
        }
    }

    private static void securityHeaders(Response response) {
        response.getHeaders()
                .put(
                        "Content-Security-Policy",
                        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    }

    private static void asset(Response response, Callback callback, String name) {
        byte[] bytes;
        try (InputStream in = ConsoleHandler.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the console's " + name + " is not in the jar");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the console's " + name, e);
        }
        String type = name.endsWith(".html")
                ? "text/html; charset=utf-8"
                : name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
        write(response, callback, 200, type, bytes);
    }

    private static void json(Response response, Callback callback, int status, Object body) {
        try {
            write(response, callback, status, "application/json", JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the console's answers are plain JSON trees", e);
        }
    }

    private static void text(Response response, Callback callback, int status, String body) {
        write(response, callback, status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    private static void write(Response response, Callback callback, int status, String type, byte[] bytes) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
