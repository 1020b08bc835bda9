package dev.sluice.it.transport;

import dev.sluice.transport.net.Backoff;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** A short fixed delay (20 ms) that counts how often it was asked for one and how often it was reset. */
public final class CountingBackoff implements Backoff {

    private final AtomicInteger delays = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();

    @Override
    public Duration next() {
        delays.incrementAndGet();
        return Duration.ofMillis(20);
    }

    @Override
    public void reset() {
        resets.incrementAndGet();
    }

    /** Delays asked for: failed attempts. */
    public int delays() {
        return delays.get();
    }

    /** Resets: sessions that reached the peer. */
    public int resets() {
        return resets.get();
    }
}
