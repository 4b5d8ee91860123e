package io.threatline.consumer.delivery;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.threatline.contract.DeliveryChannel;

/**
 * Typed reading of one channel's settings from a partner's agreement, with errors that name
 * partner, channel and setting. Secret settings must be references ({@code secret:<name>}) and are
 * resolved through {@link Secrets}; a literal secret is refused.
 */
public final class ChannelSettings {

    private final String partnerId;
    private final DeliveryChannel channel;
    private final Map<String, String> values;
    private final Secrets secrets;

    public ChannelSettings(String partnerId, DeliveryChannel channel, Map<String, String> values, Secrets secrets) {
        this.partnerId = partnerId;
        this.channel = channel;
        this.values = Map.copyOf(values);
        this.secrets = secrets;
    }

    public String partnerId() {
        return partnerId;
    }

    public DeliveryChannel channel() {
        return channel;
    }

    public Optional<String> optional(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    public String required(String name) {
        return optional(name).orElseThrow(() -> error(name, "is required"));
    }

    public String string(String name, String defaultValue) {
        return optional(name).orElse(defaultValue);
    }

    public int integer(String name, int defaultValue, int min, int max) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.get());
            if (value < min || value > max) {
                throw error(name, "is " + value + "; it must be between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw error(name, "is '" + raw.get() + "', not a whole number");
        }
    }

    public Duration duration(String name, Duration defaultValue) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            Duration value = Duration.parse(raw.get());
            if (value.isNegative() || value.isZero()) {
                throw error(name, "must be a positive ISO-8601 duration such as PT1H");
            }
            return value;
        } catch (DateTimeParseException e) {
            throw error(name, "is '" + raw.get() + "', not an ISO-8601 duration such as PT1H or P1D");
        }
    }

    /** A lower-cased value that must be one of {@code accepted}. */
    public String oneOf(String name, String defaultValue, Set<String> accepted) {
        String value = string(name, defaultValue).toLowerCase(Locale.ROOT);
        if (!accepted.contains(value)) {
            throw error(name, "is '" + value + "'; accepted values are " + accepted.stream().sorted().toList());
        }
        return value;
    }

    /** A secret setting: it must be a {@code secret:<name>} reference, which is resolved here. */
    public Optional<String> secret(String name) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        if (!Secrets.isReference(raw.get())) {
            throw error(name, "holds a literal value; secrets are referenced as secret:<name>, never written into an agreement");
        }
        try {
            return Optional.of(secrets.resolve(raw.get()));
        } catch (IllegalArgumentException e) {
            throw error(name, e.getMessage());
        }
    }

    public ChannelSettingsException error(String name, String problem) {
        return new ChannelSettingsException("partner '" + partnerId + "', channel " + channel + ", setting '" + name + "' " + problem);
    }
}
