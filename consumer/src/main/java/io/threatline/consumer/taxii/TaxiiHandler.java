package io.threatline.consumer.taxii;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.threatline.consumer.stix.StixIds;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TAXII 2.1 endpoints, read only:
 * <pre>
 * /taxii2/                                            discovery (the caller's own API root only)
 * /&lt;partner&gt;/                                         API root information
 * /&lt;partner&gt;/collections/                             the collections granted to the partner
 * /&lt;partner&gt;/collections/&lt;id&gt;/                        one collection
 * /&lt;partner&gt;/collections/&lt;id&gt;/objects/                objects, paged
 * /&lt;partner&gt;/collections/&lt;id&gt;/objects/&lt;object-id&gt;/    one object (its latest version unless match[version] says), paged
 * /&lt;partner&gt;/collections/&lt;id&gt;/objects/&lt;object-id&gt;/versions/   the versions of one object, paged
 * /&lt;partner&gt;/collections/&lt;id&gt;/manifest/               manifest, paged
 * </pre>
 * Every request must authenticate (HTTP Basic, user = partner id; 401 otherwise). Another
 * partner's API root, an ungranted collection and an unknown path all answer 404 alike, so a
 * partner cannot even learn which other partners exist. Too many failed logins from a user name
 * or an address, and too many requests of one partner, answer 429 with {@code Retry-After}.
 */
final class TaxiiHandler extends Handler.Abstract {

    private static final Logger LOGGER = LoggerFactory.getLogger(TaxiiHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String DATE_ADDED_FIRST = "X-TAXII-Date-Added-First";
    static final String DATE_ADDED_LAST = "X-TAXII-Date-Added-Last";

    private final String title;
    private final String scheme;
    private final BasicAuthenticator authenticator;
    private final CollectionPages pages;
    private final TaxiiDeliveryListener listener;
    private final PartnerRateLimiter rateLimiter;
    private final TaxiiReports reports;

    TaxiiHandler(
            String title,
            boolean tls,
            BasicAuthenticator authenticator,
            PartnerRateLimiter rateLimiter,
            CollectionPages pages,
            TaxiiDeliveryListener listener,
            TaxiiReports reports) {
        this.reports = reports;
        this.title = title;
        this.scheme = tls ? "https" : "http";
        this.authenticator = authenticator;
        this.rateLimiter = rateLimiter;
        this.pages = pages;
        this.listener = listener;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            route(request, response, callback);
        } catch (TaxiiRequestException e) {
            error(response, callback, e.status(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error(response, callback, 503, "the server is shutting down");
        } catch (RuntimeException e) {
            LOGGER.error("TAXII request {} failed", request.getHttpURI().getPath(), e);
            error(response, callback, 500, "internal error");
        }
        return true;
    }

    private void route(Request request, Response response, Callback callback)
            throws TaxiiRequestException, InterruptedException {
        BasicAuthenticator.Outcome outcome = authenticator.authenticate(
                request.getHeaders().get(HttpHeader.AUTHORIZATION), Request.getRemoteAddr(request));
        if (outcome.retryAfter().isPresent()) {
            retryAfter(response, outcome.retryAfter().get());
            throw new TaxiiRequestException(429, "too many failed logins; wait before trying again");
        }
        if (outcome.partner().isEmpty()) {
            response.getHeaders()
                    .put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"threatline-taxii\", charset=\"UTF-8\"");
            throw new TaxiiRequestException(
                    401, "authentication required: HTTP Basic with your partner id and TAXII password");
        }
        TaxiiPartner partner = outcome.partner().get();
        Optional<java.time.Duration> limited = rateLimiter.acquire(partner.partnerId());
        if (limited.isPresent()) {
            retryAfter(response, limited.get());
            throw new TaxiiRequestException(429, "request rate limit of your API root exceeded; slow down");
        }
        List<String> path = segments(request.getHttpURI().getPath());
        // Writing is for one resource only: the reports collection of the partner's own API root.
        boolean reportsObjects = path.size() == 4
                && path.get(0).equals(partner.partnerId())
                && path.get(1).equals("collections")
                && path.get(2).equals(TaxiiCollection.REPORTS.id())
                && path.get(3).equals("objects")
                && partner.collections().contains(TaxiiCollection.REPORTS);
        boolean post = request.getMethod().equals("POST");
        if (!request.getMethod().equals("GET") && !(post && reportsObjects)) {
            response.getHeaders().put(HttpHeader.ALLOW, reportsObjects ? "POST" : "GET");
            throw new TaxiiRequestException(
                    405,
                    reportsObjects
                            ? "post your reports here; nothing else is taken"
                            : "only the reports collection of your own API root takes POST; elsewhere use GET");
        }
        if (!TaxiiMediaTypes.acceptsTaxii(request.getHeaders().get(HttpHeader.ACCEPT))) {
            throw new TaxiiRequestException(406, "this server answers only in " + TaxiiMediaTypes.TAXII);
        }
        Exchange exchange = new Exchange(request, response, callback);
        if (post) {
            postReports(exchange, partner);
            return;
        }
        if (path.size() == 1 && path.get(0).equals("taxii2")) {
            discovery(exchange, partner);
            return;
        }
        if (path.isEmpty() || !path.get(0).equals(partner.partnerId())) {
            throw notFound();
        }
        if (path.size() == 1) {
            apiRoot(exchange, partner);
            return;
        }
        if (path.size() == 3 && path.get(1).equals("status")) {
            send(
                    exchange,
                    200,
                    reports.status(partner.partnerId(), path.get(2))
                            .orElseThrow(() -> new TaxiiRequestException(404, "no status " + path.get(2))));
            return;
        }
        if (!path.get(1).equals("collections")) {
            throw notFound();
        }
        if (path.size() == 2) {
            collections(exchange, partner);
            return;
        }
        TaxiiCollection collection = TaxiiCollection.byId(path.get(2))
                .filter(partner.collections()::contains)
                .orElseThrow(TaxiiHandler::notFound);
        Map<String, String> query = query(request.getHttpURI().getQuery());
        if (path.size() > 3 && !collection.canRead()) {
            throw new TaxiiRequestException(
                    403, "collection " + collection.id() + " is write only: POST to its objects");
        }
        if (path.size() == 3) {
            send(exchange, 200, collection(collection));
        } else if (path.size() == 4 && path.get(3).equals("objects")) {
            objects(
                    exchange,
                    pages.page(partner, collection, query, Optional.empty(), TaxiiDelivery.Kind.OBJECTS),
                    false);
        } else if (path.size() == 4 && path.get(3).equals("manifest")) {
            objects(
                    exchange,
                    pages.page(partner, collection, query, Optional.empty(), TaxiiDelivery.Kind.MANIFEST),
                    true);
        } else if (path.size() == 5 && path.get(3).equals("objects")) {
            CollectionPages.Served served =
                    pages.page(partner, collection, query, Optional.of(path.get(4)), TaxiiDelivery.Kind.OBJECTS);
            if (served.objects().isEmpty() && !served.more() && !query.containsKey("next")) {
                throw new TaxiiRequestException(404, "no object " + path.get(4) + " in collection " + collection.id());
            }
            objects(exchange, served, false);
        } else if (path.size() == 6
                && path.get(3).equals("objects")
                && path.get(5).equals("versions")) {
            versions(exchange, partner, collection, path.get(4), query);
        } else {
            throw notFound();
        }
    }

    /**
     * A partner's envelope of reports (docs/sharing-back.md): TAXII content only, at most
     * {@link TaxiiReports#MAX_CONTENT_LENGTH} bytes; answered 202 with the status resource.
     */
    private void postReports(Exchange exchange, TaxiiPartner partner)
            throws TaxiiRequestException, InterruptedException {
        String type = exchange.request().getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type == null
                || !type.replace(" ", "").toLowerCase(java.util.Locale.ROOT).startsWith("application/taxii+json")
                || (type.contains("version") && !type.replace(" ", "").contains("version=2.1"))) {
            throw new TaxiiRequestException(415, "post " + TaxiiMediaTypes.TAXII + " (a TAXII envelope)");
        }
        long declared = exchange.request().getLength();
        if (declared > TaxiiReports.MAX_CONTENT_LENGTH) {
            throw new TaxiiRequestException(
                    413, "the body has " + declared + " bytes; at most " + TaxiiReports.MAX_CONTENT_LENGTH);
        }
        byte[] body;
        try (java.io.InputStream in = org.eclipse.jetty.io.Content.Source.asInputStream(exchange.request())) {
            body = in.readNBytes(TaxiiReports.MAX_CONTENT_LENGTH + 1);
        } catch (java.io.IOException e) {
            throw new TaxiiRequestException(400, "the body could not be read: " + e.getMessage());
        }
        if (body.length > TaxiiReports.MAX_CONTENT_LENGTH) {
            throw new TaxiiRequestException(
                    413, "the body has more than " + TaxiiReports.MAX_CONTENT_LENGTH + " bytes");
        }
        send(exchange, 202, reports.post(partner, body));
    }

    private void discovery(Exchange exchange, TaxiiPartner partner) {
        String root = base(exchange) + "/" + partner.partnerId() + "/";
        ObjectNode body = JSON.createObjectNode();
        body.put("title", title);
        body.put("description", "Threat indicators shared under your agreement; one API root per partner.");
        body.put("default", root);
        body.putArray("api_roots").add(root);
        send(exchange, 200, body);
    }

    private void apiRoot(Exchange exchange, TaxiiPartner partner) {
        ObjectNode body = JSON.createObjectNode();
        body.put("title", partner.title());
        body.put("description", "Collections shared with " + partner.title() + " under its agreement.");
        body.putArray("versions").add(TaxiiMediaTypes.TAXII);
        // Only a partner that may report back posts anything (docs/sharing-back.md).
        body.put(
                "max_content_length",
                partner.collections().contains(TaxiiCollection.REPORTS) ? TaxiiReports.MAX_CONTENT_LENGTH : 0);
        send(exchange, 200, body);
    }

    private void collections(Exchange exchange, TaxiiPartner partner) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("collections");
        Arrays.stream(TaxiiCollection.values())
                .filter(partner.collections()::contains)
                .map(TaxiiHandler::collection)
                .forEach(list::add);
        send(exchange, 200, body);
    }

    private static ObjectNode collection(TaxiiCollection collection) {
        ObjectNode c = JSON.createObjectNode();
        c.put("id", collection.id());
        c.put("title", collection.title());
        c.put("description", collection.description());
        c.put("can_read", collection.canRead());
        c.put("can_write", collection.canWrite());
        c.putArray("media_types").add(TaxiiMediaTypes.STIX);
        return c;
    }

    private void objects(Exchange exchange, CollectionPages.Served served, boolean manifest)
            throws TaxiiRequestException {
        ObjectNode body = JSON.createObjectNode();
        body.put("more", served.more());
        served.next().ifPresent(n -> body.put("next", n));
        if (!served.objects().isEmpty()) {
            ArrayNode objects = body.putArray("objects");
            for (CollectionPages.ServedObject o : served.objects()) {
                if (manifest) {
                    objects.addObject()
                            .put("id", o.object().path("id").asText())
                            .put("date_added", StixIds.timestamp(java.time.Instant.ofEpochMilli(o.dateAdded())))
                            .put("version", o.object().path("modified").asText())
                            .put("media_type", TaxiiMediaTypes.STIX);
                } else {
                    objects.add(o.object());
                }
            }
            exchange.response()
                    .getHeaders()
                    .put(
                            DATE_ADDED_FIRST,
                            StixIds.timestamp(java.time.Instant.ofEpochMilli(
                                    served.objects().get(0).dateAdded())));
            exchange.response()
                    .getHeaders()
                    .put(
                            DATE_ADDED_LAST,
                            StixIds.timestamp(java.time.Instant.ofEpochMilli(served.objects()
                                    .get(served.objects().size() - 1)
                                    .dateAdded())));
            try {
                listener.delivered(served.delivery());
            } catch (RuntimeException e) {
                LOGGER.error(
                        "Delivery of a TAXII page to {} could not be recorded; page not sent",
                        served.delivery().partnerId(),
                        e);
                exchange.response().getHeaders().remove(DATE_ADDED_FIRST);
                exchange.response().getHeaders().remove(DATE_ADDED_LAST);
                throw new TaxiiRequestException(503, "the delivery could not be recorded; retry later");
            }
        }
        send(exchange, 200, body);
    }

    /**
     * The versions endpoint: the {@code modified} timestamps of every version of one object, oldest
     * first, paged like objects. It shows no object content, so it is not a delivery to audit.
     */
    private void versions(
            Exchange exchange,
            TaxiiPartner partner,
            TaxiiCollection collection,
            String objectId,
            Map<String, String> query)
            throws TaxiiRequestException, InterruptedException {
        for (String name : query.keySet()) {
            if (!List.of("added_after", "limit", "next", "match[spec_version]").contains(name)) {
                throw new TaxiiRequestException(
                        400, "unsupported query parameter '" + name + "' on the versions endpoint");
            }
        }
        Map<String, String> all = new HashMap<>(query);
        all.put("match[version]", "all");
        CollectionPages.Served served =
                pages.page(partner, collection, all, Optional.of(objectId), TaxiiDelivery.Kind.MANIFEST);
        if (served.objects().isEmpty() && !served.more() && !query.containsKey("next")) {
            throw new TaxiiRequestException(404, "no object " + objectId + " in collection " + collection.id());
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("more", served.more());
        served.next().ifPresent(n -> body.put("next", n));
        if (!served.objects().isEmpty()) {
            ArrayNode versions = body.putArray("versions");
            served.objects()
                    .forEach(o -> versions.add(o.object().path("modified").asText()));
            exchange.response()
                    .getHeaders()
                    .put(
                            DATE_ADDED_FIRST,
                            StixIds.timestamp(java.time.Instant.ofEpochMilli(
                                    served.objects().get(0).dateAdded())));
            exchange.response()
                    .getHeaders()
                    .put(
                            DATE_ADDED_LAST,
                            StixIds.timestamp(java.time.Instant.ofEpochMilli(served.objects()
                                    .get(served.objects().size() - 1)
                                    .dateAdded())));
        }
        send(exchange, 200, body);
    }

    private String base(Exchange exchange) {
        String host = exchange.request().getHeaders().get(HttpHeader.HOST);
        if (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.\\-\\[\\]:]+")) {
            host = Request.getLocalAddr(exchange.request()) + ":" + Request.getLocalPort(exchange.request());
        }
        return scheme + "://" + host;
    }

    private static TaxiiRequestException notFound() {
        return new TaxiiRequestException(404, "not found");
    }

    private static void retryAfter(Response response, java.time.Duration wait) {
        // Whole seconds, rounded up, at least one: a client must not come back before the wait is over.
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(seconds));
    }

    private static void error(Response response, Callback callback, int status, String description) {
        send(response, callback, status, errorBody(status, description));
    }

    /** A TAXII error message; also what {@link TaxiiErrorHandler} answers for requests Jetty refuses itself. */
    static ObjectNode errorBody(int status, String description) {
        ObjectNode body = JSON.createObjectNode();
        body.put(
                "title",
                switch (status) {
                    case 400 -> "Bad request";
                    case 401 -> "Unauthorized";
                    case 404 -> "Not found";
                    case 405 -> "Method not allowed";
                    case 403 -> "Forbidden";
                    case 406 -> "Not acceptable";
                    case 413 -> "Payload too large";
                    case 415 -> "Unsupported media type";
                    case 429 -> "Too many requests";
                    case 431 -> "Request header fields too large";
                    case 503 -> "Service unavailable";
                    default -> status < 500 ? "Request refused" : "Internal error";
                });
        body.put("description", description);
        body.put("http_status", Integer.toString(status));
        return body;
    }

    private static void send(Exchange exchange, int status, ObjectNode body) {
        send(exchange.response(), exchange.callback(), status, body);
    }

    static void send(Response response, Callback callback, int status, ObjectNode body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, TaxiiMediaTypes.TAXII);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    /** One request being answered. */
    private record Exchange(Request request, Response response, Callback callback) {}

    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                out.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static Map<String, String> query(String raw) throws TaxiiRequestException {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (out.put(name, value) != null) {
                    throw new TaxiiRequestException(
                            400, "query parameter '" + name + "' given twice; list values with commas");
                }
            } catch (IllegalArgumentException e) {
                throw new TaxiiRequestException(400, "malformed query string");
            }
        }
        return out;
    }
}
