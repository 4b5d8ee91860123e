package io.threatline.streams.enrich;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Views of reference stores as the lookups expect them.
 *
 * <p>A processor that calls {@code context().getStateStore(...)} on a GlobalKTable's store gets
 * its timestamped form ({@code ReadOnlyKeyValueStore<K, ValueAndTimestamp<V>>}); {@link
 * #values} turns that into the plain {@code ReadOnlyKeyValueStore<K, V>} that {@link
 * FamilyResolver}, {@link IpIntelligence} and {@link BenignMatcher} take. Interactive queries
 * with {@code QueryableStoreTypes.keyValueStore()} already return the plain form.
 */
public final class ReferenceStores {

    private ReferenceStores() {}

    /** The store without timestamps. */
    public static <K, V> ReadOnlyKeyValueStore<K, V> values(ReadOnlyKeyValueStore<K, ValueAndTimestamp<V>> store) {
        return new ReadOnlyKeyValueStore<>() {
            @Override
            public V get(K key) {
                return ValueAndTimestamp.getValueOrNull(store.get(key));
            }

            @Override
            public KeyValueIterator<K, V> range(K from, K to) {
                return unwrap(store.range(from, to));
            }

            @Override
            public KeyValueIterator<K, V> reverseRange(K from, K to) {
                return unwrap(store.reverseRange(from, to));
            }

            @Override
            public KeyValueIterator<K, V> all() {
                return unwrap(store.all());
            }

            @Override
            public KeyValueIterator<K, V> reverseAll() {
                return unwrap(store.reverseAll());
            }

            @Override
            public long approximateNumEntries() {
                return store.approximateNumEntries();
            }
        };
    }

    private static <K, V> KeyValueIterator<K, V> unwrap(KeyValueIterator<K, ValueAndTimestamp<V>> inner) {
        return new KeyValueIterator<>() {
            @Override
            public boolean hasNext() {
                return inner.hasNext();
            }

            @Override
            public KeyValue<K, V> next() {
                KeyValue<K, ValueAndTimestamp<V>> next = inner.next();
                return KeyValue.pair(next.key, ValueAndTimestamp.getValueOrNull(next.value));
            }

            @Override
            public K peekNextKey() {
                return inner.peekNextKey();
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }
}
