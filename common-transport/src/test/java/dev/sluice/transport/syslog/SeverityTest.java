package dev.sluice.transport.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class SeverityTest {

    @Test
    void codesRunFromEmergencyZeroToDebugSeven() {
        assertThat(Severity.values()).extracting(Severity::code).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(Severity.EMERGENCY.code()).isZero();
        assertThat(Severity.DEBUG.code()).isEqualTo(7);
        assertThat(Severity.ofCode(3)).isEqualTo(Severity.ERROR);
    }

    @Test
    void parsesNamesKeywordsAndCodes() {
        assertThat(Severity.parse("error")).isEqualTo(Severity.ERROR);
        assertThat(Severity.parse("ERR")).isEqualTo(Severity.ERROR);
        assertThat(Severity.parse("warn")).isEqualTo(Severity.WARNING);
        assertThat(Severity.parse("Warning")).isEqualTo(Severity.WARNING);
        assertThat(Severity.parse("info")).isEqualTo(Severity.INFORMATIONAL);
        assertThat(Severity.parse("emerg")).isEqualTo(Severity.EMERGENCY);
        assertThat(Severity.parse("panic")).isEqualTo(Severity.EMERGENCY);
        assertThat(Severity.parse("crit")).isEqualTo(Severity.CRITICAL);
        assertThat(Severity.parse("LOG_NOTICE")).isEqualTo(Severity.NOTICE);
        assertThat(Severity.parse(" 7 ")).isEqualTo(Severity.DEBUG);
        assertThat(Severity.parse("0")).isEqualTo(Severity.EMERGENCY);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"8", "-1", "fatal", "trace", "10"})
    void rejectsUnknownValuesNamingValueAndAcceptedOnes(String value) {
        assertThatThrownBy(() -> Severity.parse(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("severity: '" + value + "'")
                .hasMessageContaining("EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, NOTICE, INFORMATIONAL, DEBUG")
                .hasMessageContaining("0-7");
    }

    @Test
    void priorityIsFacilityTimesEightPlusSeverity() {
        SyslogMessage m = SyslogMessage.builder().timestamp(java.time.Instant.EPOCH)
                .facility(Facility.LOCAL7).severity(Severity.DEBUG).build();
        assertThat(m.priority()).isEqualTo(191);
        assertThat(SyslogMessage.builder().timestamp(java.time.Instant.EPOCH).build().priority()).isEqualTo(13);
    }
}
