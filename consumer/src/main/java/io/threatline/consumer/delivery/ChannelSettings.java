package io.threatline.consumer.delivery;

import io.threatline.contract.DeliveryChannel;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Typed reading of one channel's settings from a partner's agreement, with errors that name
 * partner, channel and setting. Secret settings must be references ({@code secret:<name>}) and are
 * resolved through {@link Secrets}; a literal secret is refused. A duration must be positive and
 * at most {@link #MAX_DURATION}, so that no channel computes with one that overflows.
 *
 * <p>Settings are read {@linkplain #onThisHost on this host} (secrets resolved, files the channel
 * reads are read) when delivery builds a channel, and by {@code threatline agreements check} on the
 * delivery host; {@link #elsewhere} reads them for a check on another machine, where the files and
 * secrets they name are not: their references and paths are checked, the rest exactly as delivery does.
 */
public final class ChannelSettings {

    /** The longest duration any channel setting may have (a rotation window, a timeout). */
    public static final Duration MAX_DURATION = Duration.ofDays(366);

    /**
     * The setting delivery adds to a files channel from its agreement's {@code retention}
     * (docs/data-protection.md), an ISO-8601 duration; an agreement file cannot set it.
     */
    public static final String AGREEMENT_RETENTION = "agreement.retention";

    private final String partnerId;
    private final DeliveryChannel channel;
    private final Map<String, String> values;
    private final Secrets secrets;
    private final boolean onThisHost;

    /** Settings of a channel built on this host: secrets are resolved, files read. */
    public ChannelSettings(String partnerId, DeliveryChannel channel, Map<String, String> values, Secrets secrets) {
        this(partnerId, channel, values, secrets, true);
    }

    private ChannelSettings(
            String partnerId,
            DeliveryChannel channel,
            Map<String, String> values,
            Secrets secrets,
            boolean onThisHost) {
        this.partnerId = partnerId;
        this.channel = channel;
        this.values = Map.copyOf(values);
        this.secrets = secrets;
        this.onThisHost = onThisHost;
    }

    /** Settings to check on a host other than delivery's: secret references and file paths are checked for form only. */
    public static ChannelSettings elsewhere(String partnerId, DeliveryChannel channel, Map<String, String> values) {
        return new ChannelSettings(
                partnerId, channel, values, new Secrets(java.util.Optional.empty(), Map.of()), false);
    }

    /** Whether the files and secrets these settings name are read here (delivery, or a check on its host). */
    public boolean onThisHost() {
        return onThisHost;
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
            if (value.compareTo(MAX_DURATION) > 0) {
                throw error(
                        name,
                        "is '" + raw.get() + "', longer than the most a channel accepts, " + MAX_DURATION.toDays()
                                + " days (P" + MAX_DURATION.toDays() + "D)");
            }
            return value;
        } catch (DateTimeParseException | ArithmeticException e) {
            throw error(name, "is '" + raw.get() + "', not an ISO-8601 duration such as PT1H or P1D");
        }
    }

    /** A lower-cased value that must be one of {@code accepted}. */
    public String oneOf(String name, String defaultValue, Set<String> accepted) {
        String value = string(name, defaultValue).toLowerCase(Locale.ROOT);
        if (!accepted.contains(value)) {
            throw error(
                    name,
                    "is '" + value + "'; accepted values are "
                            + accepted.stream().sorted().toList());
        }
        return value;
    }

    /**
     * A secret setting: it must be a {@code secret:<name>} reference, which is resolved here; when
     * checked {@linkplain #elsewhere elsewhere}, only the reference is checked and the value is empty.
     */
    public Optional<String> secret(String name) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        if (!Secrets.isReference(raw.get())) {
            throw error(
                    name,
                    "holds a literal value; secrets are referenced as secret:<name>, never written into an agreement");
        }
        try {
            if (!onThisHost) {
                Secrets.checkReference(raw.get());
                return Optional.of("");
            }
            return Optional.of(secrets.resolve(raw.get()));
        } catch (IllegalArgumentException e) {
            throw error(name, e.getMessage());
        }
    }

    /**
     * A required secret of at least {@code minLength} characters (the length is known only on this host).
     */
    public String requiredSecret(String name, int minLength, String tooShort) {
        String value = secret(name).orElseThrow(() -> error(name, "is required (a secret:<name> reference)"));
        if (onThisHost && value.length() < minLength) {
            throw error(name, tooShort);
        }
        return value;
    }

    /**
     * A file the channel reads, named by setting {@code name}, loaded with {@code loader} on this
     * host (an {@link IllegalArgumentException} or {@link java.io.UncheckedIOException} from it is
     * refused naming the setting); elsewhere only the path is checked and the result is empty.
     */
    public <T> Optional<T> readFile(String name, java.util.function.Function<java.nio.file.Path, T> loader) {
        String raw = required(name);
        java.nio.file.Path path;
        try {
            path = java.nio.file.Path.of(raw);
        } catch (java.nio.file.InvalidPathException e) {
            throw error(name, "is '" + raw + "', not a valid path: " + e.getReason());
        }
        if (!onThisHost) {
            return Optional.empty();
        }
        if (!java.nio.file.Files.isRegularFile(path) || !java.nio.file.Files.isReadable(path)) {
            throw error(
                    name,
                    "is '" + raw + "', which is not a readable file ("
                            + (java.nio.file.Files.exists(path)
                                    ? "not a regular file, or not readable by this user"
                                    : "no such file")
                            + ")");
        }
        try {
            return Optional.of(loader.apply(path));
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw error(name, e.getMessage());
        }
    }

    public ChannelSettingsException error(String name, String problem) {
        return new ChannelSettingsException(
                "partner '" + partnerId + "', channel " + channel + ", setting '" + name + "' " + problem);
    }
}
