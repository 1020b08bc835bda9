package dev.sluice.transport.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private static final int MB = 1024 * 1024;
    private static final long SECOND = 1_000_000_000L;

    private final FakeClock clock = FakeClock.at("2026-01-02T22:00:00Z");

    /** Sends {@code total} bytes in frames as the delivery thread would; returns the fake time it took. */
    private Duration deliver(RateLimiter limiter, long total, int frame, long maxSleepNanos) {
        long start = clock.nanoTime();
        long sent = 0;
        long burst = limiter.burstBytes();
        while (sent < total) {
            int bytes = (int) Math.min(frame, total - sent);
            long delay = limiter.acquireDelayNanos(bytes);
            if (delay > 0) {
                clock.advanceNanos(Math.min(delay, maxSleepNanos));
                continue;
            }
            sent += bytes;
            long elapsed = clock.nanoTime() - start;
            // Never ahead of the rate by more than one burst (plus the frame that may overdraw it).
            assertThat((double) sent).isLessThanOrEqualTo(burst + frame + elapsed * limiter.bytesPerSecond() / 1e9);
        }
        return Duration.ofNanos(clock.nanoTime() - start);
    }

    @Test
    void holdsTheAverageRateDuringACatchUp() {
        RateLimiter limiter = RateLimiter.of(MB, clock.ticker());
        Duration took = deliver(limiter, 10L * MB, 8 * 1024, Long.MAX_VALUE);
        // 10 MB at 1 MB/s: 10 s, less the one-second burst the full bucket allows at the start.
        assertThat(took).isBetween(Duration.ofSeconds(9), Duration.ofSeconds(10));
    }

    @Test
    void holdsTheAverageRateWhenTheCallerSleepsInShortSteps() {
        RateLimiter limiter = RateLimiter.of(MB, clock.ticker());
        Duration took = deliver(limiter, 10L * MB, 1000, 1_000_000L);
        assertThat(took).isBetween(Duration.ofSeconds(9), Duration.ofMillis(9_010));
    }

    @Test
    void letsAFrameLargerThanTheBurstGoOnceTheBucketIsFullThenRepays() {
        RateLimiter limiter = RateLimiter.of(1000, 100, clock.ticker());
        assertThat(limiter.acquireDelayNanos(1000)).isZero(); // bucket full: goes, 900 bytes in debt
        long delay = limiter.acquireDelayNanos(1000);
        assertThat(delay).isEqualTo(SECOND); // 900 to repay and 100 to fill: 1 s at 1000 B/s
        clock.advanceNanos(delay);
        assertThat(limiter.acquireDelayNanos(1000)).isZero();
    }

    /**
     * What a message took and did not use (the transport refused it) is given back: its retry is charged once, and a
     * frame larger than the burst does not leave the bucket in debt for nothing sent.
     */
    @Test
    void aRefundGivesBackWhatAMessageThatWasNotSentTook() {
        RateLimiter limiter = RateLimiter.of(1000, 1000, clock.ticker());
        assertThat(limiter.acquireDelayNanos(600)).isZero();
        limiter.refund(600); // refused by the transport
        assertThat(limiter.acquireDelayNanos(600)).as("the retry").isZero();
        assertThat(limiter.acquireDelayNanos(400)).isZero();
        assertThat(limiter.acquireDelayNanos(1)).isPositive();

        RateLimiter small = RateLimiter.of(1000, 100, clock.ticker());
        assertThat(small.acquireDelayNanos(5000)).isZero(); // a frame larger than the burst: 4,900 in debt
        small.refund(5000);
        assertThat(small.acquireDelayNanos(100)).as("no debt for nothing sent, and no more than a burst").isZero();
        assertThat(small.acquireDelayNanos(1)).isPositive();
        RateLimiter.unlimited().refund(100); // nothing to give back
    }

    @Test
    void firstBurstPassesAtOnce() {
        RateLimiter limiter = RateLimiter.of(MB, clock.ticker());
        for (int i = 0; i < 128; i++) {
            assertThat(limiter.acquireDelayNanos(8 * 1024)).isZero();
        }
        assertThat(limiter.acquireDelayNanos(8 * 1024)).isEqualTo(SECOND / 128);
    }

    @Test
    void askingAgainDoesNotReserveTwice() {
        RateLimiter limiter = RateLimiter.of(1000, 1000, clock.ticker());
        limiter.acquireDelayNanos(1000);
        long first = limiter.acquireDelayNanos(500);
        assertThat(limiter.acquireDelayNanos(500)).isEqualTo(first).isEqualTo(SECOND / 2);
        clock.advanceNanos(first / 2);
        assertThat(limiter.acquireDelayNanos(500)).isEqualTo(first / 2);
    }

    @Test
    void idleTimeFillsTheBucketOnlyUpToTheBurst() {
        RateLimiter limiter = RateLimiter.of(1000, 1000, clock.ticker());
        clock.advance(Duration.ofHours(1));
        assertThat(limiter.acquireDelayNanos(1000)).isZero();
        assertThat(limiter.acquireDelayNanos(1)).isEqualTo(SECOND / 1000);
    }

    @Test
    void ignoresWallClockJumps() {
        RateLimiter limiter = RateLimiter.of(1000, 1000, clock.ticker());
        limiter.acquireDelayNanos(1000);
        clock.set(clock.instant().plus(Duration.ofHours(5)));
        assertThat(limiter.acquireDelayNanos(1000)).isEqualTo(SECOND);
    }

    @Test
    void tickerGoingBackwardsGrantsNothing() {
        long[] now = {10 * SECOND};
        RateLimiter limiter = RateLimiter.of(1000, 1000, () -> now[0]);
        limiter.acquireDelayNanos(1000);
        now[0] -= 5 * SECOND;
        assertThat(limiter.acquireDelayNanos(1000)).isEqualTo(SECOND);
        now[0] += SECOND;
        assertThat(limiter.acquireDelayNanos(1000)).isZero();
    }

    @Test
    void unlimitedNeverDelays() {
        RateLimiter limiter = RateLimiter.unlimited();
        assertThat(limiter.isUnlimited()).isTrue();
        assertThat(limiter.acquireDelayNanos(Integer.MAX_VALUE)).isZero();
        assertThat(RateLimiter.of(RateLimiter.DEFAULT_MAX_BYTES_PER_SECOND, clock.ticker()).isUnlimited()).isTrue();
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> RateLimiter.of(-1, clock.ticker()))
                .hasMessage("bytesPerSecond: -1 (expected: > 0)");
        assertThatThrownBy(() -> RateLimiter.of(1000, 0, clock.ticker()))
                .hasMessage("burstBytes: 0 (expected: > 0)");
        assertThatThrownBy(() -> RateLimiter.of(1000, clock.ticker()).acquireDelayNanos(-1))
                .hasMessage("bytes: -1 (expected: >= 0)");
    }
}
