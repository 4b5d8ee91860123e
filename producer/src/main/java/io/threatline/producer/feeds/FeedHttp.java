package io.threatline.producer.feeds;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How a feed is fetched: the JDK's HTTP client with a connect timeout and a timeout per request,
 * HTTP Basic or a client certificate, a CA of the feed's own when it has one, and every body read up
 * to {@code max_bytes} and no further (a feed that sends more fails, it does not fill the heap).
 */
public final class FeedHttp {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /** An answer: status, the headers a feed's state needs, the body. */
    public record Response(int status, Map<String, java.util.List<String>> headers, byte[] body) {
        public Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(e ->
                            e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
                    .map(e -> e.getValue().get(0))
                    .findFirst();
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpClient client;
    private final String authorization;
    private final long maxBytes;

    /**
     * @param password         the resolved password (with the feed's username), or null
     * @param keystorePassword the resolved password of the client key store, or null
     */
    public FeedHttp(FeedSettings feed, String password, char[] keystorePassword) throws IOException {
        HttpClient.Builder builder =
                HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL);
        if (feed.caFile() != null || feed.clientKeystore() != null) {
            builder.sslContext(ssl(feed, keystorePassword));
        }
        this.client = builder.build();
        this.authorization = feed.username() == null || password == null
                ? null
                : "Basic "
                        + Base64.getEncoder()
                                .encodeToString((feed.username() + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.maxBytes = feed.maxBytes();
    }

    /** GETs {@code url} with {@code headers}; the body bounded by {@code max_bytes}. */
    public Response get(URI url, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(url).timeout(REQUEST_TIMEOUT).GET();
        headers.forEach(request::header);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            long declared =
                    response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > maxBytes) {
                throw new IOException(url + " answered " + declared + " bytes; max_bytes is " + maxBytes);
            }
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (body.length > maxBytes) {
                throw new IOException(url + " answered more than max_bytes (" + maxBytes + ")");
            }
            return new Response(response.statusCode(), response.headers().map(), body);
        }
    }

    private static SSLContext ssl(FeedSettings feed, char[] keystorePassword) throws IOException {
        try {
            TrustManagerFactory trust = null;
            if (feed.caFile() != null) {
                KeyStore cas = KeyStore.getInstance(KeyStore.getDefaultType());
                cas.load(null, null);
                try (InputStream in = Files.newInputStream(feed.caFile())) {
                    int i = 0;
                    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        cas.setCertificateEntry("ca-" + i++, c);
                    }
                }
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(cas);
            }
            KeyManagerFactory keys = null;
            if (feed.clientKeystore() != null) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(feed.clientKeystore())) {
                    store.load(in, keystorePassword);
                }
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, keystorePassword);
            }
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(
                    keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new IOException(
                    "feed " + feed.name() + ": cannot set up TLS (" + describe(feed) + "): " + e.getMessage(), e);
        }
    }

    private static String describe(FeedSettings feed) {
        Path ca = feed.caFile();
        Path ks = feed.clientKeystore();
        return (ca == null ? "" : "ca_file " + ca)
                + (ca != null && ks != null ? ", " : "")
                + (ks == null ? "" : "client_keystore " + ks);
    }
}
