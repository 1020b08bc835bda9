package dev.sluice.transport.delivery;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A map from sequence id to value for ids that are mostly drawn in order and live a short while: each id has one
 * slot, {@code id} modulo the table's size, so ids in order take neighbouring slots and need no boxed key and no entry
 * object; an id whose slot a live id of another lap holds goes to a {@link HashMap} beside it. The regular path keeps
 * at most {@code 4096} messages in flight, which a table of {@code 8192} holds with no spill in steady running; urgent
 * events beyond them (the lane is not bounded by that number), ids sent again after a failover and gaps between ids
 * may spill, which is as correct and only slower. (A {@code HashMap} alone cost the delivery thread ~12 % of
 * its time; an open-addressing map with linear probing is far worse here, since ids in order form one long cluster that
 * every removal walks.)
 *
 * <p>Not thread-safe: one thread owns it.
 */
final class SequenceMap<V> {
    private final long[] keys;
    private final Object[] values;
    private final int mask;
    private final Map<Long, V> spill = new HashMap<>();

    /** A table of {@code slots} slots, a power of two. */
    SequenceMap(int slots) {
        if (slots <= 0 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots: " + slots + " (expected: a power of two)");
        }
        keys = new long[slots];
        values = new Object[slots];
        mask = slots - 1;
    }

    /** Maps {@code key} to {@code value} (not {@code null}), replacing what it was mapped to. */
    void put(long key, V value) {
        if (value == null) {
            throw new NullPointerException("value");
        }
        int i = (int) key & mask;
        if (values[i] == null || keys[i] == key) {
            keys[i] = key;
            values[i] = value;
            if (!spill.isEmpty()) {
                spill.remove(key); // it may have spilled while its slot was taken
            }
        } else {
            spill.put(key, value);
        }
    }

    /** Removes the mapping of {@code key} and returns its value, or {@code null} if it had none. */
    @SuppressWarnings("unchecked")
    V remove(long key) {
        int i = (int) key & mask;
        if (values[i] != null && keys[i] == key) {
            V value = (V) values[i];
            values[i] = null;
            return value;
        }
        return spill.isEmpty() ? null : spill.remove(key);
    }

    /** Removes every mapping. */
    void clear() {
        Arrays.fill(values, null);
        spill.clear();
    }

    /** How many ids went to the spill map and are still there; for tests. */
    int spilled() {
        return spill.size();
    }
}
