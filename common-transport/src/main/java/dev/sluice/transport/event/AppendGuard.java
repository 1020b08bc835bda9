package dev.sluice.transport.event;

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
     * Per thread: 1 while inside {@code append}. A mutable cell rather than set/remove, so a call costs one
     * lookup; the cell is a JDK array, so it keeps no class loader alive after a redeploy.
     */
    private final ThreadLocal<int[]> inside = ThreadLocal.withInitial(() -> new int[1]);

    /**
     * Enters {@code append} on the current thread if it may append now: then it returns the thread's cell, to be
     * handed to {@link #exit(int[])} in a {@code finally}; else {@code null}. One thread-local lookup per event.
     */
    public int[] enter() {
        if (isOwnThread(Thread.currentThread())) {
            return null;
        }
        int[] cell = inside.get();
        if (cell[0] != 0) {
            return null;
        }
        cell[0] = 1;
        return cell;
    }

    /** Leaves {@code append}; {@code cell} is what {@link #enter()} returned. */
    public void exit(int[] cell) {
        cell[0] = 0;
    }

    /** Whether {@code thread} is one of Sluice's own. */
    public static boolean isOwnThread(Thread thread) {
        return thread.getName().startsWith(THREAD_PREFIX);
    }
}
