package dev.sluice.transport.delivery;

import static java.time.DayOfWeek.SATURDAY;
import static java.time.DayOfWeek.SUNDAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.transport.config.DaysOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DeliveryWindowsTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    // 2026-01-02 is a Friday.
    private static final String FRIDAY = "2026-01-02";
    private static final String SATURDAY_ = "2026-01-03";
    private static final String SUNDAY_ = "2026-01-04";
    private static final String MONDAY = "2026-01-05";

    private static DeliveryWindow window(String begin, String end) {
        return DeliveryWindow.of(LocalTime.parse(begin), LocalTime.parse(end));
    }

    private static DeliveryWindow window(String begin, String end, String days) {
        return DeliveryWindow.of(LocalTime.parse(begin), LocalTime.parse(end), DaysOfWeek.parse("days", days));
    }

    private static Instant utc(String date, String time) {
        return Instant.parse(date + "T" + time + ":00Z");
    }

    /** An instant given as local time with an explicit offset, e.g. {@code 2026-03-29T03:00+02:00}. */
    private static Instant at(String offsetDateTime) {
        return OffsetDateTime.parse(offsetDateTime).toInstant();
    }

    @Nested
    class AcrossMidnight {

        private final DeliveryWindows night = DeliveryWindows.of(UTC, List.of(window("22:00", "04:00")));

        @Test
        void isOpenLateInTheEveningAndBeforeFourInTheMorning() {
            assertThat(night.isOpen(utc(FRIDAY, "22:00"))).isTrue();
            assertThat(night.isOpen(utc(FRIDAY, "23:00"))).isTrue();
            assertThat(night.isOpen(utc(FRIDAY, "03:59"))).isTrue();
            assertThat(night.isOpen(utc(FRIDAY, "00:00"))).isTrue();
        }

        @Test
        void isClosedFromFourUntilTen() {
            assertThat(night.isOpen(utc(FRIDAY, "04:00"))).isFalse();
            assertThat(night.isOpen(utc(FRIDAY, "12:00"))).isFalse();
            assertThat(night.isOpen(utc(FRIDAY, "21:59"))).isFalse();
            assertThat(night.isOpen(utc(FRIDAY, "21:59").plusSeconds(59).plusNanos(999_999_999))).isFalse();
        }

        @Test
        void nextOpeningFromNoonIsTenPmTheSameDay() {
            assertThat(night.nextOpening(utc(FRIDAY, "12:00"))).isEqualTo(utc(FRIDAY, "22:00"));
            assertThat(night.nextOpening(utc(FRIDAY, "04:00"))).isEqualTo(utc(FRIDAY, "22:00"));
        }

        @Test
        void nextOpeningWhileOpenIsNow() {
            assertThat(night.nextOpening(utc(FRIDAY, "23:00"))).isEqualTo(utc(FRIDAY, "23:00"));
        }

        @Test
        void currentWindowEndIsFourTheNextMorning() {
            assertThat(night.currentWindowEnd(utc(FRIDAY, "23:00"))).isEqualTo(utc(SATURDAY_, "04:00"));
            assertThat(night.currentWindowEnd(utc(SATURDAY_, "03:00"))).isEqualTo(utc(SATURDAY_, "04:00"));
        }

        @Test
        void currentWindowEndWhileClosedIsNow() {
            assertThat(night.currentWindowEnd(utc(FRIDAY, "12:00"))).isEqualTo(utc(FRIDAY, "12:00"));
        }

        @Test
        void windowThatEndsAtMidnightClosesAtMidnight() {
            DeliveryWindows evening = DeliveryWindows.of(UTC, List.of(window("20:00", "00:00")));
            assertThat(evening.isOpen(utc(FRIDAY, "23:59"))).isTrue();
            assertThat(evening.isOpen(utc(SATURDAY_, "00:00"))).isFalse();
            assertThat(evening.currentWindowEnd(utc(FRIDAY, "21:00"))).isEqualTo(utc(SATURDAY_, "00:00"));
        }
    }

    @Nested
    class DaysOfTheWeek {

        private final DeliveryWindows weeknights = DeliveryWindows.of(UTC, List.of(window("22:00", "04:00",
                "MON-FRI")));

        @Test
        void windowThatBeginsFridayNightStaysOpenSaturdayMorning() {
            assertThat(weeknights.isOpen(utc(FRIDAY, "23:00"))).isTrue();
            assertThat(weeknights.isOpen(utc(SATURDAY_, "02:00"))).isTrue();
            assertThat(weeknights.currentWindowEnd(utc(SATURDAY_, "02:00"))).isEqualTo(utc(SATURDAY_, "04:00"));
        }

        @Test
        void doesNotOpenSaturdayOrSundayNight() {
            assertThat(weeknights.isOpen(utc(SATURDAY_, "22:00"))).isFalse();
            assertThat(weeknights.isOpen(utc(SUNDAY_, "02:00"))).isFalse();
            assertThat(weeknights.isOpen(utc(SUNDAY_, "23:00"))).isFalse();
            assertThat(weeknights.isOpen(utc(MONDAY, "02:00"))).isFalse();
        }

        @Test
        void nextOpeningAfterTheWeekendIsMondayNight() {
            assertThat(weeknights.nextOpening(utc(SATURDAY_, "22:00"))).isEqualTo(utc(MONDAY, "22:00"));
            assertThat(weeknights.nextOpening(utc(SATURDAY_, "04:00"))).isEqualTo(utc(MONDAY, "22:00"));
        }

        @Test
        void singleDayWindowWaitsUpToAWeek() {
            DeliveryWindows sundays = DeliveryWindows.of(UTC, List.of(window("01:00", "02:00", "SUN")));
            assertThat(sundays.nextOpening(utc(SUNDAY_, "02:00"))).isEqualTo(utc("2026-01-11", "01:00"));
        }
    }

    @Nested
    class SeveralWindows {

        private final DeliveryWindows lunchAndNight = DeliveryWindows.of(UTC, List.of(window("22:00", "04:00"),
                window("12:00", "13:00")));

        @Test
        void nextOpeningIsTheEarliestOfTheWindows() {
            assertThat(lunchAndNight.nextOpening(utc(FRIDAY, "10:00"))).isEqualTo(utc(FRIDAY, "12:00"));
            assertThat(lunchAndNight.nextOpening(utc(FRIDAY, "13:00"))).isEqualTo(utc(FRIDAY, "22:00"));
            assertThat(lunchAndNight.nextOpening(utc(FRIDAY, "04:30"))).isEqualTo(utc(FRIDAY, "12:00"));
        }

        @Test
        void isOpenInAnyOfTheWindows() {
            assertThat(lunchAndNight.isOpen(utc(FRIDAY, "12:30"))).isTrue();
            assertThat(lunchAndNight.isOpen(utc(FRIDAY, "01:30"))).isTrue();
            assertThat(lunchAndNight.isOpen(utc(FRIDAY, "14:00"))).isFalse();
        }

        @Test
        void overlappingAndTouchingWindowsMakeOneOpenPeriod() {
            DeliveryWindows chained = DeliveryWindows.of(UTC, List.of(window("22:00", "02:00"),
                    window("01:00", "05:00"), window("05:00", "06:00"), window("07:00", "08:00")));
            assertThat(chained.currentWindowEnd(utc(FRIDAY, "23:00"))).isEqualTo(utc(SATURDAY_, "06:00"));
            assertThat(chained.isOpen(utc(SATURDAY_, "06:30"))).isFalse();
        }

        @Test
        void weekendAllDayWithWeeknightsOpensMondayMorningAfterWeekend() {
            DeliveryWindows schedule = DeliveryWindows.of(UTC, List.of(window("00:00", "00:00", "SAT,SUN"),
                    window("22:00", "04:00", "MON-FRI")));
            // Friday night's window runs into Saturday, which is all day, and so is Sunday: one period.
            assertThat(schedule.currentWindowEnd(utc(FRIDAY, "23:00"))).isEqualTo(utc(MONDAY, "00:00"));
            assertThat(schedule.nextOpening(utc(MONDAY, "00:00"))).isEqualTo(utc(MONDAY, "22:00"));
        }

        @Test
        void rejectsAnEmptyListOfWindows() {
            assertThatThrownBy(() -> DeliveryWindows.of(UTC, List.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("DeliverySchedule.always()");
        }
    }

    @Nested
    class BeginEqualsEnd {

        @Test
        void isOpenForAWholeDayNotEmpty() {
            DeliveryWindows weekend = DeliveryWindows.of(UTC, List.of(
                    DeliveryWindow.of(LocalTime.MIDNIGHT, LocalTime.MIDNIGHT, EnumSet.of(SATURDAY, SUNDAY))));
            assertThat(weekend.isOpen(utc(FRIDAY, "23:59"))).isFalse();
            assertThat(weekend.isOpen(utc(SATURDAY_, "00:00"))).isTrue();
            assertThat(weekend.isOpen(utc(SUNDAY_, "23:59"))).isTrue();
            assertThat(weekend.isOpen(utc(MONDAY, "00:00"))).isFalse();
            assertThat(weekend.currentWindowEnd(utc(SATURDAY_, "10:00"))).isEqualTo(utc(MONDAY, "00:00"));
        }

        @Test
        void everyDayAllDayNeverEnds() {
            DeliveryWindows always = DeliveryWindows.of(UTC, List.of(window("06:00", "06:00")));
            assertThat(always.isOpen(utc(FRIDAY, "05:59"))).isTrue();
            assertThat(always.currentWindowEnd(utc(FRIDAY, "05:59"))).isEqualTo(Instant.MAX);
        }

        @Test
        void allDayWindowOnAOneDayLastsFromBeginToTheSameTimeNextDay() {
            DeliveryWindows fridays = DeliveryWindows.of(UTC, List.of(window("06:00", "06:00", "FRI")));
            assertThat(fridays.nextOpening(utc(FRIDAY, "00:00"))).isEqualTo(utc(FRIDAY, "06:00"));
            assertThat(fridays.currentWindowEnd(utc(FRIDAY, "06:00"))).isEqualTo(utc(SATURDAY_, "06:00"));
        }
    }

    @Nested
    class DaylightSavingTimeInBerlin {

        @Test
        void windowBeginningInTheSpringGapOpensWhenTheClocksHaveJumped() {
            // 2026-03-29: 02:00 CET becomes 03:00 CEST; 02:30 does not exist.
            DeliveryWindows windows = DeliveryWindows.of(BERLIN, List.of(window("02:30", "04:00")));
            Instant midnight = at("2026-03-29T00:00+01:00");
            assertThat(windows.nextOpening(midnight)).isEqualTo(at("2026-03-29T03:00+02:00"));
            assertThat(windows.isOpen(at("2026-03-29T01:59:59+01:00"))).isFalse();
            assertThat(windows.isOpen(at("2026-03-29T03:00+02:00"))).isTrue();
            assertThat(windows.currentWindowEnd(at("2026-03-29T03:00+02:00"))).isEqualTo(at("2026-03-29T04:00+02:00"));
        }

        @Test
        void windowInsideTheSpringGapDoesNotOpenThatNight() {
            DeliveryWindows windows = DeliveryWindows.of(BERLIN, List.of(window("02:10", "02:50")));
            assertThat(windows.nextOpening(at("2026-03-29T00:00+01:00"))).isEqualTo(at("2026-03-30T02:10+02:00"));
        }

        @Test
        void windowBeginningInTheAutumnOverlapOpensAtItsFirstOccurrence() {
            // 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:00-02:59 happens twice.
            DeliveryWindows windows = DeliveryWindows.of(BERLIN, List.of(window("02:30", "03:30")));
            Instant opening = windows.nextOpening(at("2026-10-25T00:00+02:00"));
            assertThat(opening).isEqualTo(at("2026-10-25T02:30+02:00"));
            assertThat(windows.isOpen(at("2026-10-25T02:15+01:00"))).as("second 02:15, within the period").isTrue();
            Instant end = windows.currentWindowEnd(opening);
            assertThat(end).isEqualTo(at("2026-10-25T03:30+01:00"));
            assertThat(Duration.between(opening, end)).isEqualTo(Duration.ofHours(2));
        }

        @Test
        void windowEndingInTheAutumnOverlapClosesAtItsFirstOccurrence() {
            DeliveryWindows windows = DeliveryWindows.of(BERLIN, List.of(window("01:00", "02:30")));
            assertThat(windows.currentWindowEnd(at("2026-10-25T01:00+02:00"))).isEqualTo(at("2026-10-25T02:30+02:00"));
            assertThat(windows.isOpen(at("2026-10-25T02:00+01:00"))).isFalse();
        }

        @Test
        void nightWindowLastsFiveHoursWhenClocksGoForward() {
            DeliveryWindows night = DeliveryWindows.of(BERLIN, List.of(window("22:00", "04:00")));
            Instant opening = night.nextOpening(at("2026-03-28T12:00+01:00"));
            assertThat(opening).isEqualTo(at("2026-03-28T22:00+01:00"));
            Instant end = night.currentWindowEnd(opening);
            assertThat(end).isEqualTo(at("2026-03-29T04:00+02:00"));
            assertThat(Duration.between(opening, end)).isEqualTo(Duration.ofHours(5));
        }

        @Test
        void nightWindowLastsSevenHoursWhenClocksGoBack() {
            DeliveryWindows night = DeliveryWindows.of(BERLIN, List.of(window("22:00", "04:00")));
            Instant opening = night.nextOpening(at("2026-10-24T12:00+02:00"));
            assertThat(opening).isEqualTo(at("2026-10-24T22:00+02:00"));
            Instant end = night.currentWindowEnd(opening);
            assertThat(end).isEqualTo(at("2026-10-25T04:00+01:00"));
            assertThat(Duration.between(opening, end)).isEqualTo(Duration.ofHours(7));
        }

        @Test
        void nightWindowLastsSixHoursOnAnOrdinaryNight() {
            DeliveryWindows night = DeliveryWindows.of(BERLIN, List.of(window("22:00", "04:00")));
            Instant opening = night.nextOpening(at("2026-06-01T12:00+02:00"));
            assertThat(Duration.between(opening, night.currentWindowEnd(opening))).isEqualTo(Duration.ofHours(6));
        }

        @Test
        void allDayWindowOnTheAutumnSundayLasts25Hours() {
            DeliveryWindows sunday = DeliveryWindows.of(BERLIN, List.of(window("00:00", "00:00", "SUN")));
            Instant opening = at("2026-10-25T00:00+02:00");
            assertThat(Duration.between(opening, sunday.currentWindowEnd(opening))).isEqualTo(Duration.ofHours(25));
        }
    }
}
