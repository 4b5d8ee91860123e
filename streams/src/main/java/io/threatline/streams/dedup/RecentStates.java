package io.threatline.streams.dedup;

import io.threatline.contract.Indicator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The most recently sighted indicators of one task, decoded, in front of the dedup state store
 * (docs/benchmarks.md, issue 13): sightings follow a long-tailed distribution, so most repeats are
 * of a few popular indicators, and for those the merge needs neither a RocksDB read nor a decode.
 * Write-through: the processor writes every state to the store first and then here, and forgets an
 * indicator here when it deletes it there, so what this holds is always what the store holds. The
 * objects are never changed once stored (the merge copies before it changes anything). Least
 * recently used first out; not thread-safe (one per processor, one processor per task).
 */
final class RecentStates {

    private final int capacity;
    private final LinkedHashMap<String, Indicator> states;

    RecentStates(int capacity) {
        this.capacity = capacity;
        this.states = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Indicator> eldest) {
                return size() > RecentStates.this.capacity;
            }
        };
    }

    /** The indicator's state, or null when it is not held here (which says nothing about the store). */
    Indicator get(String id) {
        return capacity == 0 ? null : states.get(id);
    }

    void put(String id, Indicator state) {
        if (capacity > 0) {
            states.put(id, state);
        }
    }

    void remove(String id) {
        states.remove(id);
    }

    void clear() {
        states.clear();
    }

    int size() {
        return states.size();
    }
}
