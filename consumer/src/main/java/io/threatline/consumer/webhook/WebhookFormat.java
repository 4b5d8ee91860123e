package io.threatline.consumer.webhook;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The {@code format} setting of the webhook channel and the Content-Type it sends. */
public enum WebhookFormat {
    /** One STIX 2.1 bundle per batch (see {@code StixBatchBundle}). */
    STIX("application/stix+json;version=2.1"),
    /** A JSON array of Elastic Common Schema documents ({@link EcsDocuments}). */
    ECS("application/json");

    private final String contentType;

    WebhookFormat(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }

    public String settingValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Set<String> settingValues() {
        return Arrays.stream(values()).map(WebhookFormat::settingValue).collect(Collectors.toSet());
    }
}
