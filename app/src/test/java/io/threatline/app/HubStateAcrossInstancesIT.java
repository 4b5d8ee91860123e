package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.threatline.app.console.HubStateLookup;
import io.threatline.app.ops.OpsServer;
import io.threatline.platform.testing.SharedPlatform;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.schemas.topics.TopicSnapshot;
import io.threatline.streams.HubApp;
import io.threatline.streams.HubConfig;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's state read with interactive queries when the hub runs as two instances: each holds half
 * of the indicators' partitions, and the console of either one finds every indicator — from its own
 * store, or by asking the instance that holds it on that instance's operations endpoint.
 */
class HubStateAcrossInstancesIT {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    @TempDir
    Path work;

    @Test
    void shouldFindEveryIndicatorsStateFromEitherInstance() throws Exception {
        // Given the scenario's agreements and two hub instances of one application, each with its endpoint
        ThreatlineTopics topics = ScenarioTopics.withAgreements("iq", 4);
        String prefix = topics.prefix();
        int portA = freePort();
        int portB = freePort();
        try (HubApp a = hub(prefix, "a", portA);
                HubApp b = hub(prefix, "b", portB);
                OpsServer opsA = endpoint(a, portA);
                OpsServer opsB = endpoint(b, portB)) {
            a.start();
            b.start();
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> a.state() == KafkaStreams.State.RUNNING
                            && b.state() == KafkaStreams.State.RUNNING
                            && a.streams().metadataForLocalThreads().stream()
                                    .allMatch(t -> !t.activeTasks().isEmpty())
                            && b.streams().metadataForLocalThreads().stream()
                                    .allMatch(t -> !t.activeTasks().isEmpty()));

            // When a simulated fleet's events have gone through both
            int events = 3_000;
            assertThat(ScenarioTopics.command(
                            "simulate",
                            "--count",
                            Integer.toString(events),
                            "--rate",
                            "0",
                            "--seed",
                            "5",
                            "--topic",
                            topics.sensorEvents()))
                    .isZero();
            await().atMost(Duration.ofSeconds(120))
                    .until(() ->
                            a.counters().eventsIn.sum() + b.counters().eventsIn.sum() >= events);
            Set<String> ids = new TreeSet<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                ids.clear();
                TopicSnapshot.read(client(), topics.indicators(), r -> ids.add(r.key()));
                return ids.size() > 100;
            });

            // Then either instance's console finds every indicator the hub emitted, here or from the other
            HubStateLookup fromA = new HubStateLookup(a.stateQuery(), null);
            HubStateLookup fromB = new HubStateLookup(b.stateQuery(), null);
            List<String> sample = new ArrayList<>(ids).subList(0, Math.min(300, ids.size()));
            Set<Object> answeredForA = new HashSet<>();
            Set<Object> answeredForB = new HashSet<>();
            for (String id : sample) {
                Map<String, Object> viaA = await().atMost(Duration.ofSeconds(30))
                        .until(() -> fromA.find(id), r -> !"not-ready".equals(r.get("status")));
                Map<String, Object> viaB = fromB.find(id);
                assertThat(viaA.get("status")).as(id + " " + viaA).isIn("held", "unknown");
                assertThat(viaB.get("status")).as(id + " " + viaB).isEqualTo(viaA.get("status"));
                if ("held".equals(viaA.get("status"))) {
                    assertThat(((Map<?, ?>) viaA.get("state")).get("id")).isEqualTo(id);
                    // the same record, whichever instance was asked (compared as JSON: numbers come back as the peer
                    // wrote them)
                    assertThat(JSON.writeValueAsString(viaB.get("state")))
                            .isEqualTo(JSON.writeValueAsString(viaA.get("state")));
                }
                answeredForA.add(viaA.get("answeredBy"));
                answeredForB.add(viaB.get("answeredBy"));
            }
            assertThat(answeredForA).containsExactlyInAnyOrder("this instance", "localhost:" + portB);
            assertThat(answeredForB).containsExactlyInAnyOrder("this instance", "localhost:" + portA);
            // and an instance answers for its own part only: asked for the other's, it names that one
            String held = sample.stream()
                    .filter(id -> "elsewhere".equals(fromA.local(id).get("status")))
                    .findFirst()
                    .orElseThrow();
            assertThat(fromA.local(held)).containsEntry("instance", "localhost:" + portB);
        }
    }

    private static HubApp hub(String prefix, String name, int port) {
        Map<String, Object> settings = client();
        settings.put(HubConfig.TOPIC_PREFIX, prefix);
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix + "hub");
        settings.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "localhost:" + port);
        return new HubApp(settings, Path.of("target", "tmp", prefix + name).toAbsolutePath());
    }

    private static OpsServer endpoint(HubApp hub, int port) throws Exception {
        return new OpsServer()
                .withHub(hub.counters(), () -> hub.state() == KafkaStreams.State.RUNNING)
                .withHubState(new HubStateLookup(hub.stateQuery(), null))
                .start("127.0.0.1", port);
    }

    private static Map<String, Object> client() {
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", SharedPlatform.bootstrapServers());
        settings.put(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                SharedPlatform.registryUrl().toString());
        return settings;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
