package io.threatline.platform.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches HTTP exchanges to handlers by method and path template ({@code /subjects/{subject}/versions}),
 * checks request content types, and turns results and failures into JSON responses with Confluent's error shape.
 */
final class HttpRouter implements HttpHandler {

    /** Handles a routed request; returns the 200 response body or throws {@link SchemaRegistryException}. */
    @FunctionalInterface
    interface Handler {
        Object handle(Request request);
    }

    /** A routed request: decoded path parameters, query parameters and body. */
    record Request(Map<String, String> pathParams, Map<String, String> query, byte[] body) {

        String path(String name) {
            return pathParams.get(name);
        }

        /** Whether a boolean query parameter is {@code true}. */
        boolean flag(String name) {
            return Boolean.parseBoolean(query.get(name));
        }

        /** The body parsed as a JSON object. */
        JsonNode json() {
            try {
                JsonNode node = body.length == 0 ? null : JsonResponses.MAPPER.readTree(body);
                if (node == null || !node.isObject()) {
                    throw new SchemaRegistryException(ErrorCode.BAD_REQUEST, "Request body must be a JSON object");
                }
                return node;
            } catch (JsonProcessingException e) {
                throw new SchemaRegistryException(ErrorCode.BAD_REQUEST, e.getOriginalMessage());
            } catch (IOException e) {
                throw new SchemaRegistryException(ErrorCode.BAD_REQUEST, "Unreadable request body");
            }
        }
    }

    private record Route(String method, String[] segments, Handler handler) {}

    private static final Logger LOGGER = LoggerFactory.getLogger(HttpRouter.class);
    private static final Set<String> ACCEPTED_CONTENT_TYPES =
            Set.of("application/vnd.schemaregistry.v1+json", "application/vnd.schemaregistry+json", "application/json");
    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private static final Set<String> WRITE_METHODS = Set.of("POST", "PUT", "DELETE");

    private final List<Route> routes = new ArrayList<>();
    private volatile java.util.Optional<WriteCredential> writeCredential = java.util.Optional.empty();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closing;

    /** Adds a route; {@code template} segments in braces capture a path parameter. */
    HttpRouter add(String method, String template, Handler handler) {
        routes.add(new Route(method, segments(template), handler));
        return this;
    }

    /**
     * Requires {@code credential} of every POST, PUT and DELETE (401 without it); with none, every
     * request is open, as on a platform whose broker runs without authentication.
     */
    HttpRouter requireForWrites(java.util.Optional<WriteCredential> credential) {
        this.writeCredential = credential;
        return this;
    }

    /** Stops accepting requests (answering 503) and waits up to {@code grace} for those in flight. */
    void shutdown(Duration grace) {
        closing = true;
        long deadline = System.nanoTime() + grace.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void handle(HttpExchange exchange) {
        inFlight.incrementAndGet();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        try (exchange) {
            int status = 200;
            Object body;
            try {
                body = dispatch(exchange, method);
            } catch (SchemaRegistryException e) {
                status = e.httpStatus();
                if (status == 401) {
                    exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"threatline-schema-registry\"");
                }
                body = JsonResponses.error(e.errorCode(), e.getMessage());
                if (status >= 500) {
                    LOGGER.warn("{} {} failed with {}: {}", method, path, e.errorCode(), e.getMessage());
                } else {
                    LOGGER.debug("{} {} refused with {}: {}", method, path, e.errorCode(), e.getMessage());
                }
            } catch (RuntimeException e) {
                LOGGER.error("Unexpected failure handling {} {}", method, path, e);
                status = 500;
                body = JsonResponses.error(ErrorCode.INTERNAL_SERVER_ERROR.code(), "Internal Server Error");
            }
            byte[] bytes = JsonResponses.toBytes(body);
            exchange.getResponseHeaders().set("Content-Type", JsonResponses.CONTENT_TYPE);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            LOGGER.debug("{} {} -> {}", method, path, status);
        } catch (IOException e) {
            LOGGER.debug("Could not answer {} {}: {}", method, path, e.toString());
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private Object dispatch(HttpExchange exchange, String method) throws IOException {
        if (closing) {
            throw new SchemaRegistryException(ErrorCode.SERVICE_UNAVAILABLE, "Schema registry is shutting down");
        }
        java.util.Optional<WriteCredential> credential = writeCredential;
        String[] requested = segments(exchange.getRequestURI().getRawPath());
        if (WRITE_METHODS.contains(method)
                && !isQuestionByPost(method, requested)
                && credential.isPresent()
                && !credential.get().allows(exchange.getRequestHeaders().getFirst("Authorization"))) {
            // Before the body is read: a caller without the credential costs nothing.
            throw new SchemaRegistryException(
                    ErrorCode.UNAUTHORIZED,
                    "Changing the registry (" + method + ") requires the platform admin's credentials (HTTP Basic)");
        }
        String[] actual = segments(exchange.getRequestURI().getRawPath());
        boolean pathKnown = false;
        for (Route route : routes) {
            Map<String, String> params = match(route.segments(), actual);
            if (params == null) {
                continue;
            }
            pathKnown = true;
            if (route.method().equals(method)) {
                if ("POST".equals(method) || "PUT".equals(method)) {
                    checkContentType(exchange);
                }
                byte[] body = readBody(exchange.getRequestBody());
                return route.handler()
                        .handle(new Request(
                                params, query(exchange.getRequestURI().getRawQuery()), body));
            }
        }
        throw pathKnown
                ? new SchemaRegistryException(ErrorCode.METHOD_NOT_ALLOWED, "HTTP 405 Method Not Allowed")
                : new SchemaRegistryException(ErrorCode.NOT_FOUND, "HTTP 404 Not Found");
    }

    /**
     * The two POSTs that change nothing: looking up a schema's id under a subject
     * ({@code POST /subjects/{subject}}) and testing compatibility ({@code POST /compatibility/...}).
     * A sensor whose subject the operator registered needs only these, with no credential.
     */
    private static boolean isQuestionByPost(String method, String[] segments) {
        return "POST".equals(method)
                && segments.length > 0
                && ((segments.length == 2 && "subjects".equals(segments[0])) || "compatibility".equals(segments[0]));
    }

    private static void checkContentType(HttpExchange exchange) {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || contentType.isBlank()) {
            return;
        }
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!ACCEPTED_CONTENT_TYPES.contains(mediaType)) {
            throw new SchemaRegistryException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "HTTP 415 Unsupported Media Type");
        }
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw new SchemaRegistryException(ErrorCode.BAD_REQUEST, "Request body too large");
        }
        return body;
    }

    private static Map<String, String> match(String[] template, String[] actual) {
        if (template.length != actual.length) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (t.startsWith("{") && t.endsWith("}")) {
                params.put(t.substring(1, t.length() - 1), decode(actual[i]));
            } else if (!t.equals(actual[i])) {
                return null;
            }
        }
        return params;
    }

    private static String[] segments(String rawPath) {
        return rawPath.chars().allMatch(c -> c == '/')
                ? new String[0]
                : rawPath.replaceAll("^/+|/+$", "").split("/+");
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> query = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            query.putIfAbsent(decodeQuery(name), eq < 0 ? "" : decodeQuery(pair.substring(eq + 1)));
        }
        return query;
    }

    /** Percent-decodes a path segment; unlike a query string, '+' stays '+'. */
    private static String decode(String segment) {
        return decodeQuery(segment.replace("+", "%2B"));
    }

    private static String decodeQuery(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new SchemaRegistryException(ErrorCode.BAD_REQUEST, "Malformed percent-encoding: " + value);
        }
    }
}
