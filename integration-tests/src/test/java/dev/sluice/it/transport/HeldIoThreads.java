package dev.sluice.it.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.transport.net.TransportEventLoops;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds every thread of the transports' shared event loop group, as an application's listener that blocks it or a
 * long pause would, until {@link #release()} (or {@link #close()}; at most a minute).
 */
public final class HeldIoThreads implements AutoCloseable {

    private final TransportEventLoops.Lease lease = TransportEventLoops.acquire();
    private final CountDownLatch release = new CountDownLatch(1);

    private HeldIoThreads() {
    }

    /** Returns once every I/O thread runs the holding task. */
    public static HeldIoThreads hold() throws InterruptedException {
        return hold(null);
    }

    /** Holds only the I/O thread of this name; returns once it runs the holding task. */
    public static HeldIoThreads holdOnly(String threadName) throws InterruptedException {
        return hold(threadName);
    }

    private static HeldIoThreads hold(String only) throws InterruptedException {
        HeldIoThreads h = new HeldIoThreads();
        CountDownLatch held = new CountDownLatch(only == null ? h.threads() : 1);
        for (EventExecutor loop : h.lease.group()) {
            loop.execute(() -> {
                if (only != null && !only.equals(Thread.currentThread().getName())) {
                    return;
                }
                held.countDown();
                try {
                    h.release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertThat(held.await(30, TimeUnit.SECONDS)).as("I/O threads held").isTrue();
        return h;
    }

    /** Threads of the group (two at most). */
    public int threads() {
        int threads = 0;
        for (EventExecutor ignored : lease.group()) {
            threads++;
        }
        return threads;
    }

    public void release() {
        release.countDown();
    }

    @Override
    public void close() {
        release.countDown();
        lease.close();
    }
}
