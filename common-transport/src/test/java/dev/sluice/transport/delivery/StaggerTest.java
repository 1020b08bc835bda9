package dev.sluice.transport.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StaggerTest {

    private static final Duration THIRTY_MINUTES = Duration.ofMinutes(30);
    private static final Duration SIX_HOURS = Duration.ofHours(6);

    @Test
    void isTheSameForTheSameHostAndAppAcrossInstances() {
        Duration first = Stagger.of(THIRTY_MINUTES, "web-01.example.com", "billing").offsetIn(SIX_HOURS);
        Duration second = Stagger.of(THIRTY_MINUTES, "web-01.example.com", "billing").offsetIn(SIX_HOURS);
        assertThat(second).isEqualTo(first);
        assertThat(Stagger.of(THIRTY_MINUTES, "web-01.example.com", "billing"))
                .isEqualTo(Stagger.of(THIRTY_MINUTES, "web-01.example.com", "billing"));
    }

    @Test
    void isTheSameOnEveryJvmAndEveryStart() {
        // SHA-256("web-01.example.com\0billing") starts 5c0231c3298a7e55; 0x5c0231c3298a7e55 * 1800 s / 2^64
        // = 646.935270561 s (computed outside Java, with Python's integers).
        assertThat(Stagger.of(THIRTY_MINUTES, "web-01.example.com", "billing").offsetIn(SIX_HOURS))
                .isEqualTo(Duration.ofNanos(646_935_270_561L));
    }

    @Test
    void differsBetweenHostsAndBetweenAppsOnOneHost() {
        Duration web01 = Stagger.of(THIRTY_MINUTES, "web-01.example.com", "billing").offsetIn(SIX_HOURS);
        Duration web02 = Stagger.of(THIRTY_MINUTES, "web-02.example.com", "billing").offsetIn(SIX_HOURS);
        Duration shop = Stagger.of(THIRTY_MINUTES, "web-01.example.com", "shop").offsetIn(SIX_HOURS);
        assertThat(web01).isNotEqualTo(web02).isNotEqualTo(shop);
    }

    @Test
    void staysBelowTheStaggerAndSpreadsHostsOverIt() {
        Set<Duration> offsets = new HashSet<>();
        long inFirstHalf = 0;
        for (int i = 0; i < 10_000; i++) {
            Duration offset = Stagger.of(THIRTY_MINUTES, "host-" + i + ".branch.example.com", "billing")
                    .offsetIn(SIX_HOURS);
            assertThat(offset).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(THIRTY_MINUTES);
            offsets.add(offset);
            if (offset.compareTo(Duration.ofMinutes(15)) < 0) {
                inFirstHalf++;
            }
        }
        assertThat(offsets).hasSizeGreaterThan(9_990);
        assertThat(inFirstHalf).isBetween(4_700L, 5_300L);
    }

    @Test
    void staysInsideAWindowShorterThanTheStagger() {
        Duration window = Duration.ofMinutes(10);
        for (int i = 0; i < 10_000; i++) {
            Duration offset = Stagger.of(Duration.ofHours(2), "host-" + i, "billing").offsetIn(window);
            assertThat(offset).isLessThan(window);
        }
        assertThat(Stagger.of(Duration.ofHours(2), "h", "a").offsetIn(Duration.ofNanos(1))).isEqualTo(Duration.ZERO);
        assertThat(Stagger.of(Duration.ofHours(2), "h", "a").offsetIn(Duration.ZERO)).isEqualTo(Duration.ZERO);
    }

    @Test
    void noStaggerIsZero() {
        assertThat(Stagger.none().offsetIn(SIX_HOURS)).isEqualTo(Duration.ZERO);
        assertThat(Stagger.of(Duration.ZERO, "web-01", "billing")).isEqualTo(Stagger.none());
        assertThat(Stagger.of(THIRTY_MINUTES, "web-01", null).offsetIn(SIX_HOURS))
                .isEqualTo(Stagger.of(THIRTY_MINUTES, "web-01", "").offsetIn(SIX_HOURS));
    }

    @Test
    void rejectsANegativeStagger() {
        assertThatThrownBy(() -> Stagger.of(Duration.ofSeconds(-1), "h", "a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stagger: PT-1S (expected: >= 0)");
    }

    @Test
    void delaysTheOpeningOfEachWindowButNotItsEnd() {
        Stagger stagger = Stagger.of(THIRTY_MINUTES, "web-01.example.com", "billing");
        Duration offset = stagger.offsetIn(SIX_HOURS);
        DeliveryWindows windows = DeliveryWindows.of(ZoneOffset.UTC,
                List.of(DeliveryWindow.of(LocalTime.of(22, 0), LocalTime.of(4, 0))), stagger);
        Instant begin = Instant.parse("2026-01-02T22:00:00Z");
        Instant opening = begin.plus(offset);

        assertThat(windows.nextOpening(Instant.parse("2026-01-02T12:00:00Z"))).isEqualTo(opening);
        assertThat(windows.isOpen(begin)).isFalse();
        assertThat(windows.isOpen(opening.minusNanos(1))).isFalse();
        assertThat(windows.isOpen(opening)).isTrue();
        assertThat(windows.currentWindowEnd(opening)).isEqualTo(Instant.parse("2026-01-03T04:00:00Z"));
        assertThat(windows.isOpen(Instant.parse("2026-01-03T03:59:59Z"))).isTrue();
    }

    @Test
    void keepsEveryHostInsideTheWindowOnAShortDstNight() {
        // A 01:30-04:00 window lasts 1.5 h of real time on the spring night; a 3 h stagger is spread over those
        // 1.5 h, so every host still opens before the window ends.
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        DeliveryWindow window = DeliveryWindow.of(LocalTime.of(1, 30), LocalTime.of(4, 0));
        Instant end = OffsetDateTime.parse("2026-03-29T04:00+02:00").toInstant();
        Instant from = OffsetDateTime.parse("2026-03-29T00:00+01:00").toInstant();
        for (int i = 0; i < 1_000; i++) {
            DeliveryWindows windows = DeliveryWindows.of(berlin, List.of(window),
                    Stagger.of(Duration.ofHours(3), "host-" + i, "billing"));
            Instant opening = windows.nextOpening(from);
            assertThat(opening).isAfterOrEqualTo(OffsetDateTime.parse("2026-03-29T01:30+01:00").toInstant())
                    .isBefore(end);
            assertThat(windows.currentWindowEnd(opening)).isEqualTo(end);
        }
    }
}
