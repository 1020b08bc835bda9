package dev.sluice.it.transport;

import dev.sluice.transport.net.Backoff;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A short fixed delay (20 ms) that counts how often it was asked for one and how often it was reset. */
public final class CountingBackoff implements Backoff {

    private final AtomicInteger delays = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();
    private final List<Integer> resetsAtDelays = new CopyOnWriteArrayList<>();

    @Override
    public Duration next() {
        resetsAtDelays.add(resets.get());
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

    /** Resets: sessions that proved healthy, or that this side ended on purpose (a rebind). */
    public int resets() {
        return resets.get();
    }

    /** {@link #resets()} as each delay was asked for, in order: whether a session between two failures reset. */
    public List<Integer> resetsAtDelays() {
        return List.copyOf(resetsAtDelays);
    }
}
