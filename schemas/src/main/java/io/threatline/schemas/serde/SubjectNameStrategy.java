package io.threatline.schemas.serde;

import java.util.Locale;
import org.apache.avro.Schema;

/**
 * How the subject a schema is registered under is named, as in Confluent's serializers.
 * Configured by name ({@code topic}, {@code record}, {@code topic-record}) or by Confluent's class
 * names, so existing client configurations keep working.
 */
public enum SubjectNameStrategy {
    /** {@code <topic>-key} / {@code <topic>-value}: one schema lineage per topic (the default). */
    TOPIC_NAME("io.confluent.kafka.serializers.subject.TopicNameStrategy"),
    /** The record's full name: one lineage per record type, across topics. */
    RECORD_NAME("io.confluent.kafka.serializers.subject.RecordNameStrategy"),
    /** {@code <topic>-<record full name>}: several record types per topic. */
    TOPIC_RECORD_NAME("io.confluent.kafka.serializers.subject.TopicRecordNameStrategy");

    private final String confluentClass;

    SubjectNameStrategy(String confluentClass) {
        this.confluentClass = confluentClass;
    }

    public String subject(String topic, boolean isKey, Schema schema) {
        return switch (this) {
            case TOPIC_NAME -> topic + (isKey ? "-key" : "-value");
            case RECORD_NAME -> schema.getFullName();
            case TOPIC_RECORD_NAME -> topic + "-" + schema.getFullName();
        };
    }

    /**
     * @throws IllegalArgumentException naming the accepted values
     */
    public static SubjectNameStrategy parse(String value) {
        String v = value.trim();
        for (SubjectNameStrategy s : values()) {
            if (s.confluentClass.equals(v)
                    || s.confluentClass.endsWith("." + v)
                    || s.name().equalsIgnoreCase(v.replace('-', '_'))
                    || s.name().replace("_NAME", "").equalsIgnoreCase(v.replace('-', '_'))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown subject name strategy '" + value
                + "'; accepted: topic, record, topic-record (or Confluent's TopicNameStrategy, RecordNameStrategy, "
                + "TopicRecordNameStrategy)");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace("_name", "").replace('_', '-');
    }
}
