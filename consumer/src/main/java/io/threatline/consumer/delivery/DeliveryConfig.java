package io.threatline.consumer.delivery;

import io.threatline.contract.DeliveryChannel;
import io.threatline.schemas.config.PositiveDuration;
import io.threatline.schemas.retry.Backoff;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The delivery service's own settings ({@code threatline.delivery.*}), each declared once with
 * type, default, validator and documentation. Everything else in the same map goes to the Kafka
 * clients and the serdes unchanged. A bad value stops start-up with a message naming the setting.
 */
public final class DeliveryConfig extends AbstractConfig {

    public static final String PREFIX = "threatline.delivery.";
    public static final String TOPIC_PREFIX = PREFIX + "topic.prefix";
    public static final String GROUP_PREFIX = PREFIX + "group.prefix";
    public static final String BATCH_MAX_RECORDS = PREFIX + "batch.max.records";
    public static final String BACKOFF_INITIAL = PREFIX + "retry.backoff.initial";
    public static final String BACKOFF_MAX = PREFIX + "retry.backoff.max";
    public static final String SECRETS_DIR = PREFIX + "secrets.dir";
    public static final String PARTNERS = PREFIX + "partners";
    public static final String CHANNELS = PREFIX + "channels";
    public static final String RECHECK_INTERVAL = PREFIX + "agreements.recheck.interval";

    private static final ConfigDef.Validator DURATION = PositiveDuration.INSTANCE;

    private static final ConfigDef.Validator PARTNER_IDS = (name, value) -> {
        for (Object id : (List<?>) value) {
            if (!ThreatlineTopics.PARTNER_ID.matcher(String.valueOf(id)).matches()) {
                throw new ConfigException(
                        name, value, "'" + id + "' is not a partner id (lower-case letters, digits and '-')");
            }
        }
    };

    private static final ConfigDef.Validator CHANNEL_NAMES = (name, value) -> {
        for (Object channel : (List<?>) value) {
            try {
                DeliveryChannel parsed =
                        DeliveryChannel.valueOf(String.valueOf(channel).toUpperCase(Locale.ROOT));
                if (parsed == DeliveryChannel.UNKNOWN) {
                    throw new IllegalArgumentException();
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException(
                        name,
                        value,
                        "'" + channel + "' is not a channel; accepted: kafka, taxii, syslog, webhook, files");
            }
        }
    };

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(
                    TOPIC_PREFIX,
                    Type.STRING,
                    ThreatlineTopics.DEFAULT_PREFIX,
                    Importance.MEDIUM,
                    "Prefix of Threatline's topic names.")
            .define(
                    GROUP_PREFIX,
                    Type.STRING,
                    "threatline-deliver",
                    Importance.MEDIUM,
                    "Consumer groups are <prefix>.<partner>.<channel>; one group per partner and channel.")
            .define(
                    BATCH_MAX_RECORDS,
                    Type.INT,
                    500,
                    ConfigDef.Range.between(1, 10_000),
                    Importance.MEDIUM,
                    "Most records a channel is handed at once (and in one receipt).")
            .define(
                    BACKOFF_INITIAL,
                    Type.STRING,
                    "PT0.5S",
                    DURATION,
                    Importance.LOW,
                    "First wait before retrying a channel that failed transiently; it doubles per attempt, with jitter.")
            .define(
                    BACKOFF_MAX,
                    Type.STRING,
                    "PT1M",
                    DURATION,
                    Importance.LOW,
                    "Longest wait between retries of a failing channel.")
            .define(
                    SECRETS_DIR,
                    Type.STRING,
                    "",
                    Importance.MEDIUM,
                    "Directory holding the secrets agreements refer to as secret:<name> (file <dir>/<name>, mode 600). "
                            + "Without it, secrets come from THREATLINE_SECRET_<NAME> environment variables only.")
            .define(
                    io.threatline.schemas.privacy.IndicatorKey.FILE_SETTING,
                    Type.STRING,
                    "",
                    Importance.HIGH,
                    "The deployment's indicator key file (32 random bytes, base64), the same for every Threatline process: "
                            + "receipts name each record by its keyed hash under it (docs/data-protection.md). Without one the "
                            + "service uses a key of its own that dies with it, and says so.")
            .define(
                    PARTNERS,
                    Type.LIST,
                    List.of(),
                    PARTNER_IDS,
                    Importance.MEDIUM,
                    "Deliver only these partners (comma-separated ids); empty means every partner with an agreement.")
            .define(
                    CHANNELS,
                    Type.LIST,
                    List.of("kafka", "taxii", "syslog", "webhook", "files"),
                    CHANNEL_NAMES,
                    Importance.MEDIUM,
                    "Run only these channels (comma-separated).")
            .define(
                    RECHECK_INTERVAL,
                    Type.STRING,
                    "PT30S",
                    DURATION,
                    Importance.LOW,
                    "How often agreements are re-checked for the end of their period even when none changed.");

    public DeliveryConfig(Map<?, ?> originals) {
        super(DEFINITION, originals, false);
        if (backoffMax().compareTo(backoffInitial()) < 0) {
            throw new ConfigException(
                    BACKOFF_MAX, getString(BACKOFF_MAX), "must not be shorter than " + BACKOFF_INITIAL);
        }
    }

    public ThreatlineTopics topics() {
        return new ThreatlineTopics(getString(TOPIC_PREFIX), 1, (short) 1);
    }

    public String groupPrefix() {
        return getString(GROUP_PREFIX);
    }

    public int batchMaxRecords() {
        return getInt(BATCH_MAX_RECORDS);
    }

    public Duration backoffInitial() {
        return Duration.parse(getString(BACKOFF_INITIAL));
    }

    public Duration backoffMax() {
        return Duration.parse(getString(BACKOFF_MAX));
    }

    public Backoff backoff() {
        return new Backoff(backoffInitial(), backoffMax());
    }

    public Optional<Path> secretsDir() {
        String dir = getString(SECRETS_DIR);
        return dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir));
    }

    /**
     * The deployment's indicator key.
     *
     * @throws org.apache.kafka.common.config.ConfigException naming the setting when its file cannot be read
     */
    public io.threatline.schemas.privacy.IndicatorKey indicatorKey() {
        try {
            return io.threatline.schemas.privacy.IndicatorKey.from(originals(), "delivery");
        } catch (IllegalArgumentException e) {
            throw new org.apache.kafka.common.config.ConfigException(e.getMessage());
        }
    }

    public Set<String> partners() {
        return Set.copyOf(getList(PARTNERS));
    }

    public Set<DeliveryChannel> channels() {
        EnumSet<DeliveryChannel> channels = EnumSet.noneOf(DeliveryChannel.class);
        getList(CHANNELS).forEach(c -> channels.add(DeliveryChannel.valueOf(c.toUpperCase(Locale.ROOT))));
        return channels;
    }

    public Duration recheckInterval() {
        return Duration.parse(getString(RECHECK_INTERVAL));
    }

    /** The settings meant for the Kafka clients and serdes: everything but {@code threatline.*}. */
    public static Map<String, Object> clientProperties(Map<String, ?> settings) {
        Map<String, Object> client = new HashMap<>();
        settings.forEach((k, v) -> {
            if (!k.startsWith("threatline.")) {
                client.put(k, v);
            }
        });
        return client;
    }
}
