package dev.sluice.transport.config;

import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.MONDAY;
import static java.time.DayOfWeek.SATURDAY;
import static java.time.DayOfWeek.SUNDAY;
import static java.time.DayOfWeek.THURSDAY;
import static java.time.DayOfWeek.TUESDAY;
import static java.time.DayOfWeek.WEDNESDAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DaysOfWeekTest {

    @Test
    void acceptsARange() {
        assertThat(DaysOfWeek.parse("days", "MON-FRI")).containsExactly(MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY);
    }

    @Test
    void acceptsAList() {
        assertThat(DaysOfWeek.parse("days", "SAT,SUN")).containsExactly(SATURDAY, SUNDAY);
    }

    @Test
    void acceptsRangesAndDaysTogether() {
        assertThat(DaysOfWeek.parse("days", "MON-WED,FRI")).containsExactly(MONDAY, TUESDAY, WEDNESDAY, FRIDAY);
    }

    @Test
    void wrapsARangeOverTheEndOfTheWeek() {
        assertThat(DaysOfWeek.parse("days", "FRI-MON")).containsExactly(MONDAY, FRIDAY, SATURDAY, SUNDAY);
        assertThat(DaysOfWeek.parse("days", "SUN-SAT")).containsExactly(DayOfWeek.values());
    }

    @Test
    void readsARangeOfOneDayAsThatDay() {
        assertThat(DaysOfWeek.parse("days", "WED-WED")).containsExactly(WEDNESDAY);
    }

    @Test
    void acceptsAnyCaseFullNamesAndSpaces() {
        assertThat(DaysOfWeek.parse("days", " mon - Fri , saturday ")).containsExactly(MONDAY, TUESDAY, WEDNESDAY,
                THURSDAY, FRIDAY, SATURDAY);
        assertThat(DaysOfWeek.parse("days", "Sunday,SUN")).containsExactly(SUNDAY);
    }

    @Test
    void returnsAnUnmodifiableSet() {
        assertThatThrownBy(() -> DaysOfWeek.parse("days", "MON").add(TUESDAY))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "MO", "MON-FRX", "MON,,FRI", "MON-", "-FRI", "MON-WED-FRI", "MON;FRI", "weekdays",
            "MONDAYS", "1-5"})
    void rejectsWhatIsNotADaySet(String value) {
        assertThatThrownBy(() -> DaysOfWeek.parse("days", value))
                .isInstanceOf(ConfigException.class)
                .hasMessage("days: '" + value + "' (expected days such as MON-FRI, SAT,SUN or MON-WED,FRI "
                        + "(MON TUE WED THU FRI SAT SUN))");
    }

    @Test
    void rejectsMissingValue() {
        assertThatThrownBy(() -> DaysOfWeek.parse("days", null))
                .hasMessageStartingWith("days: no value (expected days such as MON-FRI");
    }
}
