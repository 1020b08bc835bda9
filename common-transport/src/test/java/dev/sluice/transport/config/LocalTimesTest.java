package dev.sluice.transport.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalTimesTest {

    @Test
    void acceptsHoursAndMinutes() {
        assertThat(LocalTimes.parse("begin", "22:00")).isEqualTo(LocalTime.of(22, 0));
        assertThat(LocalTimes.parse("begin", "00:00")).isEqualTo(LocalTime.MIDNIGHT);
        assertThat(LocalTimes.parse("end", "23:59")).isEqualTo(LocalTime.of(23, 59));
        assertThat(LocalTimes.parse("end", "04:30")).isEqualTo(LocalTime.of(4, 30));
        assertThat(LocalTimes.parse("end", "7:05")).isEqualTo(LocalTime.of(7, 5));
        assertThat(LocalTimes.parse("end", " 22:00 ")).isEqualTo(LocalTime.of(22, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"24:00", "25:00", "22:60", "22", "22:0", "22:00:00", "10pm", "22.00", "-1:00", ""})
    void rejectsWhatIsNotATimeOfDay(String value) {
        assertThatThrownBy(() -> LocalTimes.parse("begin", value))
                .isInstanceOf(ConfigException.class)
                .hasMessage("begin: '" + value + "' (expected a time of day HH:mm from 00:00 to 23:59, such as 22:00)");
    }

    @Test
    void rejectsMissingValue() {
        assertThatThrownBy(() -> LocalTimes.parse("end", null))
                .hasMessage("end: no value (expected a time of day HH:mm from 00:00 to 23:59, such as 22:00)");
    }
}
