package io.threatline.consumer.webhook;

import static io.threatline.consumer.delivery.TestRecords.PARTNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.threatline.consumer.delivery.ChannelSettings;
import io.threatline.consumer.delivery.ChannelSettingsException;
import io.threatline.consumer.delivery.DeliveryBatch;
import io.threatline.consumer.delivery.DeliveryException;
import io.threatline.consumer.delivery.DeliveryRecord;
import io.threatline.consumer.delivery.Secrets;
import io.threatline.consumer.delivery.TestRecords;
import io.threatline.consumer.formats.StixBatchBundle;
import io.threatline.consumer.stix.StixSchemas;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.IndicatorType;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookSinkTest {

    private static final String KEY = "k3y-0f-the-nca-webhook-for-tests";
    private static final Secrets SECRETS =
            new Secrets(Optional.empty(), Map.of("THREATLINE_SECRET_NCA_WEBHOOK_HMAC", KEY));
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestReceiver receiver;

    @BeforeEach
    void start() throws Exception {
        receiver = new TestReceiver(KEY);
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    private static WebhookSink sink(String url, String... more) {
        Map<String, String> values =
                new HashMap<>(Map.of("url", url, "hmac_key", "secret:nca/webhook-hmac", "timeout", "PT2S"));
        for (int i = 0; i < more.length; i += 2) {
            values.put(more[i], more[i + 1]);
        }
        return (WebhookSink)
                new WebhookSinkFactory().create(new ChannelSettings(PARTNER, DeliveryChannel.WEBHOOK, values, SECRETS));
    }

    private static DeliveryBatch batch() {
        return TestRecords.batch(
                DeliveryChannel.WEBHOOK,
                10,
                List.of(
                        TestRecords.indicator(IndicatorType.IPV4),
                        TestRecords.indicator(IndicatorType.SHA256),
                        TestRecords.statistic("Emotet", 12)));
    }

    @Test
    void a2xxConfirmsTheBatchSentWithSignatureIdempotencyKeyAndPartner() throws Exception {
        // Given a receiver that answers 202
        receiver.answer(TestReceiver.Answer.of(202));
        DeliveryBatch batch = batch();

        // When the batch is delivered
        sink(receiver.url()).deliver(batch);

        // Then one POST arrived, signed with the shared key, with the batch's idempotency key and every delivery id
        assertThat(receiver.received()).hasSize(1);
        TestReceiver.Received request = receiver.received().get(0);
        assertThat(request.signatureValid()).isTrue();
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("Idempotency-Key")).isEqualTo(batch.idempotencyKey());
        assertThat(request.header("X-Threatline-Partner")).isEqualTo(PARTNER);
        assertThat(Long.parseLong(request.header("X-Threatline-Timestamp")))
                .isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60L));
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.isArray()).isTrue();
        assertThat(body)
                .extracting(d -> d.get("threatline").get("delivery_id").asText())
                .containsExactlyElementsOf(
                        batch.records().stream().map(DeliveryRecord::deliveryId).toList());
    }

    @Test
    void a500IsTransientAndTheRetryThatSucceedsCarriesTheSameIdempotencyKeyAndBody() throws Exception {
        // Given a receiver that fails once, then accepts
        receiver.answer(new TestReceiver.Answer(500, Map.of(), "database down", 0), TestReceiver.Answer.of(200));
        WebhookSink sink = sink(receiver.url());
        DeliveryBatch batch = batch();

        // When the batch is delivered and, after the transient failure, delivered again
        assertThatThrownBy(() -> sink.deliver(batch)).isInstanceOfSatisfying(DeliveryException.class, e -> {
            assertThat(e.isPermanent()).isFalse();
            assertThat(e.getMessage()).contains("HTTP 500").contains("database down");
        });
        sink.deliver(batch);

        // Then both attempts were signed and carried the same key and body
        assertThat(receiver.received()).hasSize(2);
        assertThat(receiver.received()).allMatch(TestReceiver.Received::signatureValid);
        assertThat(receiver.received())
                .extracting(r -> r.header("Idempotency-Key"))
                .containsOnly(batch.idempotencyKey());
        assertThat(receiver.received().get(1).body())
                .isEqualTo(receiver.received().get(0).body());
    }

    @Test
    void a400IsPermanentAndTheReasonNamesTheStatusAndQuotesTheBody() {
        receiver.answer(
                new TestReceiver.Answer(400, Map.of(), "{\"error\":\"unknown field threat.indicator.foo\"}\n", 0));

        assertThatThrownBy(() -> sink(receiver.url()).deliver(batch()))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.isPermanent()).isTrue();
                    assertThat(e.reasonCode()).isEqualTo("CHANNEL_REJECTED");
                    assertThat(e.getMessage()).contains("HTTP 400").contains("unknown field threat.indicator.foo");
                });
    }

    @Test
    void a429WithRetryAfterIsTransientAndTheDelayIsExposed() {
        receiver.answer(new TestReceiver.Answer(429, Map.of("Retry-After", "30"), "slow down", 0));
        WebhookSink sink = sink(receiver.url());

        assertThatThrownBy(() -> sink.deliver(batch())).isInstanceOfSatisfying(DeliveryException.class, e -> {
            assertThat(e.isPermanent()).isFalse();
            assertThat(e.getMessage()).contains("HTTP 429").contains("Retry-After 30s");
        });
        assertThat(sink.requestedRetryDelay()).contains(Duration.ofSeconds(30));
    }

    @Test
    void statusesAreClassifiedAsTransientOrPermanent() {
        assertThat(List.of(408, 425, 429, 500, 502, 503, 504)).allMatch(WebhookSink::isTransient);
        assertThat(List.of(301, 400, 401, 403, 404, 409, 413, 422)).noneMatch(WebhookSink::isTransient);
        assertThat(WebhookSink.retryAfter("Sun, 29 Nov 2026 10:00:30 GMT", Instant.parse("2026-11-29T10:00:00Z")))
                .contains(Duration.ofSeconds(30));
        assertThat(WebhookSink.retryAfter("soon", Instant.EPOCH)).isEmpty();
    }

    @Test
    void aReceiverThatIsDownIsTransient() throws Exception {
        // Given a port nobody listens on
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        // When / Then
        assertThatThrownBy(() -> sink("http://127.0.0.1:" + port + "/hook").deliver(batch()))
                .isInstanceOfSatisfying(
                        DeliveryException.class,
                        e -> assertThat(e.isPermanent()).isFalse());
    }

    @Test
    void aReceiverThatDoesNotAnswerWithinTheTimeoutIsTransient() {
        receiver.answer(new TestReceiver.Answer(200, Map.of(), "", 3_000));

        assertThatThrownBy(() -> sink(receiver.url(), "timeout", "PT0.5S").deliver(batch()))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.isPermanent()).isFalse();
                    assertThat(e.getMessage()).contains("within PT0.5S");
                });
    }

    @Test
    void shouldGiveUpOnABodyThatDribblesPastTheTimeout() throws Exception {
        // Given a receiver that sends its headers at once and then one byte of body every 100 ms, for minutes
        try (RawReceiver slow = new RawReceiver(500, RawReceiver.Body.DRIBBLE, 0)) {
            long start = System.nanoTime();

            // When a batch is delivered with a timeout of 1 s
            assertThatThrownBy(() -> sink(slow.url(), "timeout", "PT1S").deliver(batch()))
                    // Then the delivery fails as transient, naming the timeout, instead of waiting for the body's end
                    .isInstanceOfSatisfying(DeliveryException.class, e -> {
                        assertThat(e.isPermanent()).isFalse();
                        assertThat(e.getMessage()).contains("within PT1S");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        }
    }

    @Test
    void shouldReadOnlyABoundedPrefixOfAHugeErrorBody() throws Exception {
        // Given a receiver that answers 500 with a 256 MiB body
        long huge = 256L * 1024 * 1024;
        try (RawReceiver flood = new RawReceiver(500, RawReceiver.Body.HUGE, huge)) {

            // When a batch is delivered
            assertThatThrownBy(() -> sink(flood.url(), "timeout", "PT20S").deliver(batch()))
                    // Then it is a transient failure quoting the start of the body
                    .isInstanceOfSatisfying(DeliveryException.class, e -> {
                        assertThat(e.isPermanent()).isFalse();
                        assertThat(e.getMessage()).contains("HTTP 500").contains("xxxxxxxx");
                    });
            // And the client stopped reading long before the end: the receiver could not write it all
            await().atMost(Duration.ofSeconds(30)).until(() -> flood.responsesEnded() > 0);
            assertThat(flood.written()).isLessThan(huge / 4);
        }
    }

    @Test
    void shouldKeepOnlyTheFirstLimitBytesOfABody() throws Exception {
        // Given a bounded body of 10 bytes fed 4 buffers of 4 bytes
        BoundedBody body = new BoundedBody(10);
        boolean[] cancelled = {false};
        int[] requested = {0};
        body.onSubscribe(new java.util.concurrent.Flow.Subscription() {
            @Override
            public void request(long n) {
                requested[0] += (int) n;
            }

            @Override
            public void cancel() {
                cancelled[0] = true;
            }
        });
        for (int i = 0; i < 3 && !cancelled[0]; i++) {
            body.onNext(List.of(java.nio.ByteBuffer.wrap("abcd".getBytes(StandardCharsets.UTF_8))));
        }

        // Then it kept 10 bytes, cancelled the rest and completed without waiting for the end
        assertThat(body.getBody().toCompletableFuture().getNow(null)).isEqualTo("abcdabcdab");
        assertThat(cancelled[0]).isTrue();
        assertThat(requested[0]).isEqualTo(3);
    }

    @Test
    void theStixFormatPostsOneValidBundleWithDeliveryIds() throws Exception {
        DeliveryBatch batch = batch();

        sink(receiver.url(), "format", "stix").deliver(batch);

        TestReceiver.Received request = receiver.received().get(0);
        assertThat(request.signatureValid()).isTrue();
        assertThat(request.header("Content-Type")).isEqualTo("application/stix+json;version=2.1");
        JsonNode bundle = JSON.readTree(request.body());
        assertThat(StixSchemas.bundleViolations(bundle)).isEmpty();
        assertThat(bundle.get("id").asText()).isEqualTo(StixBatchBundle.bundleId(batch));
        assertThat(bundle.findValuesAsText(StixBatchBundle.DELIVERY_ID))
                .containsExactlyInAnyOrderElementsOf(
                        batch.records().stream().map(DeliveryRecord::deliveryId).toList());
    }

    @Test
    void aLiteralHmacKeyIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> new WebhookSinkFactory()
                        .create(new ChannelSettings(
                                PARTNER,
                                DeliveryChannel.WEBHOOK,
                                Map.of("url", "https://hook.example", "hmac_key", KEY),
                                SECRETS)))
                .isInstanceOf(ChannelSettingsException.class)
                .hasMessageContaining("setting 'hmac_key'")
                .hasMessageContaining("literal")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void badSettingsNameTheSetting() {
        assertThatThrownBy(() -> new WebhookSinkFactory()
                        .create(new ChannelSettings(
                                PARTNER,
                                DeliveryChannel.WEBHOOK,
                                Map.of("hmac_key", "secret:nca/webhook-hmac"),
                                SECRETS)))
                .hasMessageContaining("setting 'url' is required");
        assertThatThrownBy(() -> sink("ftp://hook.example/x"))
                .isInstanceOf(ChannelSettingsException.class)
                .hasMessageContaining("setting 'url'");
        assertThatThrownBy(() -> sink("https://user:pw@hook.example/x"))
                .hasMessageContaining("setting 'url'")
                .hasMessageNotContaining("pw");
        assertThatThrownBy(() -> sink("https://hook.example", "format", "xml"))
                .hasMessageContaining("setting 'format'");
        assertThatThrownBy(() -> sink("https://hook.example", "timeout", "10"))
                .hasMessageContaining("setting 'timeout'");
        assertThatThrownBy(() -> new WebhookSinkFactory()
                        .create(new ChannelSettings(
                                PARTNER, DeliveryChannel.WEBHOOK, Map.of("url", "https://hook.example"), SECRETS)))
                .hasMessageContaining("setting 'hmac_key' is required");
        assertThatThrownBy(() -> new WebhookSinkFactory()
                        .create(new ChannelSettings(
                                PARTNER,
                                DeliveryChannel.WEBHOOK,
                                Map.of("url", "https://hook.example", "hmac_key", "secret:missing"),
                                SECRETS)))
                .hasMessageContaining("setting 'hmac_key'")
                .hasMessageContaining("not found");
    }

    @Test
    void theSignatureIsHmacSha256OverTimestampDotBody() throws Exception {
        // A known-answer check computed with the JDK Mac directly
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec("key".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "sha256="
                + java.util.HexFormat.of().formatHex(mac.doFinal("1700000000.{}".getBytes(StandardCharsets.UTF_8)));

        assertThat(WebhookSignature.sign(
                        "key".getBytes(StandardCharsets.UTF_8), 1700000000L, "{}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(expected);
    }
}
