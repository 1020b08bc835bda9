package dev.sluice.transport.delivery;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * {@code maxBytesPerSecond}: a token bucket that holds the delivery engine to an average rate, with a small burst.
 *
 * <p>The bucket holds up to {@code burstBytes} (by default one second's worth) and starts full; it refills at
 * {@code bytesPerSecond}. {@link #acquireDelayNanos} never blocks: it either takes the bytes and answers 0 (send
 * now), or takes nothing and answers how long until they will be available. The caller waits at most that long,
 * re-reads whatever it must (window, shutdown) and asks again. A frame larger than the burst is let through once the
 * bucket is full, leaving the bucket in debt, so the average rate holds for frames of any size.
 *
 * <p>Time comes from a monotonic ticker in nanoseconds ({@code System::nanoTime} in production, a fake in tests):
 * wall-clock jumps do not affect the rate. A ticker that goes backwards grants nothing.
 *
 * <p>Not thread-safe: one delivery thread owns it.
 */
public final class RateLimiter {

    /** Default {@code maxBytesPerSecond}: no cap. */
    public static final long DEFAULT_MAX_BYTES_PER_SECOND = 0L;

    private static final double NANOS_PER_SECOND = 1e9;
    /** Rounding slack when comparing tokens, in bytes; far below one byte. */
    private static final double EPSILON = 1e-6;

    private final long bytesPerSecond;
    private final long burstBytes;
    private final LongSupplier ticker;
    private double tokens;
    private long lastTick;

    private RateLimiter(long bytesPerSecond, long burstBytes, LongSupplier ticker) {
        this.bytesPerSecond = bytesPerSecond;
        this.burstBytes = burstBytes;
        this.ticker = ticker;
        this.tokens = burstBytes;
        this.lastTick = ticker == null ? 0L : ticker.getAsLong();
    }

    /** No cap: {@link #acquireDelayNanos} always answers 0. */
    public static RateLimiter unlimited() {
        return new RateLimiter(0L, 0L, null);
    }

    /**
     * A cap of {@code bytesPerSecond} with a burst of one second's worth; {@code 0} means {@link #unlimited()}.
     *
     * @param nanoTicker monotonic nanoseconds, such as {@code System::nanoTime}
     */
    public static RateLimiter of(long bytesPerSecond, LongSupplier nanoTicker) {
        return bytesPerSecond == 0 ? unlimited() : of(bytesPerSecond, bytesPerSecond, nanoTicker);
    }

    /**
     * @param bytesPerSecond average rate, {@code > 0}
     * @param burstBytes     bucket size, {@code > 0}: how much may go at once after a pause
     * @param nanoTicker     monotonic nanoseconds, such as {@code System::nanoTime}
     */
    public static RateLimiter of(long bytesPerSecond, long burstBytes, LongSupplier nanoTicker) {
        Objects.requireNonNull(nanoTicker, "nanoTicker");
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bytesPerSecond: " + bytesPerSecond + " (expected: > 0)");
        }
        if (burstBytes <= 0) {
            throw new IllegalArgumentException("burstBytes: " + burstBytes + " (expected: > 0)");
        }
        return new RateLimiter(bytesPerSecond, burstBytes, nanoTicker);
    }

    /** Whether this limiter never delays. */
    public boolean isUnlimited() {
        return ticker == null;
    }

    /** The average rate; 0 when unlimited. */
    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** The bucket size; 0 when unlimited. */
    public long burstBytes() {
        return burstBytes;
    }

    /**
     * Asks to send {@code bytes} now.
     *
     * @return 0 when the bytes may be sent now (they are taken from the bucket); otherwise the nanoseconds to wait
     *         before asking again (nothing is taken)
     */
    public long acquireDelayNanos(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: >= 0)");
        }
        if (ticker == null || bytes == 0) {
            return 0L;
        }
        refill();
        double needed = Math.min(bytes, burstBytes);
        if (tokens + EPSILON >= needed) {
            tokens -= bytes;
            return 0L;
        }
        double nanos = Math.ceil((needed - tokens) * NANOS_PER_SECOND / bytesPerSecond);
        return Math.max(1L, (long) Math.min(nanos, Long.MAX_VALUE));
    }

    /**
     * Gives back {@code bytes} an {@link #acquireDelayNanos(int)} took for a message that was not sent after all (the
     * transport refused it): else each retry of the message would be charged again, and the rate would fall below
     * the limit while the transport pushes back. No more than a burst is held.
     */
    public void refund(int bytes) {
        if (ticker == null || bytes <= 0) {
            return;
        }
        tokens = Math.min(burstBytes, tokens + bytes);
    }

    private void refill() {
        long now = ticker.getAsLong();
        long elapsed = now - lastTick; // difference, as System.nanoTime requires
        lastTick = now;
        if (elapsed > 0) {
            tokens = Math.min(burstBytes, tokens + elapsed * (double) bytesPerSecond / NANOS_PER_SECOND);
        }
    }

    @Override
    public String toString() {
        return isUnlimited() ? "RateLimiter[unlimited]"
                : "RateLimiter[" + bytesPerSecond + " B/s, burst " + burstBytes + " B]";
    }
}
