package io.threatline.streams;

import io.threatline.schemas.config.PositiveDuration;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.schemas.validation.ContractLimits;
import io.threatline.streams.dedup.Lifetimes;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The hub's own settings ({@code threatline.hub.*}), each declared once with type, default,
 * validator and documentation. Everything else in the same map goes to Kafka Streams and the serdes
 * unchanged. A bad value stops start-up with a message naming the setting.
 */
public final class HubConfig extends AbstractConfig {

    public static final String PREFIX = "threatline.hub.";
    public static final String TOPIC_PREFIX = PREFIX + "topic.prefix";
    public static final String LIFETIME_IP = PREFIX + "lifetime.ip";
    public static final String LIFETIME_DOMAIN = PREFIX + "lifetime.domain";
    public static final String LIFETIME_URL = PREFIX + "lifetime.url";
    public static final String LIFETIME_HASH = PREFIX + "lifetime.hash";
    public static final String LIFETIME_EMAIL = PREFIX + "lifetime.email";
    public static final String MAX_SOURCES = PREFIX + "max.sources";
    public static final String SCAN_INTERVAL = PREFIX + "scan.interval";
    public static final String STATISTICS_GRACE = PREFIX + "statistics.grace";
    public static final String STATISTICS_FLUSH_INTERVAL = PREFIX + "statistics.flush.interval";
    public static final String REGISTRY_WAIT = PREFIX + "registry.wait";
    public static final String MAX_RECORD_BYTES = PREFIX + "max.record.bytes";
    public static final String BACKFILL_RATE = PREFIX + "backfill.rate";
    public static final String FORGET_AFTER = PREFIX + "forget.after";
    /** The longest a stream thread may block waiting for the registry: well inside Streams' 10 s transaction timeout. */
    static final Duration MAX_REGISTRY_WAIT = Duration.ofSeconds(5);

    private static final ConfigDef.Validator DURATION = PositiveDuration.INSTANCE;

