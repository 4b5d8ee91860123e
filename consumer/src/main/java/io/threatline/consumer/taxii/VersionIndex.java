package io.threatline.consumer.taxii;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which record of a partner topic is the first and which the latest version of its object, per
 * record key (a STIX object is one key: all its versions are in one partition), so that
 * {@code match[version]=last} (the TAXII default) and {@code first} can be answered page by page
 * without reading the whole topic on every request. An index per topic is brought up to the
 * topic's end before each page that needs it, reading only the records added since the last
 * time ({@link KafkaPageReader#scanKeys}). Memory grows with the distinct objects of the
 * partners' topics, one entry per object; up to {@code maxKeys} per topic, past that the request
 * is refused rather than the heap exhausted.
 */
final class VersionIndex {

    /** Where an object's first and latest versions are. */
    record Versions(int partition, long firstOffset, long lastOffset) {}

    private static final class TopicIndex {
        private final Map<String, Versions> byKey = new ConcurrentHashMap<>();
        /** The STIX indicator id of each key (an indicator id), for a partner's post that refers to one. */
        private final Map<String, String> keyByStixId = new ConcurrentHashMap<>();

        private Map<Integer, Long> position = Map.of();
    }

    private final KafkaPageReader reader;
    private final int maxKeys;
    private final Map<String, TopicIndex> topics = new ConcurrentHashMap<>();

    VersionIndex(KafkaPageReader reader, int maxKeys) {
        this.reader = reader;
        this.maxKeys = maxKeys;
    }

    /** A view of {@code topic}'s index brought up to the topic's current end. */
    Lookup upToDate(String topic) throws InterruptedException, TaxiiRequestException {
        TopicIndex index = topics.computeIfAbsent(topic, t -> new TopicIndex());
        synchronized (index) {
            boolean[] full = {false};
            index.position = reader.scanKeys(topic, index.position, (partition, offset, key) -> {
                if (key == null) {
                    return;
                }
                Versions before = index.byKey.get(key);
                if (before == null && index.byKey.size() >= maxKeys) {
                    full[0] = true;
                    return;
                }
                if (before == null) {
                    index.keyByStixId.put(io.threatline.consumer.stix.StixIds.indicator(key), key);
                }
                index.byKey.put(
                        key,
                        before == null || before.partition() != partition
                                ? new Versions(partition, offset, offset)
                                : new Versions(partition, before.firstOffset(), Math.max(before.lastOffset(), offset)));
            });
            if (full[0]) {
                throw new TaxiiRequestException(
                        503, "too many objects to select versions; ask with match[version]=all");
            }
            // Later catch-ups may move an entry past this page's end: the page then leaves the record
            // out and a later page serves the newer version, which is what "last" asks for.
            return key -> key == null ? null : index.byKey.get(key);
        }
    }

    /**
     * The record key (indicator id) of a STIX indicator served on {@code topic}, if the topic holds it:
     * how a partner's sighting or opinion, which names the STIX id it was given, is tied back to the
     * indicator (docs/sharing-back.md).
     */
    java.util.Optional<String> keyOfStixIndicator(String topic, String stixId)
            throws InterruptedException, TaxiiRequestException {
        upToDate(topic);
        return java.util.Optional.ofNullable(topics.get(topic).keyByStixId.get(stixId));
    }

    /** The versions of a key, as of the index's last catch-up. */
    @FunctionalInterface
    interface Lookup {
        Versions versions(String key);
    }
}
