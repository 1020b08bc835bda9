package dev.sluice.transport.event;

import dev.sluice.transport.syslog.SyslogBuffer;

/**
 * Keeps our own logging out of our own appender (STYLE 13). An event is refused when it is logged
 * <ul>
 * <li>on one of Sluice's threads (delivery, I/O, spool), whose names start with {@value #THREAD_PREFIX}: whatever
 *     they or the libraries under them (Netty) log would come back to the queue they are draining;</li>
 * <li>while the same thread is already inside this appender's {@code append}: a layout, a {@code toString()} in the
 *     message or the engine that logs would otherwise recurse.</li>
 * </ul>
 * Refused events are simply not sent; they are the appender's own noise, not the application's events.
 */
public final class AppendGuard {

    /** Prefix of the names of every thread Sluice starts. */
    public static final String THREAD_PREFIX = "sluice-";

    /**
     * Per thread: whether it is inside {@code append}, and its scratch buffer. A mutable cell rather than set/remove,
     * so a call costs one thread-local lookup for both (the lookup was a measurable part of an event's cost on the
     * application's thread). The thread-local is this guard's, not a static one: once the appender is gone, the
     * entry goes stale and is expunged, and no class loader is kept alive by a static field through it.
     */
    private final ThreadLocal<Cell> cells = ThreadLocal.withInitial(Cell::new);

    /** One thread's state for one appender. */
    public static final class Cell {
        private boolean inside;
        private SyslogBuffer buffer;

        private Cell() {
        }

        /**
         * The thread's buffer for formatting an event during this {@code append}: reused from one event to the
         * next, never used by two calls at once (a nested call is refused).
         */
        public SyslogBuffer buffer() {
            SyslogBuffer b = buffer;
            if (b == null) {
                b = new SyslogBuffer();
                buffer = b;
            }
            return b;
        }
    }

    /**
     * Enters {@code append} on the current thread if it may append now: then it returns the thread's cell, to be
     * handed to {@link #exit(Cell)} in a {@code finally}; else {@code null}. One thread-local lookup per event.
     */
    public Cell enter() {
        if (isOwnThread(Thread.currentThread())) {
            return null;
        }
        Cell cell = cells.get();
        if (cell.inside) {
            return null;
        }
        cell.inside = true;
        return cell;
    }

    /** Leaves {@code append}; {@code cell} is what {@link #enter()} returned. */
    public void exit(Cell cell) {
        cell.inside = false;
    }

    /** Whether {@code thread} is one of Sluice's own. */
    public static boolean isOwnThread(Thread thread) {
        return thread.getName().startsWith(THREAD_PREFIX);
    }
}
