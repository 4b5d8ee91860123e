package io.threatline.platform.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST API over a real socket, on an ephemeral port, with an in-memory schema log. */
class SchemaRegistryServerTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String V1_CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final InMemorySchemaLog log = new InMemorySchemaLog();
    private SchemaRegistryServer server;

    /** A response with its body parsed as JSON. */
    record Response(int status, String contentType, String text) {
        JsonNode json() {
            try {
                return MAPPER.readTree(text);
            } catch (Exception e) {
                throw new AssertionError("Not JSON: " + text, e);
            }
        }
    }

    @BeforeEach
    void startServer() {
        server = start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private SchemaRegistryServer start() {
        return SchemaRegistryServer.start(
                SchemaRegistryServer.Settings.defaults().withPort(0), log);
    }

    private Response call(String method, String path, String body, String contentType) throws Exception {
        return call(method, path, body, contentType, null);
    }

    private Response call(String method, String path, String body, String contentType, String authorization)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .timeout(Duration.ofSeconds(10))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(
                response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(null),
                response.body());
    }

    private Response get(String path) throws Exception {
        return call("GET", path, null, null);
    }

    private Response post(String path, Object body) throws Exception {
        return call("POST", path, MAPPER.writeValueAsString(body), V1_CONTENT_TYPE);
    }

    private Response put(String path, Object body) throws Exception {
        return call("PUT", path, MAPPER.writeValueAsString(body), V1_CONTENT_TYPE);
    }

    private Response delete(String path) throws Exception {
        return call("DELETE", path, null, null);
    }

    private int register(String subject, String schema) throws Exception {
        Response response = post("/subjects/" + subject + "/versions", Map.of("schema", schema));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json().get("id").asInt();
    }

    private static void assertError(Response response, int status, int errorCode) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.contentType()).isEqualTo(V1_CONTENT_TYPE);
        JsonNode body = response.json();
        assertThat(body.get("error_code").asInt()).isEqualTo(errorCode);
        assertThat(body.get("message").asText()).isNotBlank();
        assertThat(body.size()).isEqualTo(2);
    }

    @Test
    void shouldRequireTheAdminsCredentialForWritesAndKeepReadsOpen() throws Exception {
        // Given a registry told to require the admin's credential, with one schema registered by the admin
        server.close();
        server = SchemaRegistryServer.start(
                SchemaRegistryServer.Settings.defaults()
                        .withPort(0)
                        .withWriteCredential(java.util.Optional.of(WriteCredential.of("admin", "s3cret-admin"))),
                log);
        String admin = basic("admin", "s3cret-admin");
        Response registered = call(
                "POST",
                "/subjects/a-value/versions",
                MAPPER.writeValueAsString(Map.of("schema", Schemas.V1)),
                V1_CONTENT_TYPE,
                admin);
        assertThat(registered.status()).as(registered.text()).isEqualTo(200);
        int id = registered.json().get("id").asInt();

        // When anyone else registers, changes the config or deletes, with no, wrong or malformed credentials
        List<Response> refused = List.of(
                post("/subjects/b-value/versions", Map.of("schema", Schemas.OTHER)),
                call(
                        "POST",
                        "/subjects/b-value/versions",
                        MAPPER.writeValueAsString(Map.of("schema", Schemas.OTHER)),
                        V1_CONTENT_TYPE,
                        basic("admin", "guess")),
                call(
                        "POST",
                        "/subjects/b-value/versions",
                        MAPPER.writeValueAsString(Map.of("schema", Schemas.OTHER)),
                        V1_CONTENT_TYPE,
                        "Basic %%%"),
                put("/config", Map.of("compatibility", "NONE")),
                delete("/subjects/a-value"));

        // Then each is refused with 401 in Confluent's error shape, and nothing changed
        for (Response r : refused) {
            assertError(r, 401, 40101);
        }
        assertThat(get("/subjects").text()).isEqualTo("[\"a-value\"]");
        assertThat(get("/config").json().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
        // And reads need no credential
        assertThat(get("/schemas/ids/" + id).status()).isEqualTo(200);
        assertThat(get("/subjects/a-value/versions/latest").status()).isEqualTo(200);
        // nor do the questions asked by POST: a schema's id under a subject, and compatibility
        Response lookup = post("/subjects/a-value", Map.of("schema", Schemas.V1));
        assertThat(lookup.status()).as(lookup.text()).isEqualTo(200);
        assertThat(lookup.json().get("id").asInt()).isEqualTo(id);
        assertThat(post("/compatibility/subjects/a-value/versions/latest", Map.of("schema", Schemas.V1))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void shouldLeaveWritesOpenWhenNoCredentialIsConfigured() throws Exception {
        // Given the default settings (as with a broker without authentication)
        // When a schema is registered without credentials
        Response response = post("/subjects/open-value/versions", Map.of("schema", Schemas.V1));

        // Then it is accepted
        assertThat(response.status()).as(response.text()).isEqualTo(200);
    }

    @Test
    void shouldNotShowTheCredentialInItsDescription() {
        assertThat(WriteCredential.of("admin", "s3cret-admin").toString())
                .doesNotContain("s3cret")
                .doesNotContain("admin");
        assertThat(SchemaRegistryServer.Settings.defaults()
                        .withWriteCredential(java.util.Optional.of(WriteCredential.of("admin", "s3cret-admin")))
                        .toString())
                .doesNotContain("s3cret");
    }

    private static String basic(String user, String password) {
        return "Basic "
                + java.util.Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void urlHasTheActualEphemeralPort() {
        assertThat(server.url().getScheme()).isEqualTo("http");
        assertThat(server.url().getPort()).isPositive();
    }

    @Test
    void rootTypesAndModeAnswerLikeConfluent() throws Exception {
        Response root = get("/");
        assertThat(root.status()).isEqualTo(200);
        assertThat(root.contentType()).isEqualTo(V1_CONTENT_TYPE);
        assertThat(root.text()).isEqualTo("{}");
        assertThat(get("/schemas/types").text()).isEqualTo("[\"AVRO\"]");
        assertThat(get("/mode").text()).isEqualTo("{\"mode\":\"READWRITE\"}");
    }

    @Test
    void registeringReturnsAnIdAndTheSameSchemaGetsTheSameIdInAnySubject() throws Exception {
        // When
        Response first = post("/subjects/a-value/versions", Map.of("schema", Schemas.V1));
        int again = register("a-value", Schemas.V1);
        int otherSubject = register("b-value", Schemas.V1);
        int different = register("c-value", Schemas.OTHER);

        // Then
        assertThat(first.text()).isEqualTo("{\"id\":1}");
        assertThat(again).isEqualTo(1);
        assertThat(otherSubject).isEqualTo(1);
        assertThat(different).isEqualTo(2);
        assertThat(get("/subjects/a-value/versions").text()).isEqualTo("[1]");
        assertThat(get("/subjects").text()).isEqualTo("[\"a-value\",\"b-value\",\"c-value\"]");
    }

    @Test
    void versionIsReturnedByNumberAndAsLatestWithoutSchemaType() throws Exception {
        // Given
        register("s", Schemas.V1);
        register("s", Schemas.V2_WITH_DEFAULT);

        // When
        JsonNode first = get("/subjects/s/versions/1").json();
        JsonNode latest = get("/subjects/s/versions/latest").json();

        // Then
        assertThat(first.get("subject").asText()).isEqualTo("s");
        assertThat(first.get("version").asInt()).isEqualTo(1);
        assertThat(first.get("id").asInt()).isEqualTo(1);
        assertThat(MAPPER.readTree(first.get("schema").asText())).isEqualTo(MAPPER.readTree(Schemas.V1));
        assertThat(first.has("schemaType")).isFalse();
        assertThat(latest.get("version").asInt()).isEqualTo(2);
        assertThat(latest.get("id").asInt()).isEqualTo(2);
        assertThat(get("/subjects/s/versions/-1").json()).isEqualTo(latest);
    }

    @Test
    void rawSchemaOfAVersionIsTheSchemaItself() throws Exception {
        // Given
        register("s", Schemas.V1);

        // When
        Response raw = get("/subjects/s/versions/1/schema");

        // Then
        assertThat(raw.status()).isEqualTo(200);
        assertThat(raw.json()).isEqualTo(MAPPER.readTree(Schemas.V1));
    }

    @Test
    void schemaIsResolvableByIdWithItsSubjectVersions() throws Exception {
        // Given
        int id = register("a", Schemas.V1);
        register("b", Schemas.V1);

        // When
        JsonNode byId = get("/schemas/ids/" + id).json();
        JsonNode versions = get("/schemas/ids/" + id + "/versions").json();

        // Then
        assertThat(byId.fieldNames()).toIterable().containsExactly("schema");
        assertThat(MAPPER.readTree(byId.get("schema").asText())).isEqualTo(MAPPER.readTree(Schemas.V1));
        assertThat(versions)
                .isEqualTo(MAPPER.readTree("[{\"subject\":\"a\",\"version\":1},{\"subject\":\"b\",\"version\":1}]"));
    }

    @Test
    void unknownIdIsSchemaNotFound() throws Exception {
        Response response = get("/schemas/ids/42");
        assertError(response, 404, 40403);
        assertThat(response.json().get("message").asText()).isEqualTo("Schema 42 not found");
        assertError(get("/schemas/ids/42/versions"), 404, 40403);
        assertError(get("/schemas/ids/notanumber"), 404, 404);
    }

    @Test
    void unknownSubjectVersionAndInvalidVersionHaveConfluentCodes() throws Exception {
        // Given
        register("s", Schemas.V1);

        // When / Then
        Response noSubject = get("/subjects/x/versions/1");
        assertError(noSubject, 404, 40401);
        assertThat(noSubject.text()).isEqualTo("{\"error_code\":40401,\"message\":\"Subject 'x' not found.\"}");
        assertError(get("/subjects/x/versions"), 404, 40401);
        assertError(get("/subjects/s/versions/7"), 404, 40402);
        assertError(get("/subjects/s/versions/0"), 422, 42202);
        assertError(get("/subjects/s/versions/first"), 422, 42202);
    }

    @Test
    void incompatibleRegistrationIsAConflictWithConfluentsBody() throws Exception {
        // Given: BACKWARD by default
        register("s", Schemas.V1);

        // When: a field without default is added
        Response response = post("/subjects/s/versions", Map.of("schema", Schemas.V2_WITHOUT_DEFAULT));

        // Then
        assertError(response, 409, 409);
        assertThat(response.json().get("message").asText())
                .startsWith("Schema being registered is incompatible with an earlier schema for subject \"s\", "
                        + "details: [{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'")
                .endsWith("{compatibility: 'BACKWARD'}]");
        assertThat(get("/subjects/s/versions").text()).isEqualTo("[1]");
    }

    @Test
    void compatibleEvolutionCreatesANewVersion() throws Exception {
        // Given
        register("s", Schemas.V1);

        // When: a field with a default is added
        int id = register("s", Schemas.V2_WITH_DEFAULT);

        // Then
        assertThat(id).isEqualTo(2);
        assertThat(get("/subjects/s/versions").text()).isEqualTo("[1,2]");
    }

    @Test
    void invalidSchemasAreUnprocessable() throws Exception {
        assertError(post("/subjects/s/versions", Map.of("schema", "{\"type\":\"record\",\"name\":\"R\"}")), 422, 42201);
        assertError(post("/subjects/s/versions", Map.of("schema", "")), 422, 42201);
        assertError(post("/subjects/s/versions", Map.of("schema", "{}", "schemaType", "PROTOBUF")), 422, 42201);
        Response references = post(
                "/subjects/s/versions",
                Map.of("schema", Schemas.V1, "references", List.of(Map.of("name", "x", "subject", "y", "version", 1))));
        assertError(references, 422, 42201);
        assertThat(references.json().get("message").asText()).contains("references are not supported");
        assertThat(post(
                                "/subjects/s/versions",
                                Map.of("schema", Schemas.V1, "schemaType", "AVRO", "references", List.of()))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void malformedJsonBodyIsABadRequest() throws Exception {
        assertError(call("POST", "/subjects/s/versions", "{not json", V1_CONTENT_TYPE), 400, 400);
    }

    @Test
    void lookupUnderASubjectFindsTheRegisteredVersion() throws Exception {
        // Given
        register("s", Schemas.V1);
        register("s", Schemas.V2_WITH_DEFAULT);

        // When
        JsonNode found =
                post("/subjects/s", Map.of("schema", Schemas.V2_WITH_DEFAULT)).json();

        // Then
        assertThat(found.get("subject").asText()).isEqualTo("s");
        assertThat(found.get("version").asInt()).isEqualTo(2);
        assertThat(found.get("id").asInt()).isEqualTo(2);
        assertThat(found.has("schema")).isTrue();
        assertError(post("/subjects/s", Map.of("schema", Schemas.OTHER)), 404, 40403);
        assertError(post("/subjects/x", Map.of("schema", Schemas.V1)), 404, 40401);
    }

    @Test
    void compatibilityCheckAnswersIsCompatibleWithOptionalMessages() throws Exception {
        // Given
        register("s", Schemas.V1);

        // When / Then
        assertThat(post("/compatibility/subjects/s/versions/latest", Map.of("schema", Schemas.V2_WITH_DEFAULT))
                        .text())
                .isEqualTo("{\"is_compatible\":true}");
        assertThat(post("/compatibility/subjects/s/versions/1", Map.of("schema", Schemas.V2_WITHOUT_DEFAULT))
                        .text())
                .isEqualTo("{\"is_compatible\":false}");
        JsonNode verbose = post(
                        "/compatibility/subjects/s/versions/latest?verbose=true",
                        Map.of("schema", Schemas.V2_WITHOUT_DEFAULT))
                .json();
        assertThat(verbose.get("is_compatible").asBoolean()).isFalse();
        assertThat(verbose.get("messages").get(0).asText()).contains("READER_FIELD_MISSING_DEFAULT_VALUE");
        assertError(post("/compatibility/subjects/x/versions/latest", Map.of("schema", Schemas.V1)), 404, 40401);
        assertError(post("/compatibility/subjects/s/versions/3", Map.of("schema", Schemas.V1)), 404, 40402);
    }

    @Test
    void globalConfigCanBeReadAndChanged() throws Exception {
        assertThat(get("/config").text()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");

        Response changed = put("/config", Map.of("compatibility", "FULL"));

        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.text()).isEqualTo("{\"compatibility\":\"FULL\"}");
        assertThat(get("/config").text()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
        assertError(put("/config", Map.of("compatibility", "SIDEWAYS")), 422, 42203);
    }

    @Test
    void subjectConfigOverridesGlobalAndCanBeDeleted() throws Exception {
        // Given
        register("s", Schemas.V1);
        Response missing = get("/config/s");
        assertError(missing, 404, 40408);
        assertThat(missing.json().get("message").asText())
                .isEqualTo("Subject 's' does not have subject-level compatibility configured");
        assertThat(get("/config/s?defaultToGlobal=true").text()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");

        // When
        assertThat(put("/config/s", Map.of("compatibility", "none")).text()).isEqualTo("{\"compatibility\":\"NONE\"}");

        // Then
        assertThat(get("/config/s").text()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
        assertThat(register("s", Schemas.OTHER)).isEqualTo(2);
        assertThat(delete("/config/s").text()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
        assertError(get("/config/s"), 404, 40408);
    }

    @Test
    void softDeletedVersionDisappearsButItsIdStaysResolvableAndPermanentDeleteRemovesIt() throws Exception {
        // Given
        int id = register("s", Schemas.V1);
        register("s", Schemas.V2_WITH_DEFAULT);

        // When
        Response soft = delete("/subjects/s/versions/1");

        // Then
        assertThat(soft.text()).isEqualTo("1");
        assertThat(get("/subjects/s/versions").text()).isEqualTo("[2]");
        assertThat(get("/subjects/s/versions?deleted=true").text()).isEqualTo("[1,2]");
        assertError(get("/subjects/s/versions/1"), 404, 40402);
        assertThat(get("/subjects/s/versions/1?deleted=true").status()).isEqualTo(200);
        assertThat(get("/schemas/ids/" + id).status()).isEqualTo(200);
        assertError(delete("/subjects/s/versions/2?permanent=true"), 404, 40407);

        // When
        Response permanent = delete("/subjects/s/versions/1?permanent=true");

        // Then
        assertThat(permanent.text()).isEqualTo("1");
        assertThat(get("/subjects/s/versions?deleted=true").text()).isEqualTo("[2]");
        assertError(get("/schemas/ids/" + id), 404, 40403);
    }

    @Test
    void deletingASubjectListsItsVersionsAndPermanentDeleteForgetsIt() throws Exception {
        // Given
        register("s", Schemas.V1);
        register("s", Schemas.V2_WITH_DEFAULT);

        // When / Then
        assertError(delete("/subjects/s?permanent=true"), 404, 40405);
        assertThat(delete("/subjects/s").text()).isEqualTo("[1,2]");
        assertThat(get("/subjects").text()).isEqualTo("[]");
        assertThat(get("/subjects?deleted=true").text()).isEqualTo("[\"s\"]");
        assertError(delete("/subjects/s"), 404, 40404);
        assertThat(delete("/subjects/s?permanent=true").text()).isEqualTo("[1,2]");
        assertThat(get("/subjects?deleted=true").text()).isEqualTo("[]");
        assertError(delete("/subjects/s"), 404, 40401);
    }

    @Test
    void unknownPathAndWrongMethodAreRefusedWithErrorBodies() throws Exception {
        assertError(get("/nothing/here"), 404, 404);
        assertError(call("POST", "/schemas/types", "{}", V1_CONTENT_TYPE), 405, 405);
        assertError(delete("/"), 405, 405);
    }

    @Test
    void acceptedRequestContentTypesIncludeNoneAndOthersAreRefused() throws Exception {
        String body = MAPPER.writeValueAsString(Map.of("schema", Schemas.V1));
        for (String type : new String[] {
            "application/vnd.schemaregistry.v1+json",
            "application/vnd.schemaregistry+json",
            "application/json; charset=utf-8",
            null
        }) {
            assertThat(call("POST", "/subjects/s/versions", body, type).text())
                    .as(type)
                    .isEqualTo("{\"id\":1}");
        }
        assertError(call("POST", "/subjects/s/versions", body, "text/plain"), 415, 415);
    }

    @Test
    void requestShapedLikeConfluentsPythonClientIsServed() throws Exception {
        // Given: CachedSchemaRegistryClient 1.7.0 posts json.dumps(schema) with its headers
        String pythonSchema = "{\"type\": \"record\", \"name\": \"Indicator\", \"namespace\": \"test\", "
                + "\"fields\": [{\"name\": \"a\", \"type\": \"string\"}]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + "/subjects/ti-value/versions"))
                .header(
                        "Accept",
                        "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, "
                                + "application/json")
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(Map.of("schema", pythonSchema))))
                .build();

        // When
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());

        // Then
        assertThat(response.statusCode()).isEqualTo(200);
        int id = MAPPER.readTree(response.body()).get("id").asInt();
        assertThat(register("ti-value", Schemas.V1)).isEqualTo(id);
        assertThat(MAPPER.readTree(
                        get("/schemas/ids/" + id).json().get("schema").asText()))
                .isEqualTo(MAPPER.readTree(pythonSchema));
    }

    @Test
    void percentEncodedSubjectNamesAreDecoded() throws Exception {
        register("team%2Fthreats%20feed", Schemas.V1);
        assertThat(get("/subjects").text()).isEqualTo("[\"team/threats feed\"]");
        assertThat(get("/subjects/team%2Fthreats%20feed/versions/1")
                        .json()
                        .get("subject")
                        .asText())
                .isEqualTo("team/threats feed");
    }

    @Test
    void storeFailureIsAServerErrorWithCode50001() throws Exception {
        log.failAppends(true);
        assertError(post("/subjects/s/versions", Map.of("schema", Schemas.V1)), 500, 50001);
        log.failAppends(false);
        assertThat(register("s", Schemas.V1)).isEqualTo(1);
    }

    @Test
    void concurrentRegistrationsOfOneSchemaYieldOneIdAndOneVersion() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                calls.add(() -> register("s", Schemas.V1));
            }
            for (Future<Integer> id : pool.invokeAll(calls)) {
                assertThat(id.get()).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(get("/subjects/s/versions").text()).isEqualTo("[1]");
    }

    @Test
    void aRestartedServerOverTheSameLogHasTheSameStateAndContinuesIds() throws Exception {
        // Given
        register("a", Schemas.V1);
        register("a", Schemas.V2_WITH_DEFAULT);
        register("b", Schemas.V1);
        delete("/subjects/a/versions/1");
        put("/config", Map.of("compatibility", "FULL"));
        put("/config/b", Map.of("compatibility", "NONE"));
        JsonNode latestBefore = get("/subjects/a/versions/latest").json();
        server.close();

        // When
        server = start();

        // Then
        assertThat(get("/subjects").text()).isEqualTo("[\"a\",\"b\"]");
        assertThat(get("/subjects/a/versions").text()).isEqualTo("[2]");
        assertThat(get("/subjects/a/versions?deleted=true").text()).isEqualTo("[1,2]");
        assertThat(get("/subjects/a/versions/latest").json()).isEqualTo(latestBefore);
        assertThat(get("/subjects/b/versions/1").json().get("id").asInt()).isEqualTo(1);
        assertThat(get("/schemas/ids/1").status()).isEqualTo(200);
        assertThat(get("/config").text()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
        assertThat(get("/config/b").text()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
        assertThat(register("c", Schemas.OTHER)).isEqualTo(3);
    }
}
