package io.threatline.schemas.serde;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Settings of the Avro serializer and deserializer. The names are Confluent's, so a client
 * configuration written for Confluent's serde works unchanged. A bad value fails at
 * {@code configure()} with a message naming the setting.
 */
public final class AvroSerdeConfig extends AbstractConfig {

    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";

    private static final ConfigDef.Validator STRATEGY = (name, value) -> {
        try {
            SubjectNameStrategy.parse(String.valueOf(value));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
    };

    private static final ConfigDef.Validator URLS = (name, value) -> {
        @SuppressWarnings("unchecked")
        List<String> urls = (List<String>) value;
        for (String url : urls) {
            try {
                URI uri = URI.create(url.trim());
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw new ConfigException(name, url, "must be an http:// or https:// URL with a host");
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, url, "is not a URL: " + e.getMessage());
            }
        }
    };

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(
                    SCHEMA_REGISTRY_URL,
                    Type.LIST,
                    List.of(),
                    URLS,
                    Importance.HIGH,
                    "Comma-separated base URLs of a Confluent-compatible schema registry; tried in order when one is unreachable. "
                            + "Required unless a registry client is passed to the serde directly.")
            .define(
                    AUTO_REGISTER_SCHEMAS,
                    Type.BOOLEAN,
                    true,
                    Importance.MEDIUM,
                    "Register the record's schema when it is not yet under the subject. When false, the schema must already be registered.")
            .define(
                    KEY_SUBJECT_NAME_STRATEGY,
                    Type.STRING,
                    "topic",
                    STRATEGY,
                    Importance.LOW,
                    "Subject naming for keys: topic, record or topic-record (Confluent class names also accepted).")
            .define(
                    VALUE_SUBJECT_NAME_STRATEGY,
                    Type.STRING,
                    "topic",
                    STRATEGY,
                    Importance.LOW,
                    "Subject naming for values: topic, record or topic-record (Confluent class names also accepted).")
            .define(
                    SPECIFIC_AVRO_READER,
                    Type.BOOLEAN,
                    false,
                    Importance.MEDIUM,
                    "Deserialize into the generated SpecificRecord class named by the writer schema instead of a GenericRecord.")
            .define(
                    REQUEST_TIMEOUT_MS,
                    Type.INT,
                    10_000,
                    ConfigDef.Range.atLeast(1),
                    Importance.LOW,
                    "Timeout of each schema registry HTTP request, in milliseconds.")
            .define(
                    BASIC_AUTH_USER_INFO,
                    Type.PASSWORD,
                    null,
                    Importance.MEDIUM,
                    "user:password for HTTP Basic authentication to the registry, if it needs it.");

    public AvroSerdeConfig(Map<?, ?> originals) {
        super(DEFINITION, originals, false);
    }

    public List<URI> registryUrls() {
        return getList(SCHEMA_REGISTRY_URL).stream()
                .map(String::trim)
                .map(URI::create)
                .toList();
    }

    public boolean autoRegister() {
        return getBoolean(AUTO_REGISTER_SCHEMAS);
    }

    public SubjectNameStrategy subjectNameStrategy(boolean isKey) {
        return SubjectNameStrategy.parse(getString(isKey ? KEY_SUBJECT_NAME_STRATEGY : VALUE_SUBJECT_NAME_STRATEGY));
    }

    public boolean specificReader() {
        return getBoolean(SPECIFIC_AVRO_READER);
    }

    /** A caching REST client for the configured registry. */
    /**
     * The Kafka client settings in {@code settings}: everything but the serde's own (registry URL,
     * credentials and timeout, subject naming, auto-registration, specific reader), which Kafka
     * clients would warn about or which must not travel with them.
     */
    public static Map<String, Object> kafkaOnly(Map<String, ?> settings) {
        Map<String, Object> kafka = new java.util.HashMap<>(settings);
        kafka.keySet()
                .removeIf(k -> k.startsWith("schema.registry.")
                        || k.startsWith("basic.auth.")
                        || k.endsWith(".subject.name.strategy")
                        || k.equals(AUTO_REGISTER_SCHEMAS)
                        || k.equals(SPECIFIC_AVRO_READER));
        return kafka;
    }

    public SchemaRegistryClient newClient() {
        if (getList(SCHEMA_REGISTRY_URL).isEmpty()) {
            throw new ConfigException(
                    SCHEMA_REGISTRY_URL + " is required: the base URL of a Confluent-compatible schema "
                            + "registry, e.g. http://localhost:8081");
        }
        Password auth = getPassword(BASIC_AUTH_USER_INFO);
        return new CachingSchemaRegistryClient(new RestSchemaRegistryClient(
                registryUrls(),
                Duration.ofMillis(getInt(REQUEST_TIMEOUT_MS)),
                Optional.ofNullable(auth).map(Password::value)));
    }
}
