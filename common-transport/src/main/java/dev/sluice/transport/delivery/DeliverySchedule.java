package dev.sluice.transport.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When the delivery engine may send what it holds: always, or in off-peak windows ({@link DeliveryWindows}).
 * Urgent events ({@link UrgencyPolicy}) go at once regardless.
 *
 * <p>Every method takes the current instant as a parameter; nothing here reads a clock. The engine reads its
 * {@link java.time.Clock} each time it asks, and never sleeps longer than {@link #sleepBeforeRecheck} says, so a wall
 * clock that jumps (NTP step, suspended VM, manual change) is re-read within {@link #DEFAULT_MAX_SLEEP} rather than
 * slept through. Implementations are immutable and safe to share between threads.
 */
public interface DeliverySchedule {

    /**
     * The longest the engine should wait, in wall-clock terms, before reading the clock again while its window is
     * closed: 1 second.
     */
    Duration DEFAULT_MAX_SLEEP = Duration.ofSeconds(1);

    /** Whether delivery may happen at {@code now}. */
    boolean isOpen(Instant now);

    /**
     * The instant delivery may next happen: {@code now} itself when {@link #isOpen open}, otherwise the (staggered)
     * opening of the earliest window that opens after {@code now}.
     */
    Instant nextOpening(Instant now);

    /**
     * When open, the instant the open period that contains {@code now} ends (windows that overlap or touch count as
     * one period; {@link Instant#MAX} when it never ends). When closed, {@code now}: nothing may be sent.
     */
    Instant currentWindowEnd(Instant now);

    /**
     * How long the engine may wait before it must read the clock and ask again: zero when open, otherwise the time
     * until {@link #nextOpening}, but never more than {@code maxSleep}. Sleeping in short steps and re-reading the
     * clock is what makes a clock jump harmless: a jump forward into a window is noticed within {@code maxSleep}, a
     * jump backward out of one is noticed on the next check.
     *
     * @param maxSleep positive cap, usually {@link #DEFAULT_MAX_SLEEP}
     */
    default Duration sleepBeforeRecheck(Instant now, Duration maxSleep) {
        Objects.requireNonNull(now, "now");
        if (maxSleep.isNegative() || maxSleep.isZero()) {
            throw new IllegalArgumentException("maxSleep: " + maxSleep + " (expected: > 0)");
        }
        if (isOpen(now)) {
            return Duration.ZERO;
        }
        Instant next = nextOpening(now);
        if (next.isAfter(now.plus(maxSleep))) {
            return maxSleep;
        }
        Duration until = Duration.between(now, next);
        return until.isNegative() ? Duration.ZERO : until;
    }

    /** The schedule when no {@code DeliveryWindow} is configured: always open, and the period never ends. */
    static DeliverySchedule always() {
        return Always.INSTANCE;
    }

    /** {@link DeliverySchedule#always()}. */
    enum Always implements DeliverySchedule {
        INSTANCE;

        @Override
        public boolean isOpen(Instant now) {
            return true;
        }

        @Override
        public Instant nextOpening(Instant now) {
            return Objects.requireNonNull(now, "now");
        }

        @Override
        public Instant currentWindowEnd(Instant now) {
            return Instant.MAX;
        }

        @Override
        public String toString() {
            return "always";
        }
    }
}
