package dev.sluice.transport.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A test clock with a wall-clock part ({@link #instant()}) and a monotonic part ({@link #nanoTime()}, also as a
 * {@link #ticker()}), like the JVM's {@code Clock.systemUTC()} and {@code System.nanoTime()}.
 * {@link #advance} moves both, as time passing does; {@link #set} moves only the wall clock, as an NTP step or a
 * manual change does. Copies made by {@link #withZone} share the same time. Thread-safe.
 */
public final class FakeClock extends Clock {

    private static final class State {
        Instant instant;
        long nanos;
    }

    private final State state;
    private final ZoneId zone;

    private FakeClock(State state, ZoneId zone) {
        this.state = state;
        this.zone = zone;
    }

    /** A clock showing {@code instant}, in UTC, with the ticker at 0. */
    public static FakeClock at(Instant instant) {
        State state = new State();
        state.instant = Objects.requireNonNull(instant, "instant");
        return new FakeClock(state, ZoneOffset.UTC);
    }

    /** A clock showing an ISO-8601 instant such as {@code 2026-01-02T12:00:00Z}. */
    public static FakeClock at(String instant) {
        return at(Instant.parse(instant));
    }

    /** Time passes: the wall clock and the ticker both move by {@code amount} (not negative). */
    public FakeClock advance(Duration amount) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException("time does not pass backwards: " + amount);
        }
        synchronized (state) {
            state.instant = state.instant.plus(amount);
            state.nanos += amount.toNanos();
        }
        return this;
    }

    /** {@link #advance(Duration)} by nanoseconds. */
    public FakeClock advanceNanos(long nanos) {
        return advance(Duration.ofNanos(nanos));
    }

    /** The wall clock jumps, forwards or backwards; the ticker does not move. */
    public FakeClock set(Instant instant) {
        Objects.requireNonNull(instant, "instant");
        synchronized (state) {
            state.instant = instant;
        }
        return this;
    }

    /** Monotonic nanoseconds since the clock was made, moved only by {@link #advance}. */
    public long nanoTime() {
        synchronized (state) {
            return state.nanos;
        }
    }

    /** {@link #nanoTime()} as a ticker for {@link RateLimiter}. */
    public LongSupplier ticker() {
        return this::nanoTime;
    }

    @Override
    public Instant instant() {
        synchronized (state) {
            return state.instant;
        }
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
        return new FakeClock(state, newZone);
    }

    @Override
    public String toString() {
        return "FakeClock[" + instant() + ", " + zone + "]";
    }
}
