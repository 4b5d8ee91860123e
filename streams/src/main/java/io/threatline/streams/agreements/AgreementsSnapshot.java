package io.threatline.streams.agreements;

import io.threatline.agreements.AgreementIndex;
import io.threatline.contract.PartnerAgreement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The partners' current agreements, decoded once per change of the agreements topic instead of once
 * per record. The agreements live in a global store ({@value PartnerRouter#AGREEMENTS_STORE}),
 * kept by {@link Updater} from the compacted agreements topic; every update bumps a version here.
 * Each router holds a {@link View} that re-reads the store when the version has moved, so a changed
 * or ended agreement still applies to the very next record, while a record costs a volatile read
 * rather than decoding every partner's agreement (with 200 agreements, 200 Avro decodes per record).
 *
 * <p>One snapshot per topology instance. On a restart the global store is restored straight from
 * the topic before any record is processed; a new view starts unloaded and reads it then.
 */
public final class AgreementsSnapshot {

    private final AtomicLong version = new AtomicLong();

    /** A view over {@code store} for one processor (one thread): not thread-safe itself. */
    public View view(ReadOnlyKeyValueStore<String, PartnerAgreement> store) {
        return new View(store);
    }

    /** The global store's processor: applies each agreement record (a tombstone ends the agreement) and bumps the version. */
    public Processor<String, PartnerAgreement, Void, Void> updater() {
        return new Updater();
    }

    private final class Updater implements Processor<String, PartnerAgreement, Void, Void> {
        private KeyValueStore<String, PartnerAgreement> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(PartnerRouter.AGREEMENTS_STORE);
        }

        @Override
        public void process(Record<String, PartnerAgreement> record) {
            if (record.key() == null) {
                return;
            }
            if (record.value() == null) {
                store.delete(record.key());
            } else {
                store.put(record.key(), record.value());
            }
            version.incrementAndGet();
        }
    }

    /** The agreements as one processor sees them; the objects are shared and must not be modified. */
    public final class View {
        private final ReadOnlyKeyValueStore<String, PartnerAgreement> store;
        private long loaded = -1;
        private AgreementIndex index = AgreementIndex.of(List.of());
        private Map<String, PartnerAgreement> byPartner = Map.of();

        private View(ReadOnlyKeyValueStore<String, PartnerAgreement> store) {
            this.store = store;
        }

        /** Every current agreement, in partner order. */
        public List<PartnerAgreement> all() {
            refresh();
            return index.all();
        }

        /** Every current agreement, indexed by what it selects ({@link AgreementIndex}); its {@code all()} is {@link #all()}. */
        public AgreementIndex index() {
            refresh();
            return index;
        }

        /** A number that changes whenever the agreements do (the objects {@link #all()} returns are the same until then). */
        public long version() {
            refresh();
            return loaded;
        }

        /** The partner's current agreement, or null when it has none. */
        public PartnerAgreement of(String partnerId) {
            refresh();
            return byPartner.get(partnerId);
        }

        private void refresh() {
            // The version is read before the store: an update landing in between is read now and again next time.
            long current = version.get();
            if (current == loaded) {
                return;
            }
            List<PartnerAgreement> agreements = new ArrayList<>();
            Map<String, PartnerAgreement> partners = new HashMap<>();
            try (KeyValueIterator<String, PartnerAgreement> it = store.all()) {
                while (it.hasNext()) {
                    var entry = it.next();
                    if (entry.value != null) {
                        agreements.add(entry.value);
                        partners.put(entry.key, entry.value);
                    }
                }
            }
            index = AgreementIndex.of(agreements);
            byPartner = partners;
            loaded = current;
        }
    }
}
