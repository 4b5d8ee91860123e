package io.threatline.consumer.taxii;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A TAXII client made of plain HTTPS GETs, trusting only the test server's certificate. */
final class TaxiiTestClient {

    record Response(int status, java.net.http.HttpHeaders headers, JsonNode body) {
        Optional<String> header(String name) {
            return headers.firstValue(name);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http;
    private final URI base;

    private final Duration timeout;

    TaxiiTestClient(URI base, Path keystore, char[] password) throws Exception {
        this(base, keystore, password, Duration.ofSeconds(60));
    }

    TaxiiTestClient(URI base, Path keystore, char[] password, Duration timeout) throws Exception {
        KeyStore serverStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            serverStore.load(in, password);
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("taxii", serverStore.getCertificate("taxii"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        this.http = HttpClient.newBuilder()
                .sslContext(ssl)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10))
                .build();
        this.base = base;
        this.timeout = timeout;
    }

    Response get(String path, Optional<String> authorization, String accept) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET();
        if (accept != null) {
            request.header("Accept", accept);
        }
        authorization.ifPresent(a -> request.header("Authorization", a));
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode body = response.body().length == 0 ? JSON.nullNode() : JSON.readTree(response.body());
        return new Response(response.statusCode(), response.headers(), body);
    }

    Response get(String path, String user, String password) throws Exception {
        return get(path, Optional.of(TaxiiPiecesTest.basic(user, password)), TaxiiMediaTypes.TAXII);
    }

    static String query(Map<String, String> params) {
        return new LinkedHashMap<>(params)
                .entrySet().stream()
                        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&", "?", ""));
    }
}
