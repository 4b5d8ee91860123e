package io.threatline.streams.inbound;

import io.threatline.contract.Suppression;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The indicators the hub refuses (docs/sharing-back.md, "Suppressed indicators"): a global store
 * ({@value #STORE}) of the compacted suppressions topic, kept by {@link #updater}, read by validation
 * for every sensor event and partner report. A suppressed indicator's sightings are dead-lettered
 * ({@value #SUPPRESSED}), never merged: a false positive accepted by an operator stays revoked
 * however often sensors see it again, until an operator lifts it (a tombstone). Retractions still
 * pass, so an operator can always revoke.
 */
public final class Suppressions {

    /** The global store's name. */
    public static final String STORE = "indicator-suppressions";

    /** Dead-letter reason for an event about a suppressed indicator. */
    public static final String SUPPRESSED = "INDICATOR_SUPPRESSED";

    private Suppressions() {}

    /** Keeps the global store: a value sets a suppression, a tombstone lifts it. */
    public static Processor<String, Suppression, Void, Void> updater() {
        return new Processor<>() {
            private KeyValueStore<String, Suppression> store;

            @Override
            public void init(ProcessorContext<Void, Void> context) {
                store = context.getStateStore(STORE);
            }

            @Override
            public void process(Record<String, Suppression> record) {
                if (record.key() == null) {
                    return;
                }
                if (record.value() == null) {
                    store.delete(record.key());
                } else {
                    store.put(record.key(), record.value());
                }
            }
        };
    }

    /** The suppression of an indicator, if it has one. */
    public static Optional<Suppression> of(ReadOnlyKeyValueStore<String, Suppression> store, String indicatorId) {
        return store == null ? Optional.empty() : Optional.ofNullable(store.get(indicatorId));
    }

    /** Why an event about a suppressed indicator is refused, for its dead letter. */
    public static String reason(Suppression s) {
        return "indicator " + s.getIndicatorId() + " is suppressed since " + s.getAt() + " by " + s.getBy() + " ("
                + s.getReason() + "); an operator may lift it with 'threatline indicators false-positives unsuppress'";
    }
}
