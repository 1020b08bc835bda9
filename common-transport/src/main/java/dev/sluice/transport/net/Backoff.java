package dev.sluice.transport.net;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * How long to wait before the next connection attempt. One instance per transport, used on its I/O thread only
 * (so implementations need not be thread-safe): {@link #next()} before each retry, {@link #reset()} once a session
 * counts as a success for it (UDP: a datagram is accepted; TCP, TLS and RELP: a session that proved healthy, or that
 * this side ended on purpose, a rebind; a session the peer ends before it proved healthy is a failed attempt; see
 * those transports' class comments and {@link DeliveryListener#provedHealthy}).
 */
public interface Backoff {

    /** The delay before the next attempt; each call counts one more failed attempt. */
    Duration next();

    /** Forgets the failed attempts: a session was established. */
    void reset();

    /**
     * Capped exponential backoff with jitter: the n-th delay (from 0) is drawn uniformly from
     * {@code [initial / 5, min(max, initial * 2^n)]}. The jitter spreads the reconnects of many hosts after a
     * server restart; the floor keeps a client from spinning.
     *
     * @param initial the ceiling of the first delay, {@code > 0}
     * @param max     the largest delay ({@code reconnectDelay}), {@code >= initial}
     */
    static Backoff exponential(Duration initial, Duration max) {
        return exponential(initial, max, ThreadLocalRandom.current());
    }

    /** As {@link #exponential(Duration, Duration)} with the given random source (a seeded one in tests). */
    static Backoff exponential(Duration initial, Duration max, RandomGenerator random) {
        return new ExponentialBackoff(initial, max, random);
    }

    /** Always the same delay: deterministic, for tests. */
    static Backoff fixed(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
        }
        return new Backoff() {
            @Override
            public Duration next() {
                return delay;
            }

            @Override
            public void reset() {
            }

            @Override
            public String toString() {
                return "Backoff.fixed(" + delay + ")";
            }
        };
    }

    /** See {@link Backoff#exponential(Duration, Duration, RandomGenerator)}. */
    final class ExponentialBackoff implements Backoff {
        private final long initialNanos;
        private final long maxNanos;
        private final RandomGenerator random;
        private int attempt;

        ExponentialBackoff(Duration initial, Duration max, RandomGenerator random) {
            Objects.requireNonNull(initial, "initial");
            Objects.requireNonNull(max, "max");
            this.random = Objects.requireNonNull(random, "random");
            if (initial.isNegative() || initial.isZero()) {
                throw new IllegalArgumentException("initial: " + initial + " (expected: > 0)");
            }
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("max: " + max + " (expected: >= initial " + initial + ")");
            }
            this.initialNanos = initial.toNanos();
            this.maxNanos = max.toNanos();
        }

        /** The upper bound of the n-th delay. */
        long ceilingNanos(int n) {
            long ceiling = initialNanos;
            for (int i = 0; i < n && ceiling < maxNanos; i++) {
                ceiling = ceiling > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : ceiling * 2;
            }
            return Math.min(ceiling, maxNanos);
        }

        @Override
        public Duration next() {
            long ceiling = ceilingNanos(attempt);
            if (ceiling < maxNanos) {
                attempt++;
            }
            long floor = Math.min(initialNanos / 5, ceiling);
            return Duration.ofNanos(floor + random.nextLong(ceiling - floor + 1));
        }

        @Override
        public void reset() {
            attempt = 0;
        }

        @Override
        public String toString() {
            return "Backoff.exponential(" + Duration.ofNanos(initialNanos) + ", " + Duration.ofNanos(maxNanos) + ")";
        }
    }
}
