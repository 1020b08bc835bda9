package dev.sluice.transport.event;

import dev.sluice.transport.syslog.SyslogBuffer;

/**
 * Keeps our own logging out of our own appender (STYLE 13). An event is refused when
 * <ul>
 * <li>it is appended on one of Sluice's threads (delivery, I/O, spool), whose names start with
 *     {@value #THREAD_PREFIX}: whatever they or the libraries under them (Netty) log would come back to the queue
 *     they are draining;</li>
 * <li>it was logged on one of those threads and reaches the appender on another: behind Log4j2's async loggers or
 *     an {@code AsyncAppender} (Log4j2's or Logback's) the framework's worker thread calls {@code append}, so only
 *     the thread name the framework captured with the event says whose it is. Shipped, such events are noise at
 *     best; with {@code overflow=block} they deadlock, as the I/O thread waits in the framework's full queue while
 *     the worker waits in our full queue for the I/O thread;</li>
 * <li>the same thread is already inside this appender's {@code append}: a layout, a {@code toString()} in the
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
     *
     * @param eventThread the name of the thread the event was logged on, as the framework captured it; {@code null}
     *     if unknown. When the event is appended on the thread that logged it (no async logging), this is the very
     *     string the current thread's name is, and one {@code startsWith} serves for both.
     */
    public Cell enter(String eventThread) {
        String current = Thread.currentThread().getName();
        // != : logged on this thread, the event's thread name is this same string, already checked
        if (current.startsWith(THREAD_PREFIX)
                || eventThread != current && eventThread != null && eventThread.startsWith(THREAD_PREFIX)) {
            return null;
        }
        Cell cell = cells.get();
        if (cell.inside) {
            return null;
        }
        cell.inside = true;
        return cell;
    }

    /** Leaves {@code append}; {@code cell} is what {@link #enter(String)} returned. */
    public void exit(Cell cell) {
        cell.inside = false;
    }

}
