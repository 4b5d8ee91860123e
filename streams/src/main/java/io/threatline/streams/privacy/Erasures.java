package io.threatline.streams.privacy;

import io.threatline.contract.Erasure;
import io.threatline.schemas.privacy.IndicatorKey;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The indicators erased on request (docs/data-protection.md, "Erasure"): a global store
 * ({@value #STORE}) of the compacted erasures topic, keyed by the indicator's reference (its keyed
 * hash under the deployment's {@link IndicatorKey}), kept by {@link #updater}. Validation and the
 * dedup ask it for every event while any erasure stands; an erased indicator's sightings are
 * dead-lettered without their content ({@value #ERASED}), never merged. Retractions still pass.
 *
 * <p>An erasure made with another key than the hub's cannot be matched: the hub says so in its log
 * and counts it ({@value #KEY_MISMATCH}), which an operator must act on (give every process the
 * same key file).
 */
public final class Erasures {

    /** The global store's name. */
    public static final String STORE = "indicator-erasures";

    /** Dead-letter reason for an event about an erased indicator. */
    public static final String ERASED = "INDICATOR_ERASED";

    /** Counted when an erasure carries another key's reference, which this hub cannot match. */
    public static final String KEY_MISMATCH = "ERASURE_KEY_MISMATCH";

    private static final Logger LOGGER = LoggerFactory.getLogger(Erasures.class);

    private Erasures() {}

    /**
     * Keeps the global store: an erasure that stands is put, a lifted one (or a tombstone) removed.
     *
     * @param onMismatch run for an erasure made with another key
     */
    public static Processor<String, Erasure, Void, Void> updater(IndicatorKey key, Runnable onMismatch) {
        return new Processor<>() {
            private KeyValueStore<String, Erasure> store;

            @Override
            public void init(ProcessorContext<Void, Void> context) {
                store = context.getStateStore(STORE);
            }

            @Override
            public void process(Record<String, Erasure> record) {
                if (record.key() == null) {
                    return;
                }
                Erasure erasure = record.value();
                if (erasure == null || erasure.getLiftedAt() != null) {
                    store.delete(record.key());
                    return;
                }
                if (!erasure.getKeyId().equals(key.keyId())) {
                    onMismatch.run();
                    LOGGER.error(
                            "Erasure {} was made with key {}, this hub has key {}: it cannot tell which indicator that is, "
                                    + "so it cannot refuse it. Give the hub the deployment's key file ({}).",
                            record.key(),
                            erasure.getKeyId(),
                            key.keyId(),
                            IndicatorKey.FILE_SETTING);
                }
                store.put(record.key(), erasure);
            }
        };
    }

    /** The standing erasure of an indicator id, if it has one; no hashing at all while none stands. */
    public static Optional<Erasure> of(ReadOnlyKeyValueStore<String, Erasure> store, IndicatorKey key, String id) {
        if (store == null || store.approximateNumEntries() == 0) {
            return Optional.empty();
        }
        return Optional.ofNullable(store.get(key.ref(id)));
    }

    /** Why an event about an erased indicator is refused, for its dead letter: the reference, never the value. */
    public static String reason(Erasure e) {
        return "indicator " + e.getIndicatorRef() + " was erased at " + e.getAt() + " by " + e.getBy() + " ("
                + e.getReason() + "); the event's content is not kept. An operator may lift the erasure with"
                + " 'threatline indicators erase --lift'";
    }
}
