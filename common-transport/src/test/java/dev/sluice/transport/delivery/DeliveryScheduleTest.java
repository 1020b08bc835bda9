package dev.sluice.transport.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the engine waits for its window: short, capped sleeps and a clock read each time. */
class DeliveryScheduleTest {

    private static final Duration MAX_SLEEP = DeliverySchedule.DEFAULT_MAX_SLEEP;

    private final DeliveryWindows night = DeliveryWindows.of(ZoneOffset.UTC,
            List.of(DeliveryWindow.of(LocalTime.of(22, 0), LocalTime.of(4, 0))));
    private final FakeClock clock = FakeClock.at("2026-01-02T12:00:00Z");

    /** The engine's wait loop: sleeps (on the ticker) and re-reads the wall clock until the window is open. */
    private Duration waitForWindow(DeliverySchedule schedule, Runnable afterFirstSleep) {
        long start = clock.nanoTime();
        boolean first = true;
        while (!schedule.isOpen(clock.instant())) {
            Duration sleep = schedule.sleepBeforeRecheck(clock.instant(), MAX_SLEEP);
            assertThat(sleep).isPositive().isLessThanOrEqualTo(MAX_SLEEP);
            clock.advance(sleep);
            if (first) {
                afterFirstSleep.run();
                first = false;
            }
        }
        return Duration.ofNanos(clock.nanoTime() - start);
    }

    @Test
    void waitIsCappedWhenTheWindowIsHoursAway() {
        assertThat(night.sleepBeforeRecheck(clock.instant(), MAX_SLEEP)).isEqualTo(MAX_SLEEP);
    }

    @Test
    void waitIsTheRemainderWhenTheWindowIsCloserThanTheCap() {
        Instant almost = Instant.parse("2026-01-02T21:59:59.750Z");
        assertThat(night.sleepBeforeRecheck(almost, MAX_SLEEP)).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void noWaitWhileOpen() {
        assertThat(night.sleepBeforeRecheck(Instant.parse("2026-01-02T23:00:00Z"), MAX_SLEEP)).isZero();
    }

    @Test
    void waitingWithoutJumpsEndsExactlyAtTheOpening() {
        Duration waited = waitForWindow(night, () -> { });
        assertThat(waited).isEqualTo(Duration.ofHours(10));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-02T22:00:00Z"));
    }

    @Test
    void clockJumpingForwardIntoTheWindowIsNoticedWithinOneSleep() {
        Duration waited = waitForWindow(night, () -> clock.set(Instant.parse("2026-01-02T22:30:00Z")));
        assertThat(waited).isEqualTo(MAX_SLEEP); // not the 10 h the first reading suggested
    }

    @Test
    void clockJumpingBackwardOutOfTheWindowClosesItAndWaitsAgain() {
        clock.set(Instant.parse("2026-01-02T23:00:00Z"));
        assertThat(night.isOpen(clock.instant())).isTrue();
        clock.set(Instant.parse("2026-01-02T21:00:00Z"));
        assertThat(night.isOpen(clock.instant())).isFalse();
        assertThat(night.nextOpening(clock.instant())).isEqualTo(Instant.parse("2026-01-02T22:00:00Z"));
        assertThat(night.sleepBeforeRecheck(clock.instant(), MAX_SLEEP)).isEqualTo(MAX_SLEEP);
        assertThat(waitForWindow(night, () -> { })).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void clockJumpingBackwardWhileWaitingDelaysTheOpeningAccordingly() {
        Duration waited = waitForWindow(night, () -> clock.set(Instant.parse("2026-01-02T08:00:00Z")));
        assertThat(waited).isEqualTo(Duration.ofHours(14).plus(MAX_SLEEP));
    }

    @Test
    void alwaysIsOpenAndNeverEnds() {
        DeliverySchedule always = DeliverySchedule.always();
        Instant now = clock.instant();
        assertThat(always.isOpen(now)).isTrue();
        assertThat(always.nextOpening(now)).isEqualTo(now);
        assertThat(always.currentWindowEnd(now)).isEqualTo(Instant.MAX);
        assertThat(always.sleepBeforeRecheck(now, MAX_SLEEP)).isZero();
    }

    @Test
    void rejectsANonPositiveCap() {
        assertThatThrownBy(() -> night.sleepBeforeRecheck(clock.instant(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxSleep: PT0S (expected: > 0)");
    }
}
