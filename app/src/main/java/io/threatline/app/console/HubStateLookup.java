package io.threatline.app.console;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.threatline.streams.HubStateQuery;
import io.threatline.streams.dedup.IndicatorState;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hub's own record of an indicator for the console: what this process's hub holds, read with
 * interactive queries ({@link HubStateQuery}), or, when the hub runs as several instances, what the
 * instance holding it answers on its operations endpoint ({@code /api/hub-state}), asked over HTTP
 * with the operator's password. The state has what the indicators topic does not: every sighting
 * (repeats that changed nothing are not emitted) and the partners that hold the indicator now.
 */
public final class HubStateLookup {

    /** How long a peer instance may take to answer. */
    static final Duration PEER_TIMEOUT = Duration.ofSeconds(5);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HubStateQuery query;
    private final String password;
    private final HttpClient http = client();

    /** @param password the operator's password, sent to peers (null when they listen on loopback only) */
    public HubStateLookup(HubStateQuery query, String password) {
        this.query = query;
        this.password = password;
    }

    /**
     * What this instance can say of the indicator without asking another: {@code status} is
     * {@code held} (with {@code state}), {@code unknown}, {@code elsewhere} (with {@code instance}) or
     * {@code not-ready} (with {@code why}).
     */
    public Map<String, Object> local(String indicatorId) {
        Map<String, Object> answer = new LinkedHashMap<>();
        HubStateQuery.Answer found = query.find(indicatorId);
        if (found instanceof HubStateQuery.Answer.Here here) {
            answer.put("status", here.state().isPresent() ? "held" : "unknown");
            here.state().ifPresent(s -> answer.put("state", view(s)));
        } else if (found instanceof HubStateQuery.Answer.Elsewhere elsewhere) {
            answer.put("status", "elsewhere");
            answer.put("instance", elsewhere.host() + ":" + elsewhere.port());
        } else {
            answer.put("status", "not-ready");
            answer.put("why", ((HubStateQuery.Answer.NotReady) found).why());
        }
        return answer;
    }

    /** As {@link #local}, but an indicator held by another instance is asked of that instance. */
    public Map<String, Object> find(String indicatorId) {
        Map<String, Object> here = local(indicatorId);
        if (!"elsewhere".equals(here.get("status"))) {
            here.put("answeredBy", "this instance");
            return here;
        }
        return ask(http, (String) here.get("instance"), indicatorId, password);
    }

    /**
     * Asks the hub instance whose operations endpoint is at {@code instance} ({@code host:port}) for an
     * indicator's state ({@code /api/hub-state}), with the operator's password when given; an
     * instance that does not hold it names the one that does, and is asked no further here.
     */
    public static Map<String, Object> ask(HttpClient http, String instance, String indicatorId, String password) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + instance + "/api/hub-state?id="
                            + URLEncoder.encode(indicatorId, StandardCharsets.UTF_8)))
                    .timeout(PEER_TIMEOUT)
                    .header("Accept", "application/json");
            if (password != null) {
                request.header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString((ConsoleHandler.USER + ":" + password)
                                                .getBytes(StandardCharsets.UTF_8)));
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, Object> there;
            try {
                there = JSON.readValue(response.body(), new TypeReference<>() {});
            } catch (java.io.IOException notJson) {
                there = new LinkedHashMap<>();
            }
            if (response.statusCode() != 200 && !there.containsKey("status")) {
                there.put("status", "not-ready");
                there.put("why", "instance " + instance + " answered HTTP " + response.statusCode());
            }
            there.put("answeredBy", instance);
            return there;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of("status", "not-ready", "why", "interrupted");
        } catch (Exception e) {
            return Map.of("status", "not-ready", "why", "instance " + instance + " did not answer: " + e.getMessage());
        }
    }

    /** A client for {@link #ask}, with the peer timeout. */
    public static HttpClient client() {
        return HttpClient.newBuilder().connectTimeout(PEER_TIMEOUT).build();
    }

    private static Map<String, Object> view(IndicatorState state) {
        // The state is the merged indicator before enrichment: no score, country or AS of its own.
        Map<String, Object> v = IndicatorView.of(state.indicator());
        v.put("heldBy", List.copyOf(state.holderIds()));
        return v;
    }
}
