package io.threatline.platform.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.threatline.platform.testing.SharedKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The local registry over a real broker: what it was told survives a restart, and 409s come back in Confluent's shape. */
class KafkaBackedRegistryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String V1 =
            "{\"type\":\"record\",\"name\":\"Sighting\",\"namespace\":\"it\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";
    private static final String V2 =
            "{\"type\":\"record\",\"name\":\"Sighting\",\"namespace\":\"it\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
                    + "{\"name\":\"score\",\"type\":\"int\",\"default\":0}]}";
    private static final String BREAKING =
            "{\"type\":\"record\",\"name\":\"Sighting\",\"namespace\":\"it\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
                    + "{\"name\":\"mandatory\",\"type\":\"int\"}]}";

    @Test
    void shouldKeepSubjectsIdsAndConfigAcrossARestartAndRefuseIncompatibleSchemasWith409() throws Exception {
        String schemasTopic = "_schemas-it-" + UUID.randomUUID();
        int v1Id;
        int v2Id;
        // Given a registry on the broker that was told two versions, a second subject and a level
        try (KafkaBackedRegistry registry =
                KafkaBackedRegistry.start(SharedKafka.bootstrapServers(), "localhost", 0, schemasTopic, Map.of())) {
            URI url = registry.url();
            v1Id = post(url, "/subjects/sightings-value/versions", V1)
                    .path("id")
                    .asInt();
            v2Id = post(url, "/subjects/sightings-value/versions", V2)
                    .path("id")
                    .asInt();
            assertThat(post(url, "/subjects/other-value/versions", V1)
                            .path("id")
                            .asInt())
                    .as("same schema, same id")
                    .isEqualTo(v1Id);
            send(url, "PUT", "/config/other-value", "{\"compatibility\":\"FULL\"}");

            // When an incompatible schema is registered
            HttpResponse<String> refused =
                    send(url, "POST", "/subjects/sightings-value/versions", schemaBody(BREAKING));

            // Then the answer is Confluent's 409
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(JSON.readTree(refused.body()).path("error_code").asInt()).isEqualTo(409);
            assertThat(JSON.readTree(refused.body()).path("message").asText()).contains("incompatible");
        }

        // Then a new registry over the same topic knows all of it
        try (KafkaBackedRegistry registry =
                KafkaBackedRegistry.start(SharedKafka.bootstrapServers(), "localhost", 0, schemasTopic, Map.of())) {
            URI url = registry.url();
            assertThat(get(url, "/subjects").toString()).isEqualTo("[\"other-value\",\"sightings-value\"]");
            assertThat(get(url, "/subjects/sightings-value/versions").toString())
                    .isEqualTo("[1,2]");
            assertThat(get(url, "/subjects/sightings-value/versions/latest")
                            .path("id")
                            .asInt())
                    .isEqualTo(v2Id);
            assertThat(get(url, "/schemas/ids/" + v1Id).path("schema").asText()).contains("\"Sighting\"");
            assertThat(get(url, "/config/other-value")
                            .path("compatibilityLevel")
                            .asText())
                    .isEqualTo("FULL");
            int next = post(
                            url,
                            "/subjects/third-value/versions",
                            "{\"type\":\"record\",\"name\":\"Third\",\"fields\":[{\"name\":\"x\",\"type\":\"long\"}]}")
                    .path("id")
                    .asInt();
            assertThat(next).as("ids continue after a restart").isEqualTo(Math.max(v1Id, v2Id) + 1);
        }
    }

    private static String schemaBody(String schema) throws Exception {
        return JSON.createObjectNode().put("schema", schema).toString();
    }

    private static JsonNode post(URI base, String path, String schema) throws Exception {
        HttpResponse<String> response = send(base, "POST", path, schemaBody(schema));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode get(URI base, String path) throws Exception {
        HttpResponse<String> response = send(base, "GET", path, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> send(URI base, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