    private static final ConfigDef.Validator SHORT_WAIT = (name, value) -> {
        Duration wait;
        try {
            wait = Duration.parse(String.valueOf(value));
        } catch (java.time.format.DateTimeParseException e) {
            throw new ConfigException(name, value, "is not an ISO-8601 duration; use e.g. PT3S or PT0.5S");
        }
        if (wait.isNegative() || wait.compareTo(MAX_REGISTRY_WAIT) > 0) {
            throw new ConfigException(
                    name,
                    value,
                    "must be between PT0S and " + MAX_REGISTRY_WAIT
                            + ": a stream thread that blocks longer outlives its exactly-once transaction");
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
                    LIFETIME_IP,
                    Type.STRING,
                    "P30D",
                    DURATION,
                    Importance.MEDIUM,
                    "IPv4/IPv6 indicators expire after this long unseen.")
            .define(
                    LIFETIME_DOMAIN,
                    Type.STRING,
                    "P90D",
                    DURATION,
                    Importance.MEDIUM,
                    "Domain indicators expire after this long unseen.")
            .define(
                    LIFETIME_URL,
                    Type.STRING,
                    "P90D",
                    DURATION,
                    Importance.MEDIUM,
                    "URL indicators expire after this long unseen.")
            .define(
                    LIFETIME_HASH,
                    Type.STRING,
                    "P365D",
                    DURATION,
                    Importance.MEDIUM,
                    "File hash indicators expire after this long unseen.")
            .define(
                    LIFETIME_EMAIL,
                    Type.STRING,
                    "P90D",
                    DURATION,
                    Importance.MEDIUM,
                    "E-mail indicators expire after this long unseen.")
            .define(
                    MAX_SOURCES,
                    Type.INT,
                    16,
                    ConfigDef.Range.between(1, 1000),
                    Importance.LOW,
                    "Most vendors and sensors kept per indicator (the first ones); bounds the state per indicator.")
            .define(
                    SCAN_INTERVAL,
                    Type.STRING,
                    "PT1M",
                    DURATION,
                    Importance.LOW,
                    "Stream-time interval of the expiry and embargo scans.")
            .define(
                    STATISTICS_GRACE,
                    Type.STRING,
                    "PT5M",
                    DURATION,
                    Importance.LOW,
                    "How long after its end (in stream time) a statistics window still accepts late indicators; its final count "
                            + "comes out then, once; a later indicator is not counted in it.")
            .define(
                    STATISTICS_FLUSH_INTERVAL,
                    Type.STRING,
                    "PT1S",
                    DURATION,
                    Importance.LOW,
                    "How often (stream time, and wall-clock time) each task forwards its partial statistics counts, and its "
                            + "stream time, to the statistics windows; keep it well below the grace.")
            .define(
                    REGISTRY_WAIT,
                    Type.STRING,
                    "PT3S",
                    SHORT_WAIT,
                    Importance.LOW,
                    "How long validation keeps asking an unavailable schema registry (unreachable, HTTP 5xx) for a sensor event's "
                            + "schema before it fails the stream thread, which is then replaced and reads the record again from the last "
                            + "commit. A valid event is never dead-lettered for a registry outage. At most PT5S.")
            .define(
                    MAX_RECORD_BYTES,
                    Type.INT,
                    ContractLimits.DEFAULT_MAX_RECORD_BYTES,
                    ConfigDef.Range.between(1024, ContractLimits.MAX_MAX_RECORD_BYTES),
                    Importance.LOW,
                    "Largest sensor-event record (key and value, uncompressed) the hub reads; a larger one is dead-lettered as "
                            + "RECORD_TOO_LARGE with its first bytes, size and SHA-256. Compression lets a record far larger than the "
                            + "broker's limit through, so this is the hub's own bound.")
            .define(
                    BACKFILL_RATE,
                    Type.INT,
                    2000,
                    ConfigDef.Range.between(1, 1_000_000),
                    Importance.LOW,
                    "Most live indicators per second each stream task examines when it brings a partner's holdings in line with "
                            + "a new, changed, ended or replayed agreement (backfill and retraction, docs/agreements.md). The work runs "
                            + "between batches of live records on the same thread, so this bounds the share of the hub it takes.")
            .define(
                    FORGET_AFTER,
                    Type.STRING,
                    "P7D",
                    DURATION,
                    Importance.MEDIUM,
                    "How long (stream time) after an indicator expired or was revoked the hub writes its tombstone to the "
                            + "indicators topic, so that compaction removes it (docs/data-protection.md); an erased one gets its "
                            + "tombstone at once.")
            .define(
                    io.threatline.schemas.privacy.IndicatorKey.FILE_SETTING,
                    Type.STRING,
                    "",
                    Importance.HIGH,
                    "The deployment's indicator key file (32 random bytes, base64), shared by every Threatline process: receipts "
                            + "and erasures name indicators by their keyed hash under it (docs/data-protection.md). Without one "
                            + "the hub uses a key of its own that dies with it, and says so.");

    private io.threatline.schemas.privacy.IndicatorKey indicatorKey;

    public HubConfig(Map<?, ?> originals) {
        super(DEFINITION, originals, false);
    }

    /**
     * The deployment's indicator key, read once.
     *
     * @throws org.apache.kafka.common.config.ConfigException naming the setting when its file cannot be read
     */
    public synchronized io.threatline.schemas.privacy.IndicatorKey indicatorKey() {
        if (indicatorKey == null) {
            try {
                indicatorKey = io.threatline.schemas.privacy.IndicatorKey.from(originals(), "hub");
            } catch (IllegalArgumentException e) {
                throw new org.apache.kafka.common.config.ConfigException(e.getMessage());
            }
        }
        return indicatorKey;
    }

    public Duration forgetAfter() {
        return duration(FORGET_AFTER);
    }

    public ThreatlineTopics topics() {
        return new ThreatlineTopics(getString(TOPIC_PREFIX), 1, (short) 1);
    }

    public Lifetimes lifetimes() {
        return new Lifetimes(
                duration(LIFETIME_IP),
                duration(LIFETIME_DOMAIN),
                duration(LIFETIME_URL),
                duration(LIFETIME_HASH),
                duration(LIFETIME_EMAIL));
    }

    public int maxSources() {
        return getInt(MAX_SOURCES);
    }

    public Duration scanInterval() {
        return duration(SCAN_INTERVAL);
    }

    public Duration statisticsGrace() {
        return duration(STATISTICS_GRACE);
    }

    public Duration statisticsFlushInterval() {
        return duration(STATISTICS_FLUSH_INTERVAL);
    }

    public int maxRecordBytes() {
        return getInt(MAX_RECORD_BYTES);
    }

    public int backfillRate() {
        return getInt(BACKFILL_RATE);
    }

    public Duration registryWait() {
        return duration(REGISTRY_WAIT);
    }

    private Duration duration(String name) {
        return Duration.parse(getString(name));
    }
}
