package io.threatline.producer.publish;

import io.threatline.schemas.topics.ThreatlineTopics;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The publisher's own settings ({@code threatline.publisher.*}); everything else in the same map is
 * passed to the Kafka producer and the Avro serializer unchanged. A bad value fails at construction
 * with a message naming the setting.
 */
public final class PublisherConfig extends AbstractConfig {

    public static final String PREFIX = "threatline.publisher.";
    public static final String TOPIC = PREFIX + "topic";
    public static final String MAX_PENDING_EVENTS = PREFIX + "max.pending.events";
    public static final String INVALID_EVENT_POLICY = PREFIX + "invalid.event.policy";
    public static final String RECORD_TIMESTAMP = PREFIX + "record.timestamp";

    /** What the publisher does with an event that breaks the contract's rules. */
    public enum InvalidEventPolicy {
        /** Do not send it; the caller gets a rejection with the reason (the default). */
        REJECT,
        /** Send it anyway, keyed by its raw value, so that the hub's own validation and dead letter can be exercised. */
        SEND_AS_IS
    }

    /** Which time the Kafka record carries, and so which clock drives the hub's windows and scans. */
    public enum RecordTimestamp {
        /** When the event was published (the Kafka default): windows follow the wall clock. */
        PUBLISH_TIME,
        /**
         * The event's observedAt, but never later than now (a sensor's fast clock cannot push
         * records into the future, which the broker would refuse): windows follow event time. For
         * replays and simulations; note that time-based retention then counts from observedAt.
         */
        OBSERVED_AT
    }

    private static final ConfigDef.Validator TIMESTAMP = (name, value) -> {
        try {
            RecordTimestamp.valueOf(String.valueOf(value).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, "accepted: PUBLISH_TIME, OBSERVED_AT");
        }
    };

    private static final ConfigDef.Validator POLICY = (name, value) -> {
        try {
            InvalidEventPolicy.valueOf(String.valueOf(value).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, "accepted: REJECT, SEND_AS_IS");
        }
    };

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(
                    TOPIC,
                    Type.STRING,
                    ThreatlineTopics.defaults().sensorEvents(),
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "Topic the sensor events are published to.")
            .define(
                    MAX_PENDING_EVENTS,
                    Type.INT,
                    20_000,
                    ConfigDef.Range.between(1, 10_000_000),
                    Importance.MEDIUM,
                    "Events sent but not yet acknowledged before publish() blocks the caller (backpressure). "
                            + "Bounds the memory the publisher holds.")
            .define(
                    INVALID_EVENT_POLICY,
                    Type.STRING,
                    InvalidEventPolicy.REJECT.name(),
                    POLICY,
                    Importance.LOW,
                    "REJECT: invalid events are not sent and come back as rejections. SEND_AS_IS: sent anyway (for testing the hub).")
            .define(
                    RECORD_TIMESTAMP,
                    Type.STRING,
                    RecordTimestamp.PUBLISH_TIME.name(),
                    TIMESTAMP,
                    Importance.LOW,
                    "PUBLISH_TIME: records carry the time they were published. OBSERVED_AT: the event's observedAt (at most now), "
                            + "so the hub's statistics windows follow event time (replays, simulations).");

    public PublisherConfig(Map<String, ?> originals) {
        super(DEFINITION, originals, false);
    }

    public String topic() {
        return getString(TOPIC);
    }

    public int maxPendingEvents() {
        return getInt(MAX_PENDING_EVENTS);
    }

    public RecordTimestamp recordTimestamp() {
        return RecordTimestamp.valueOf(getString(RECORD_TIMESTAMP).toUpperCase(Locale.ROOT));
    }

    public InvalidEventPolicy invalidEventPolicy() {
        return InvalidEventPolicy.valueOf(getString(INVALID_EVENT_POLICY).toUpperCase(Locale.ROOT));
    }
}
