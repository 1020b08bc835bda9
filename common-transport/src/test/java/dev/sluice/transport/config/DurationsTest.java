package dev.sluice.transport.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', value = {
            "500ms      | PT0.5S",
            "30s        | PT30S",
            "5m         | PT5M",
            "1h         | PT1H",
            "2d         | PT48H",
            "0          | PT0S",
            "0s         | PT0S",
            "'30 s'     | PT30S",
            "'500 MS'   | PT0.5S",
            "5M         | PT5M",
            "1H         | PT1H",
            "'  15m  '  | PT15M",
            "90m        | PT1H30M",
            "PT5M       | PT5M",
            "pt5m       | PT5M",
            "PT0.25S    | PT0.25S",
            "P1DT2H     | PT26H",
            "+PT1S      | PT1S",
    })
    void acceptsShortAndIsoForms(String value, String expected) {
        assertThat(Durations.parse("stagger", value)).isEqualTo(Duration.parse(expected));
    }

    @Test
    void readsMAsMinutesNeverMonths() {
        assertThat(Durations.parse("primaryRetry", "5m")).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void readsADayAsExactly24Hours() {
        assertThat(Durations.parse("connectionTtl", "1d")).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void rejectsUnknownUnitNamingOptionAndValue() {
        assertThatThrownBy(() -> Durations.parse("stagger", "30 minutes"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("stagger: '30 minutes' (expected a duration such as 500ms, 30s, 5m, 1h, 2d, 0 or PT5M)");
    }

    @Test
    void rejectsANumberWithoutUnitUnlessZero() {
        assertThatThrownBy(() -> Durations.parse("heartbeat", "30"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("heartbeat: '30' (expected a unit after the number: ms, s, m, h or d, as in 30s; "
                        + "a duration such as 500ms, 30s, 5m, 1h, 2d, 0 or PT5M)");
    }

    @Test
    void rejectsFractionsInTheShortForm() {
        assertThatThrownBy(() -> Durations.parse("stagger", "1.5h"))
                .hasMessage("stagger: '1.5h' (expected a duration such as 500ms, 30s, 5m, 1h, 2d, 0 or PT5M)");
    }

    @Test
    void rejectsNegativeDurations() {
        for (String value : new String[] {"-5s", "-PT5M", "PT-5M"}) {
            assertThatThrownBy(() -> Durations.parse("ackTimeout", value))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("ackTimeout: '" + value
                            + "' (expected a duration that is not negative, such as 500ms, 30s, 5m or PT5M)");
        }
    }

    @Test
    void rejectsDurationsTooLongToCountInNanoseconds() {
        // The first three are too long for Duration; the others fit in it, but the engine times with toNanos(),
        // which overflows past Long.MAX_VALUE nanoseconds.
        for (String value : new String[] {"9223372036854775807d", "99999999999999999999s", "PT99999999999999999999S",
                "200000d", "106752d", "9223372037s", "PT2562047H47M16.854775808S", "P200000D"}) {
            assertThatThrownBy(() -> Durations.parse("heartbeat", value))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("heartbeat: '" + value + "' (expected a duration of at most"
                            + " PT2562047H47M16.854775807S, about 106751d or 292 years)");
        }
    }

    @Test
    void acceptsTheLongestDurationThatCanBeCountedInNanoseconds() {
        assertThat(Durations.parse("heartbeat", "106751d")).isEqualTo(Duration.ofDays(106751));
        assertThat(Durations.parse("heartbeat", "PT2562047H47M16.854775807S").toNanos()).isEqualTo(Long.MAX_VALUE);
        assertThat(Durations.MAX.toNanos()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void rejectsMalformedIso() {
        assertThatThrownBy(() -> Durations.parse("reconnectDelay", "P5M"))
                .hasMessage("reconnectDelay: 'P5M' (expected a duration such as 500ms, 30s, 5m, 1h, 2d, 0 or PT5M)");
    }

    @Test
    void rejectsMissingAndBlankValues() {
        assertThatThrownBy(() -> Durations.parse("stagger", null))
                .isInstanceOf(ConfigException.class)
                .hasMessage("stagger: no value (expected a duration such as 500ms, 30s, 5m, 1h, 2d, 0 or PT5M)");
        assertThatThrownBy(() -> Durations.parse("stagger", "  "))
                .hasMessage("stagger: '  ' (expected a duration such as 500ms, 30s, 5m, 1h, 2d, 0 or PT5M)");
    }

    @Test
    void exceptionCarriesOptionAndValue() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> Durations.parse("stagger", "soon"));
        assertThat(e.option()).isEqualTo("stagger");
        assertThat(e.value()).isEqualTo("soon");
        assertThat(e).isInstanceOf(IllegalArgumentException.class);
    }
}
