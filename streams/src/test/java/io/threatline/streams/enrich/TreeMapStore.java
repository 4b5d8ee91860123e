package io.threatline.streams.enrich;

import io.threatline.streams.reference.ReferenceRow;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A {@link ReadOnlyKeyValueStore} over a {@link TreeMap}, ordered like a Kafka store of String
 * keys (for the ASCII keys used here), with null range bounds meaning open. Also a consumer of
 * loader rows, so loaders can fill it.
 */
final class TreeMapStore<V> implements ReadOnlyKeyValueStore<String, V>, Consumer<ReferenceRow<V>> {

    final TreeMap<String, V> map = new TreeMap<>();
    int allScans;

    @Override
    public void accept(ReferenceRow<V> row) {
        map.put(row.key(), row.value());
    }

    void put(String key, V value) {
        map.put(key, value);
    }

    @Override
    public V get(String key) {
        return map.get(key);
    }

    @Override
    public KeyValueIterator<String, V> range(String from, String to) {
        return iterator(sub(from, to));
    }

    @Override
    public KeyValueIterator<String, V> reverseRange(String from, String to) {
        return iterator(sub(from, to).descendingMap());
    }

    @Override
    public KeyValueIterator<String, V> all() {
        allScans++;
        return iterator(map);
    }

    @Override
    public long approximateNumEntries() {
        return map.size();
    }

    private NavigableMap<String, V> sub(String from, String to) {
        NavigableMap<String, V> m = map;
        if (from != null) {
            m = m.tailMap(from, true);
        }
        if (to != null) {
            m = m.headMap(to, true);
        }
        return m;
    }

    private static <V> KeyValueIterator<String, V> iterator(Map<String, V> m) {
        Iterator<KeyValue<String, V>> it = List.copyOf(m.entrySet()).stream()
                .map(e -> KeyValue.pair(e.getKey(), e.getValue()))
                .iterator();
        return new KeyValueIterator<>() {
            private KeyValue<String, V> peeked;

            @Override
            public boolean hasNext() {
                return peeked != null || it.hasNext();
            }

            @Override
            public KeyValue<String, V> next() {
                if (peeked != null) {
                    KeyValue<String, V> p = peeked;
                    peeked = null;
                    return p;
                }
                return it.next();
            }

            @Override
            public String peekNextKey() {
                if (peeked == null) {
                    peeked = it.next();
                }
                return peeked.key;
            }

            @Override
            public void close() {}
        };
    }
}
