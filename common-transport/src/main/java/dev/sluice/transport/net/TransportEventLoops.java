package dev.sluice.transport.net;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.FastThreadLocalThread;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one Netty event loop group that all transports of this JVM (class loader) share, created on first use and
 * shut down when the last transport releases it. Its threads are daemons named {@code sluice-io-N}, so they never
 * keep an application alive and are easy to spot in a thread dump.
 *
 * <p>Each transport takes a {@link Lease} and runs all of its work on one event loop of the group.
 */
public final class TransportEventLoops {

    /** Threads of the group: two at most; one loop drives many connections. */
    static final int THREADS = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));

    private static final Object LOCK = new Object();
    private static final AtomicInteger THREAD_NUMBERS = new AtomicInteger();
    private static EventLoopGroup group;
    private static int leases;

    private TransportEventLoops() {
    }

    /** Takes a share of the group, creating it if no transport holds one. Release it with {@link Lease#close()}. */
    public static Lease acquire() {
        synchronized (LOCK) {
            if (group == null) {
                ThreadFactory threads = runnable -> {
                    Thread t = new FastThreadLocalThread(runnable, "sluice-io-" + THREAD_NUMBERS.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                };
                group = new MultiThreadIoEventLoopGroup(THREADS, threads, NettyIo.handlerFactory());
            }
            leases++;
            return new Lease(group);
        }
    }

    /** Leases held now (for tests). */
    static int leases() {
        synchronized (LOCK) {
            return leases;
        }
    }

    private static void release(EventLoopGroup leased) {
        synchronized (LOCK) {
            if (leased != group) {
                return;
            }
            if (--leases == 0) {
                group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
                group = null;
            }
        }
    }

    /** One transport's share of the group. */
    public static final class Lease implements AutoCloseable {
        private final EventLoopGroup group;
        private final AtomicBoolean released = new AtomicBoolean();

        private Lease(EventLoopGroup group) {
            this.group = group;
        }

        public EventLoopGroup group() {
            return group;
        }

        /** An event loop of the group, round-robin. */
        public EventLoop next() {
            return group.next();
        }

        /** Releases the share; the last one shuts the group down (without waiting). Idempotent. */
        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                release(group);
            }
        }
    }
}
