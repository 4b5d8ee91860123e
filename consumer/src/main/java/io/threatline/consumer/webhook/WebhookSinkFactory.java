package io.threatline.consumer.webhook;

import io.threatline.consumer.delivery.ChannelSettings;
import io.threatline.consumer.delivery.ChannelSink;
import io.threatline.consumer.delivery.ChannelSinkFactory;
import io.threatline.contract.DeliveryChannel;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

/**
 * Builds the {@link WebhookSink} of a partner from its WEBHOOK channel settings.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>url</td><td>required</td><td>absolute {@code https://} (or, for a receiver on a trusted
 *       network, {@code http://}) URL the batches are POSTed to</td></tr>
 *   <tr><td>format</td><td>ecs</td><td>{@code ecs} (JSON array of ECS documents) or {@code stix}
 *       (STIX 2.1 bundle)</td></tr>
 *   <tr><td>hmac_key</td><td>required</td><td>a {@code secret:<name>} reference to the signing key;
 *       a literal key is refused, and so is a key shorter than 16 characters</td></tr>
 *   <tr><td>timeout</td><td>PT10S</td><td>ISO-8601 duration for connecting and for the answer</td></tr>
 * </table>
 */
public final class WebhookSinkFactory implements ChannelSinkFactory {

    private final Clock clock;

    public WebhookSinkFactory() {
        this(Clock.systemUTC());
    }

    /** A factory whose sinks take signature timestamps from {@code clock}. */
    public WebhookSinkFactory(Clock clock) {
        this.clock = clock;
    }

    @Override
    public DeliveryChannel channel() {
        return DeliveryChannel.WEBHOOK;
    }

    /** The checked settings of a webhook channel. */
    private record Plan(URI url, WebhookFormat format, String key, Duration timeout) {}

    @Override
    public void validate(ChannelSettings settings) {
        plan(settings);
    }

    @Override
    public ChannelSink create(ChannelSettings settings) {
        Plan plan = plan(settings);
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(plan.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        return new WebhookSink(
                settings.partnerId(),
                plan.url(),
                plan.format(),
                plan.key().getBytes(StandardCharsets.UTF_8),
                plan.timeout(),
                client,
                clock);
    }

    private static Plan plan(ChannelSettings settings) {
        URI url = url(settings);
        WebhookFormat format = WebhookFormat.valueOf(
                settings.oneOf("format", "ecs", WebhookFormat.settingValues()).toUpperCase(Locale.ROOT));
        String key = settings.requiredSecret(
                "hmac_key", 16, "names a secret shorter than 16 characters; use at least 32 random bytes");
        Duration timeout = settings.duration("timeout", Duration.ofSeconds(10));
        return new Plan(url, format, key, timeout);
    }

    private static URI url(ChannelSettings settings) {
        String raw = settings.required("url");
        URI url;
        try {
            url = new URI(raw);
        } catch (URISyntaxException e) {
            throw settings.error("url", "is '" + raw + "', not a URL: " + e.getReason());
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw settings.error("url", "is '" + raw + "'; it must be an absolute https:// or http:// URL");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw settings.error("url", "is '" + raw + "', which names no host");
        }
        if (url.getUserInfo() != null) {
            throw settings.error(
                    "url", "holds credentials; the webhook authenticates with hmac_key, and a URL is logged");
        }
        return url;
    }
}
