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

    private final ThreadLocal<Boolean> inside = new ThreadLocal<>();

    /** Whether the current thread may append now; if so, {@link #exit()} must follow in a {@code finally}. */
    public boolean enter() {
        if (isOwnThread(Thread.currentThread()) || inside.get() != null) {
            return false;
        }
        inside.set(Boolean.TRUE);
        return true;
    }

    public void exit() {
        inside.remove();
    }

    /** Whether {@code thread} is one of Sluice's own. */
    public static boolean isOwnThread(Thread thread) {
        return thread.getName().startsWith(THREAD_PREFIX);
    }
}
