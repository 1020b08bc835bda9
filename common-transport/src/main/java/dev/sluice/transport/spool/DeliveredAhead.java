package dev.sluice.transport.spool;

import java.util.Map;
import java.util.TreeMap;

/**
 * Sequence ids of records that are still in the {@link Spool}, ahead of its head, although the server has already
 * acknowledged them: urgent events the delivery engine sent at once, outside the delivery window, whose records wait
 * for the window to be acknowledged in order. Kept as sorted ranges of ids (an error storm is one range), at most
 * {@link #MAX_RANGES}; made durable by the spool in the file {@code delivered-ahead} beside the checkpoint, and
 * trimmed as the spool's head passes the ids (see {@link Spool}). So a restart, or a new engine on the same spool,
 * sends none of them again, and the reader acknowledges their records without sending them.
 *
 * <p>An id is added only once the server acknowledged it, so what this holds is never a record still to send: a
 * lost or damaged file, or an id that could not be added, means a record sent twice, never one lost.
 *
 * <p>Thread-safe (its own monitor, taken after the spool's, never before it). {@link #contains} costs a volatile
 * read while it is empty.
 */
public final class DeliveredAhead {

    /** Ranges of ids held at most: 16 octets each on disk, so the file stays below 256 KiB. */
    public static final int MAX_RANGES = 16_384;

    /** First id of a range → its last id; ranges are disjoint and not adjacent. */
    private final TreeMap<Long, Long> ranges = new TreeMap<>();
    private volatile int rangeCount;
    /** Changed since the spool last took a {@link #snapshotIfDirty() snapshot} to write. */
    private volatile boolean dirty;
    /** Ids up to this one were acknowledged in the spool: nothing to remember about them. */
    private long acknowledgedUpTo;

    DeliveredAhead() {
    }

    /**
     * Remembers that the record with id {@code id} was acknowledged by the server.
     *
     * @return {@code false} if it could not be remembered ({@link #MAX_RANGES} reached): its record will be sent
     *         again when the spool is read up to it
     */
    public synchronized boolean add(long id) {
        if (id <= acknowledgedUpTo) {
            return true;
        }
        Map.Entry<Long, Long> below = ranges.floorEntry(id);
        if (below != null && below.getValue() >= id) {
            return true;
        }
        boolean joinsBelow = below != null && below.getValue() == id - 1;
        Long aboveLast = ranges.get(id + 1);
        if (joinsBelow && aboveLast != null) {
            ranges.remove(id + 1);
            ranges.put(below.getKey(), aboveLast);
        } else if (joinsBelow) {
            ranges.put(below.getKey(), id);
        } else if (aboveLast != null) {
            ranges.remove(id + 1);
            ranges.put(id, aboveLast);
        } else if (ranges.size() < MAX_RANGES) {
            ranges.put(id, id);
        } else {
            return false;
        }
        rangeCount = ranges.size();
        dirty = true;
        return true;
    }

    /** Whether the server acknowledged the record with id {@code id}, which is still in the spool. */
    public boolean contains(long id) {
        if (rangeCount == 0) {
            return false;
        }
        synchronized (this) {
            Map.Entry<Long, Long> below = ranges.floorEntry(id);
            return below != null && below.getValue() >= id;
        }
    }

    /** How many ids in {@code [first, last]} are held. */
    public synchronized long countIn(long first, long last) {
        long n = 0;
        Long from = ranges.floorKey(first);
        for (Map.Entry<Long, Long> e : ranges.tailMap(from == null ? first : from, true).entrySet()) {
            if (e.getKey() > last) {
                break;
            }
            n += Math.max(0, Math.min(last, e.getValue()) - Math.max(first, e.getKey()) + 1);
        }
        return n;
    }

    public boolean isEmpty() {
        return rangeCount == 0;
    }

    /** Ranges held, for tests and health. */
    public int ranges() {
        return rangeCount;
    }

    /** The spool acknowledged every record up to id {@code id}: forgets those ids, and will not take them again. */
    synchronized void acknowledgedUpTo(long id) {
        acknowledgedUpTo = Math.max(acknowledgedUpTo, id);
        retain(acknowledgedUpTo + 1, Long.MAX_VALUE);
    }

    /** Forgets the ids in {@code [first, last]}: their records left the spool another way (a dropped segment). */
    synchronized void forget(long first, long last) {
        if (first > last || ranges.isEmpty()) {
            return;
        }
        java.util.NavigableMap<Long, Long> kept = new java.util.TreeMap<>();
        for (Map.Entry<Long, Long> r : ranges.entrySet()) {
            long from = r.getKey();
            long to = r.getValue();
            if (to < first || from > last) {
                kept.put(from, to);
                continue;
            }
            if (from < first) {
                kept.put(from, first - 1);
            }
            if (to > last) {
                kept.put(last + 1, to);
            }
        }
        if (kept.size() != ranges.size() || !kept.equals(ranges)) {
            ranges.clear();
            ranges.putAll(kept);
            dirty = true;
        }
        rangeCount = ranges.size();
    }

    /** Keeps only the ids in {@code [first, last]}. */
    synchronized void retain(long first, long last) {
        while (!ranges.isEmpty() && ranges.firstEntry().getValue() < first) {
            ranges.pollFirstEntry();
            dirty = true;
        }
        Map.Entry<Long, Long> head = ranges.firstEntry();
        if (head != null && head.getKey() < first) {
            ranges.pollFirstEntry();
            ranges.put(first, head.getValue());
            dirty = true;
        }
        while (!ranges.isEmpty() && ranges.lastKey() > last) {
            ranges.pollLastEntry();
            dirty = true;
        }
        Map.Entry<Long, Long> tail = ranges.lastEntry();
        if (tail != null && tail.getValue() > last) {
            ranges.put(tail.getKey(), last);
            dirty = true;
        }
        rangeCount = ranges.size();
    }

    /** Read back from the file on open: {@code pairs} is first, last, first, last, ... ascending. */
    synchronized void load(long[] pairs) {
        ranges.clear();
        for (int i = 0; i < pairs.length; i += 2) {
            ranges.put(pairs[i], pairs[i + 1]);
        }
        rangeCount = ranges.size();
        dirty = false;
    }

    boolean isDirty() {
        return dirty;
    }

    /** After a failed write: write it again next time. */
    void markDirty() {
        dirty = true;
    }

    /** The ranges as first, last, ... to write, or {@code null} if nothing changed since the last snapshot. */
    synchronized long[] snapshotIfDirty() {
        if (!dirty) {
            return null;
        }
        dirty = false;
        long[] pairs = new long[ranges.size() * 2];
        int i = 0;
        for (Map.Entry<Long, Long> e : ranges.entrySet()) {
            pairs[i++] = e.getKey();
            pairs[i++] = e.getValue();
        }
        return pairs;
    }
}
