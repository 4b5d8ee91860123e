package io.threatline.consumer.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.threatline.consumer.delivery.ChannelSink;
import io.threatline.consumer.delivery.DeliveryBatch;
import io.threatline.consumer.delivery.DeliveryException;
import io.threatline.consumer.delivery.DeliveryRecord;
import io.threatline.consumer.formats.StixBatchBundle;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook channel of one partner: each batch is one HTTP POST of a JSON body ({@link
 * WebhookFormat}) to the partner's URL, with headers {@code Content-Type}, {@code Idempotency-Key}
 * (the batch's {@link DeliveryBatch#idempotencyKey()}, the same on every retry),
 * {@value WebhookSignature#TIMESTAMP_HEADER}, {@value WebhookSignature#SIGNATURE_HEADER} (see
 * {@link WebhookSignature}) and {@value WebhookSignature#PARTNER_HEADER}. Every item of the body
 * carries its delivery id ({@code threatline.delivery_id} in ECS, {@code x_threatline_delivery_id}
 * in STIX) so that a receiver can dedupe repeats after a restart, when batches may be cut
 * differently and the idempotency key differs.
 *
 * <p>Outcome: a 2xx confirms the batch. 408, 425, 429, any 5xx, a refused or reset connection and
 * a timeout are transient (the delivery service retries with backoff); a {@code Retry-After} header
 * (seconds or an HTTP date) is quoted in the failure's message and kept as {@link
 * #requestedRetryDelay()}, since {@link DeliveryException} has no field for it. Any other status
 * (other 4xx, and 3xx: redirects are not followed, a moved endpoint is a settings problem) is
 * permanent, with the status and the first {@value #EXCERPT} characters of the response body as the
 * reason. The whole exchange, body included, must end within the channel's {@code timeout}, and at
 * most {@value BoundedBody#LIMIT} bytes of the response body are read.
 */
public final class WebhookSink implements ChannelSink {

    private static final Logger LOGGER = LoggerFactory.getLogger(WebhookSink.class);
    static final int EXCERPT = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String partnerId;
    private final URI url;
    private final WebhookFormat format;
    private final byte[] hmacKey;
    private final Duration timeout;
    private final HttpClient client;
    private final Clock clock;
    private Optional<Duration> requestedRetryDelay = Optional.empty();

    WebhookSink(
            String partnerId,
            URI url,
            WebhookFormat format,
            byte[] hmacKey,
            Duration timeout,
            HttpClient client,
            Clock clock) {
        this.partnerId = partnerId;
        this.url = url;
        this.format = format;
        this.hmacKey = hmacKey.clone();
        this.timeout = timeout;
        this.client = client;
        this.clock = clock;
    }

    @Override
    public String target() {
        return url.toString();
    }

    public WebhookFormat format() {
        return format;
    }

    /** The delay the receiver asked for with {@code Retry-After} on the last failed attempt, if it did. */
    public Optional<Duration> requestedRetryDelay() {
        return requestedRetryDelay;
    }

    @Override
    public Optional<String> cannotExpress(DeliveryRecord record) {
        if (format == WebhookFormat.STIX) {
            return StixBatchBundle.cannotExpress(record);
        }
        if (record.isIndicator() && !EcsDocuments.canExpress(record.indicator())) {
            return Optional.of("an indicator of type " + record.indicator().getType() + " / TLP "
                    + record.indicator().getTlp() + " has no ECS representation");
        }
        return Optional.empty();
    }

    /** The body of a batch, exactly as it is sent and signed. */
    byte[] body(DeliveryBatch batch) {
        JsonNode body = format == WebhookFormat.STIX ? StixBatchBundle.of(batch) : EcsDocuments.of(batch);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    @Override
    public void deliver(DeliveryBatch batch) throws DeliveryException {
        for (DeliveryRecord record : batch.records()) {
            Optional<String> reason = cannotExpress(record);
            if (reason.isPresent()) {
                throw DeliveryException.permanent(
                        "CHANNEL_CANNOT_EXPRESS", "record " + record.deliveryId() + ": " + reason.get());
            }
        }
        byte[] body = body(batch);
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", format.contentType())
                .header(WebhookSignature.IDEMPOTENCY_HEADER, batch.idempotencyKey())
                .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(hmacKey, timestamp, body))
                .header(WebhookSignature.PARTNER_HEADER, partnerId)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        requestedRetryDelay = Optional.empty();
        HttpResponse<String> response = send(request);
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return;
        }
        String reason = "HTTP " + status + " from " + url + ": " + excerpt(response.body());
        if (isTransient(status)) {
            requestedRetryDelay =
                    response.headers().firstValue("Retry-After").flatMap(v -> retryAfter(v, clock.instant()));
            String retry = requestedRetryDelay
                    .map(d -> " (Retry-After " + d.toSeconds() + "s)")
                    .orElse("");
            LOGGER.warn(
                    "Webhook of partner {} answered {} for {} records{}; will be retried",
                    partnerId,
                    status,
                    batch.size(),
                    retry);
            throw DeliveryException.transientFailure(reason + retry);
        }
        LOGGER.warn("Webhook of partner {} rejected {} records with HTTP {}", partnerId, batch.size(), status);
        throw DeliveryException.permanent("CHANNEL_REJECTED", reason);
    }

    /**
     * Posts and reads the answer within {@link #timeout} in all: the client's own request timeout
     * ends when the headers arrive, so a receiver that dribbles its body forever would otherwise
     * hold the delivery thread. The body is read with a bound ({@link BoundedBody}).
     */
    private HttpResponse<String> send(HttpRequest request) throws DeliveryException {
        CompletableFuture<HttpResponse<String>> pending =
                client.sendAsync(request, BoundedBody.handler(BoundedBody.LIMIT));
        try {
            return pending.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw failure("no complete answer from " + url + " within " + timeout, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                throw failure("no answer from " + url + " within " + timeout, (Exception) cause);
            }
            throw failure("POST to " + url + " failed: " + cause, cause instanceof Exception ex ? ex : e);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw DeliveryException.transientFailure("interrupted while posting to " + url, e);
        }
    }

    private DeliveryException failure(String message, Exception cause) {
        LOGGER.warn("Webhook of partner {}: {}; will be retried", partnerId, message);
        return DeliveryException.transientFailure(message, cause);
    }

    static boolean isTransient(int status) {
        return status == 408 || status == 425 || status == 429 || status >= 500;
    }

    /** A Retry-After value, delay-seconds or an HTTP date (RFC 9110 section 10.2.3). */
    static Optional<Duration> retryAfter(String value, Instant now) {
        String v = value.strip();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }

    static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "(empty body)";
        }
        String flat = body.strip().replaceAll("\\p{Cntrl}+", " ");
        return flat.length() <= EXCERPT ? flat : flat.substring(0, EXCERPT) + "…";
    }
}
