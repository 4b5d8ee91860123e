package io.threatline.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * Talks the Confluent Schema Registry REST API over HTTP. No caching here: wrap it in
 * {@link CachingSchemaRegistryClient} so the record path never waits on HTTP. Several base URLs may
 * be given; a call that cannot reach one tries the next.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<URI> baseUrls;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final Optional<String> authorization;

    /**
     * @param baseUrls       registry URLs, tried in order when one is unreachable
     * @param requestTimeout timeout of each HTTP request
     * @param basicAuthUserInfo {@code user:password} for HTTP Basic, if the registry needs it
     */
    public RestSchemaRegistryClient(List<URI> baseUrls, Duration requestTimeout, Optional<String> basicAuthUserInfo) {
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("at least one schema registry URL is needed");
        }
        this.baseUrls = List.copyOf(baseUrls);
        this.requestTimeout = Objects.requireNonNull(requestTimeout);
        this.authorization = basicAuthUserInfo.map(
                u -> "Basic " + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)));
        this.http = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
    }

    public RestSchemaRegistryClient(URI baseUrl) {
        this(List.of(baseUrl), Duration.ofSeconds(10), Optional.empty());
    }

    @Override
    public int register(String subject, Schema schema) {
        JsonNode body = call(
                "POST",
                "/subjects/" + enc(subject) + "/versions",
                schemaBody(schema),
                "register a schema under subject '" + subject + "'");
        return body.path("id").asInt();
    }

    @Override
    public Optional<SchemaVersion> lookup(String subject, Schema schema) {
        try {
            JsonNode body = call(
                    "POST",
                    "/subjects/" + enc(subject),
                    schemaBody(schema),
                    "look up a schema under subject '" + subject + "'");
            return Optional.of(new SchemaVersion(
                    subject, body.path("version").asInt(), body.path("id").asInt(), schema));
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Schema schemaById(int id) {
        JsonNode body = call("GET", "/schemas/ids/" + id, null, "get the schema with id " + id);
        return parse(body.path("schema").asText(), "schema id " + id);
    }

    @Override
    public SchemaVersion latest(String subject) {
        return toVersion(call(
                "GET",
                "/subjects/" + enc(subject) + "/versions/latest",
                null,
                "get the latest version of subject '" + subject + "'"));
    }

    @Override
    public SchemaVersion version(String subject, int version) {
        return toVersion(call(
                "GET",
                "/subjects/" + enc(subject) + "/versions/" + version,
                null,
                "get version " + version + " of subject '" + subject + "'"));
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        try {
            JsonNode body = call(
                    "POST",
                    "/compatibility/subjects/" + enc(subject) + "/versions/latest",
                    schemaBody(schema),
                    "check compatibility with subject '" + subject + "'");
            return body.path("is_compatible").asBoolean(false);
        } catch (SchemaRegistryException e) {
            // Nothing registered yet: anything is compatible.
            if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
                    || e.errorCode() == SchemaRegistryException.VERSION_NOT_FOUND) {
                return true;
            }
            throw e;
        }
    }

    @Override
    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        call("GET", "/subjects", null, "list subjects").forEach(n -> subjects.add(n.asText()));
        return subjects;
    }

    @Override
    public List<Integer> versions(String subject) {
        List<Integer> versions = new ArrayList<>();
        call("GET", "/subjects/" + enc(subject) + "/versions", null, "list versions of subject '" + subject + "'")
                .forEach(n -> versions.add(n.asInt()));
        return versions;
    }

    @Override
    public String compatibility(Optional<String> subject) {
        String path =
                subject.map(s -> "/config/" + enc(s) + "?defaultToGlobal=true").orElse("/config");
        return call("GET", path, null, "get the compatibility level")
                .path("compatibilityLevel")
                .asText();
    }

    @Override
    public void setCompatibility(Optional<String> subject, String level) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level);
        call(
                "PUT",
                subject.map(s -> "/config/" + enc(s)).orElse("/config"),
                body.toString(),
                "set the compatibility level");
    }

    @Override
    public void close() {
        // java.net.http.HttpClient has no close() on Java 17; its threads end with it.
    }

    private SchemaVersion toVersion(JsonNode body) {
        String subject = body.path("subject").asText();
        int version = body.path("version").asInt();
        return new SchemaVersion(
                subject,
                version,
                body.path("id").asInt(),
                parse(body.path("schema").asText(), "subject '" + subject + "' version " + version));
    }

    private static String schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private JsonNode call(String method, String path, String body, String what) {
        SchemaRegistryException unreachable = null;
        for (URI base : baseUrls) {
            URI uri = URI.create(stripSlash(base.toString()) + path);
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(requestTimeout)
                    .header("Accept", CONTENT_TYPE + ", application/json")
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (body != null) {
                request.header("Content-Type", CONTENT_TYPE);
            }
            authorization.ifPresent(a -> request.header("Authorization", a));
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                unreachable = new SchemaRegistryException(
                        "Schema registry at " + base + " is unreachable (could not " + what + "): " + describe(e),
                        SchemaRegistryException.UNREACHABLE,
                        0,
                        e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException(
                        "Interrupted while trying to " + what + " at " + base,
                        SchemaRegistryException.UNREACHABLE,
                        0,
                        e);
            }
            return handle(response, base, what);
        }
        throw unreachable;
    }

    private static JsonNode handle(HttpResponse<String> response, URI base, String what) {
        JsonNode json;
        try {
            json = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            json = null;
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300 && json != null) {
            return json;
        }
        if (json != null && json.has("error_code")) {
            int code = json.path("error_code").asInt();
            String message = json.path("message").asText();
            String prefix = code == SchemaRegistryException.INCOMPATIBLE ? "Incompatible schema: " : "";
            throw new SchemaRegistryException(
                    prefix + "Schema registry at " + base + " refused to " + what + ": " + message + " (error " + code
                            + ", HTTP " + status + ")",
                    code,
                    status,
                    null);
        }
        String snippet = response.body().length() > 200 ? response.body().substring(0, 200) + "..." : response.body();
        throw new SchemaRegistryException(
                "Schema registry at " + base + " answered HTTP " + status + " when asked to " + what
                        + "; is it a Confluent-compatible registry? Body: " + snippet,
                status,
                status,
                null);
    }

    private static Schema parse(String text, String what) {
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(
                    "The registry's " + what + " is not a valid Avro schema: " + e.getMessage(),
                    SchemaRegistryException.INVALID_SCHEMA,
                    200,
                    e);
        }
    }

    private static String describe(IOException e) {
        String type = e.getClass().getSimpleName();
        return e.getMessage() == null ? type : type + ": " + e.getMessage();
    }

    private static String enc(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
