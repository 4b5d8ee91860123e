package io.threatline.streams.errors;

import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Whether a record the hub processes comes from sensors — the sensor topics the hub reads
 * ({@code ThreatlineTopics#sensorInputPattern()}: the shared topic, every vendor's own, the
 * operator's actions) or the hub's own repartition of them — and so may be dead-lettered when it
 * cannot be processed. Checked only when something failed, never per record.
 */
public record SensorInput(Pattern sensorTopics) implements Predicate<String> {

    /** Suffix of the topic Kafka Streams makes for the repartition named {@code events-by-indicator}. */
    public static final String REPARTITION_SUFFIX = "-events-by-indicator-repartition";

    @Override
    public boolean test(String topic) {
        return topic != null && (sensorTopics.matcher(topic).matches() || topic.endsWith(REPARTITION_SUFFIX));
    }
}
