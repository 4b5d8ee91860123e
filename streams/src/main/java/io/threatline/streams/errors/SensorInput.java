package io.threatline.streams.errors;

import java.util.Map;
import java.util.function.Predicate;

/**
 * Whether a record the hub processes comes from sensors — the sensor-events topic or the hub's own
 * repartition of it — and so may be dead-lettered when it cannot be processed. Set by the hub in its
 * settings under {@link #CONFIG}.
 */
public record SensorInput(String sensorEventsTopic) implements Predicate<String> {

    public static final String CONFIG = "threatline.hub.internal.sensor-input";
    /** Suffix of the topic Kafka Streams makes for the repartition named {@code events-by-indicator}. */
    public static final String REPARTITION_SUFFIX = "-events-by-indicator-repartition";

    static SensorInput from(Map<String, ?> configs) {
        Object value = configs.get(CONFIG);
        if (!(value instanceof SensorInput input)) {
            throw new IllegalStateException(CONFIG + " is not set: the hub's error handlers need the sensor-events topic");
        }
        return input;
    }

    @Override
    public boolean test(String topic) {
        return topic != null && (topic.equals(sensorEventsTopic) || topic.endsWith(REPARTITION_SUFFIX));
    }
}
