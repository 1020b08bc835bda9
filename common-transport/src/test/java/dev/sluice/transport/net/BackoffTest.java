package dev.sluice.transport.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Duration INITIAL = Duration.ofMillis(500);
    private static final Duration MAX = Duration.ofSeconds(30);

    @Test
    void growsExponentiallyWithinJitterBoundsUpToTheMaximum() {
        Backoff backoff = Backoff.exponential(INITIAL, MAX, new SplittableRandom(42));
        long ceiling = INITIAL.toMillis();
        for (int i = 0; i < 20; i++) {
            Duration d = backoff.next();
            assertThat(d).isBetween(Duration.ofMillis(100), Duration.ofMillis(ceiling));
            ceiling = Math.min(ceiling * 2, MAX.toMillis());
        }
        assertThat(((Backoff.ExponentialBackoff) backoff).ceilingNanos(100)).isEqualTo(MAX.toNanos());
    }

    @Test
    void firstDelayLiesBetweenOneFifthAndAllOfTheInitialDelay() {
        Backoff backoff = Backoff.exponential(INITIAL, MAX, new SplittableRandom(7));
        for (int i = 0; i < 1_000; i++) {
            assertThat(backoff.next()).isBetween(Duration.ofMillis(100), INITIAL);
            backoff.reset();
        }
    }

    @Test
    void jitterSpreadsTheDelays() {
        Backoff backoff = Backoff.exponential(INITIAL, MAX, new SplittableRandom(1));
        long distinct = java.util.stream.IntStream.range(0, 100).mapToObj(i -> {
            backoff.reset();
            return backoff.next();
        }).distinct().count();
        assertThat(distinct).isGreaterThan(90);
    }

    @Test
    void resetStartsAgainFromTheInitialDelay() {
        Backoff backoff = Backoff.exponential(INITIAL, MAX, new SplittableRandom(3));
        for (int i = 0; i < 10; i++) {
            backoff.next();
        }
        backoff.reset();
        assertThat(backoff.next()).isLessThanOrEqualTo(INITIAL);
    }

    @Test
    void fixedBackoffIsDeterministic() {
        Backoff backoff = Backoff.fixed(Duration.ofMillis(50));
        assertThat(backoff.next()).isEqualTo(Duration.ofMillis(50));
        assertThat(backoff.next()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void rejectsBoundsThatMakeNoSense() {
        assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, MAX)).hasMessage("initial: PT0S (expected: > 0)");
        assertThatThrownBy(() -> Backoff.exponential(MAX, INITIAL))
                .hasMessage("max: PT0.5S (expected: >= initial PT30S)");
        assertThatThrownBy(() -> Backoff.fixed(Duration.ofMillis(-1))).hasMessageStartingWith("delay: ");
    }
}
