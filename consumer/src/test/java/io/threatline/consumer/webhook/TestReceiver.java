package io.threatline.consumer.webhook;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver on a real socket (the JDK's HttpServer) that answers from a script of
 * responses and records each request, verifying its signature on its own: HMAC-SHA256 over
 * {@code <timestamp header>.<raw body>} with the shared key, compared in constant time.
 */
final class TestReceiver implements AutoCloseable {

    record Answer(int status, Map<String, String> headers, String body, long delayMillis) {
        static Answer of(int status) {
            return new Answer(status, Map.of(), "", 0);
        }
    }

    record Received(Map<String, List<String>> headers, byte[] body, boolean signatureValid) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .findFirst()
                    .map(e -> e.getValue().get(0))
                    .orElse(null);
        }
    }

    private final HttpServer server;
    private final byte[] key;
    private final Deque<Answer> script = new ArrayDeque<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    TestReceiver(String key) throws IOException {
        this.key = key.getBytes(StandardCharsets.UTF_8);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, List<String>> headers = Map.copyOf(exchange.getRequestHeaders());
            Received r = new Received(headers, body, false);
            received.add(new Received(
                    headers,
                    body,
                    verify(r.header("X-Threatline-Timestamp"), body, r.header("X-Threatline-Signature"))));
            Answer answer;
            synchronized (script) {
                answer = script.isEmpty() ? Answer.of(200) : script.poll();
            }
            if (answer.delayMillis() > 0) {
                try {
                    Thread.sleep(answer.delayMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    void answer(Answer... answers) {
        synchronized (script) {
            script.addAll(List.of(answers));
        }
    }

    List<Received> received() {
        return received;
    }

    private boolean verify(String timestamp, byte[] body, String signature) {
        if (timestamp == null || signature == null || !signature.startsWith("sha256=")) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            byte[] expected = mac.doFinal(body);
            byte[] given = HexFormat.of().parseHex(signature.substring("sha256=".length()));
            return MessageDigest.isEqual(expected, given);
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
