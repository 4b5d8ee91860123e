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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How a feed is fetched: the JDK's HTTP client with a connect timeout, a timeout for the answer's
 * headers and one for its whole body ({@link #BODY_TIMEOUT}: a peer that trickles fails, it does not
 * hold the feed's thread), HTTP Basic or a client certificate, a CA of the feed's own when it has
 * one, and every body read up to {@code max_bytes} and no further (a feed that sends more fails, it
 * does not fill the heap). Redirects are not followed: a feed that moved fails, naming where to, so
 * that credentials never travel to a host the feeds file does not name.
 */
public final class FeedHttp {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    static final Duration BODY_TIMEOUT = Duration.ofMinutes(2);

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "feed-body-deadline");
        t.setDaemon(true);
        return t;
    });

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
                HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER);
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

    /** GETs {@code url} with {@code headers}; the body bounded by {@code max_bytes} and {@link #BODY_TIMEOUT}. */
    public Response get(URI url, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(url).timeout(REQUEST_TIMEOUT).GET();
        headers.forEach(request::header);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() / 100 == 3) {
            response.body().close();
            String to = response.headers().firstValue("Location").orElse("?");
            throw new IOException(url + " answered " + response.statusCode() + ", moved to "
                    + (to.length() > 200 ? to.substring(0, 200) + "..." : to)
                    + "; redirects are not followed: put the new URL in the feeds file");
        }
        InputStream body = response.body();
        AtomicBoolean late = new AtomicBoolean();
        ScheduledFuture<?> deadline = WATCHDOG.schedule(
                () -> {
                    late.set(true);
                    try {
                        body.close();
                    } catch (IOException ignored) {
                        // Closing is how a read still blocked is ended; nothing else to do.
                    }
                },
                BODY_TIMEOUT.toMillis(),
                TimeUnit.MILLISECONDS);
        try (InputStream in = body) {
            long declared =
                    response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > maxBytes) {
                throw new IOException(url + " answered " + declared + " bytes; max_bytes is " + maxBytes);
            }
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new IOException(url + " answered more than max_bytes (" + maxBytes + ")");
            }
            return new Response(response.statusCode(), response.headers().map(), bytes);
        } catch (IOException e) {
            if (late.get()) {
                throw new IOException(url + ": the answer was not read within " + BODY_TIMEOUT, e);
            }
            throw e;
        } finally {
            deadline.cancel(false);
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
