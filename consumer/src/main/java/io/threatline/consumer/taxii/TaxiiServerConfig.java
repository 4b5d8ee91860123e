package io.threatline.consumer.taxii;

import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Settings of the TAXII server, each declared once with its type, default, validator and doc. A
 * bad setting fails at start-up with a message naming it. Settings prefixed {@code kafka.} are
 * passed to the Kafka consumers without the prefix (security settings, for example).
 */
public final class TaxiiServerConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = AvroSerdeConfig.SCHEMA_REGISTRY_URL;
    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String HOST = "taxii.host";
    public static final String PORT = "taxii.port";
    public static final String TLS_ENABLED = "taxii.tls.enabled";
    public static final String KEYSTORE_PATH = "taxii.tls.keystore.path";
    public static final String KEYSTORE_PASSWORD = "taxii.tls.keystore.password";
    /** The registry credential for the schema of partners' posted reports (docs/sharing-back.md); reads need none. */
    public static final String REGISTRY_USER_INFO = AvroSerdeConfig.BASIC_AUTH_USER_INFO;

    public static final String KEYSTORE_TYPE = "taxii.tls.keystore.type";
    public static final String TITLE = "taxii.title";
    public static final String DEFAULT_LIMIT = "taxii.page.limit.default";
    public static final String MAX_LIMIT = "taxii.page.limit.max";
    public static final String THREADS = "taxii.threads";
    public static final String READERS = "taxii.kafka.readers";
    public static final String PAGE_TIMEOUT_MS = "taxii.page.timeout.ms";
    public static final String AUTH_CACHE_MS = "taxii.auth.cache.ms";
    public static final String IDLE_TIMEOUT_MS = "taxii.idle.timeout.ms";
    public static final String REQUEST_TIMEOUT_MS = "taxii.request.timeout.ms";
    public static final String MAX_CONNECTIONS = "taxii.connections.max";
    public static final String REQUEST_HEADER_BYTES = "taxii.request.header.max.bytes";
    public static final String RATE_PER_SECOND = "taxii.rate.per.second";
    public static final String RATE_BURST = "taxii.rate.burst";
    public static final String LOGIN_FAILURES_MAX = "taxii.auth.failures.max";
    public static final String LOGIN_FAILURES_WINDOW_MS = "taxii.auth.failures.window.ms";
    public static final String VERSION_INDEX_MAX_KEYS = "taxii.versions.index.max.keys";
    public static final String KAFKA_PREFIX = "kafka.";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(
                    BOOTSTRAP_SERVERS,
                    Type.LIST,
                    ConfigDef.NO_DEFAULT_VALUE,
                    new ConfigDef.NonEmptyString() {
                        @Override
                        public void ensureValid(String name, Object value) {
                            if (((List<?>) value).isEmpty()) {
                                throw new ConfigException(
                                        name, value, "at least one host:port of the Kafka cluster is required");
                            }
                        }
                    },
                    Importance.HIGH,
                    "Kafka bootstrap servers the partner topics are read from.")
            .define(
                    SCHEMA_REGISTRY_URL,
                    Type.LIST,
                    ConfigDef.NO_DEFAULT_VALUE,
                    Importance.HIGH,
                    "Base URL(s) of the Confluent-compatible schema registry of the partner topics.")
            .define(
                    TOPIC_PREFIX,
                    Type.STRING,
                    ThreatlineTopics.DEFAULT_PREFIX,
                    Importance.MEDIUM,
                    "Prefix of Threatline's topic names.")
            .define(
                    HOST,
                    Type.STRING,
                    "0.0.0.0",
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Address to listen on.")
            .define(
                    PORT,
                    Type.INT,
                    9443,
                    Range.between(0, 65535),
                    Importance.HIGH,
                    "Port to listen on; 0 picks a free one.")
            .define(
                    TLS_ENABLED,
                    Type.BOOLEAN,
                    true,
                    Importance.HIGH,
                    "Serve HTTPS. Turn off only for local use: partners' credentials travel in HTTP Basic headers.")
            .define(
                    KEYSTORE_PATH,
                    Type.STRING,
                    "",
                    Importance.HIGH,
                    "Key store holding the server's key and certificate; required with TLS.")
            .define(
                    REGISTRY_USER_INFO,
                    Type.PASSWORD,
                    null,
                    Importance.MEDIUM,
                    "user:password for the schema registry, where it wants one to register the schema of the reports"
                            + " partners post (docs/sharing-back.md).")
            .define(
                    KEYSTORE_PASSWORD,
                    Type.PASSWORD,
                    null,
                    Importance.HIGH,
                    "Password of the key store and of the key in it.")
            .define(
                    KEYSTORE_TYPE,
                    Type.STRING,
                    "PKCS12",
                    ConfigDef.ValidString.in("PKCS12", "JKS"),
                    Importance.LOW,
                    "Key store type.")
            .define(TITLE, Type.STRING, "Threatline TAXII", Importance.LOW, "Title in the discovery response.")
            .define(
                    DEFAULT_LIMIT,
                    Type.INT,
                    1000,
                    Range.atLeast(1),
                    Importance.MEDIUM,
                    "Objects per page when the client sends no limit.")
            .define(
                    MAX_LIMIT,
                    Type.INT,
                    10_000,
                    Range.atLeast(1),
                    Importance.MEDIUM,
                    "Most objects per page; a larger limit is lowered to it.")
            .define(THREADS, Type.INT, 8, Range.between(1, 256), Importance.LOW, "HTTP worker threads.")
            .define(
                    READERS,
                    Type.INT,
                    4,
                    Range.between(1, 256),
                    Importance.LOW,
                    "Kafka consumers kept for reading pages; pages read at once.")
            .define(
                    PAGE_TIMEOUT_MS,
                    Type.LONG,
                    15_000L,
                    Range.atLeast(100),
                    Importance.LOW,
                    "How long one page may wait for the broker before it is returned short (with more=true).")
            .define(
                    AUTH_CACHE_MS,
                    Type.LONG,
                    300_000L,
                    Range.atLeast(0),
                    Importance.LOW,
                    "How long a verified credential is remembered (as a keyed digest, never in clear), sparing the password hash per request; 0 turns it off.")
            .define(
                    IDLE_TIMEOUT_MS,
                    Type.LONG,
                    30_000L,
                    Range.between(1_000L, 600_000L),
                    Importance.MEDIUM,
                    "A connection with no traffic for this long is closed.")
            .define(
                    REQUEST_TIMEOUT_MS,
                    Type.LONG,
                    10_000L,
                    Range.between(500L, 600_000L),
                    Importance.MEDIUM,
                    "A new connection must finish its TLS handshake and send its first request head within this time, or it is closed.")
            .define(
                    MAX_CONNECTIONS,
                    Type.INT,
                    512,
                    Range.between(1, 100_000),
                    Importance.MEDIUM,
                    "Most connections open at once; past it the server stops accepting until some close. One request at a time per connection, so this also bounds the requests waiting for a thread.")
            .define(
                    REQUEST_HEADER_BYTES,
                    Type.INT,
                    8192,
                    Range.between(1024, 65_536),
                    Importance.LOW,
                    "Largest request line plus headers accepted; larger answers 431.")
            .define(
                    RATE_PER_SECOND,
                    Type.DOUBLE,
                    20.0,
                    Range.between(0.01, 100_000.0),
                    Importance.MEDIUM,
                    "Requests per second one partner may make on average; more answer 429 with Retry-After.")
            .define(
                    RATE_BURST,
                    Type.INT,
                    40,
                    Range.between(1, 1_000_000),
                    Importance.MEDIUM,
                    "Requests one partner may make at once before its rate applies.")
            .define(
                    LOGIN_FAILURES_MAX,
                    Type.INT,
                    10,
                    Range.between(1, 1_000_000),
                    Importance.MEDIUM,
                    "Failed logins of one user name, or from one address, in a window before further attempts answer 429 without a password check.")
            .define(
                    LOGIN_FAILURES_WINDOW_MS,
                    Type.LONG,
                    60_000L,
                    Range.between(1_000L, 86_400_000L),
                    Importance.MEDIUM,
                    "Length of the failed-login window.")
            .define(
                    VERSION_INDEX_MAX_KEYS,
                    Type.INT,
                    2_000_000,
                    Range.between(1, 100_000_000),
                    Importance.LOW,
                    "Most objects per partner topic whose first and latest versions are indexed for match[version]=last (the default) and first; "
                            + "past it such requests answer 503 and match[version]=all still works. Each costs roughly 150 bytes of heap.");

    public TaxiiServerConfig(Map<?, ?> originals) {
        super(DEFINITION, originals, false);
        if (tlsEnabled() && getString(KEYSTORE_PATH).isBlank()) {
            throw new ConfigException(KEYSTORE_PATH, "", "a key store is required while " + TLS_ENABLED + " is true");
        }
        if (getInt(DEFAULT_LIMIT) > getInt(MAX_LIMIT)) {
            throw new ConfigException(
                    DEFAULT_LIMIT,
                    getInt(DEFAULT_LIMIT),
                    "must not exceed " + MAX_LIMIT + " (" + getInt(MAX_LIMIT) + ")");
        }
        new ThreatlineTopics(getString(TOPIC_PREFIX), 1, (short) 1);
    }

    public boolean tlsEnabled() {
        return getBoolean(TLS_ENABLED);
    }

    public String host() {
        return getString(HOST);
    }

    public int port() {
        return getInt(PORT);
    }

    public String keystorePath() {
        return getString(KEYSTORE_PATH);
    }

    public char[] keystorePassword() {
        return Optional.ofNullable(getPassword(KEYSTORE_PASSWORD))
                .map(Password::value)
                .orElse("")
                .toCharArray();
    }

    public String keystoreType() {
        return getString(KEYSTORE_TYPE);
    }

    public String title() {
        return getString(TITLE);
    }

    public int defaultLimit() {
        return getInt(DEFAULT_LIMIT);
    }

    public int maxLimit() {
        return getInt(MAX_LIMIT);
    }

    public int threads() {
        return getInt(THREADS);
    }

    public int readers() {
        return getInt(READERS);
    }

    public Duration pageTimeout() {
        return Duration.ofMillis(getLong(PAGE_TIMEOUT_MS));
    }

    public Duration authCache() {
        return Duration.ofMillis(getLong(AUTH_CACHE_MS));
    }

    public Duration idleTimeout() {
        return Duration.ofMillis(getLong(IDLE_TIMEOUT_MS));
    }

    public Duration requestTimeout() {
        return Duration.ofMillis(getLong(REQUEST_TIMEOUT_MS));
    }

    public int maxConnections() {
        return getInt(MAX_CONNECTIONS);
    }

    public int requestHeaderBytes() {
        return getInt(REQUEST_HEADER_BYTES);
    }

    public double ratePerSecond() {
        return getDouble(RATE_PER_SECOND);
    }

    public int rateBurst() {
        return getInt(RATE_BURST);
    }

    public int maxLoginFailures() {
        return getInt(LOGIN_FAILURES_MAX);
    }

    public Duration loginFailureWindow() {
        return Duration.ofMillis(getLong(LOGIN_FAILURES_WINDOW_MS));
    }

    public int versionIndexMaxKeys() {
        return getInt(VERSION_INDEX_MAX_KEYS);
    }

    /** Topic names under the configured prefix. */
    public ThreatlineTopics topics() {
        return new ThreatlineTopics(getString(TOPIC_PREFIX), 1, (short) 1);
    }

    /** Settings of the Kafka consumers: bootstrap servers plus every {@code kafka.*} setting. */
    public Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>(originalsWithPrefix(KAFKA_PREFIX));
        config.put(BOOTSTRAP_SERVERS, String.join(",", getList(BOOTSTRAP_SERVERS)));
        return config;
    }

    /** Settings of the Avro deserializers. */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> serde = new HashMap<>();
        serde.put(SCHEMA_REGISTRY_URL, String.join(",", getList(SCHEMA_REGISTRY_URL)));
        if (getPassword(REGISTRY_USER_INFO) != null) {
            serde.put(REGISTRY_USER_INFO, getPassword(REGISTRY_USER_INFO).value());
        }
        return Map.copyOf(serde);
    }
}
