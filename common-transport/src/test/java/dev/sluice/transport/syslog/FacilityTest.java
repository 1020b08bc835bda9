package dev.sluice.transport.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class FacilityTest {

    @Test
    void codesRunFromKernZeroToLocal7TwentyThree() {
        assertThat(Facility.values()).hasSize(24);
        for (int code = 0; code < 24; code++) {
            assertThat(Facility.ofCode(code).code()).isEqualTo(code);
        }
        assertThat(Facility.KERN.code()).isZero();
        assertThat(Facility.USER.code()).isEqualTo(1);
        assertThat(Facility.AUTHPRIV.code()).isEqualTo(10);
        assertThat(Facility.CLOCK.code()).isEqualTo(15);
        assertThat(Facility.LOCAL0.code()).isEqualTo(16);
        assertThat(Facility.LOCAL7.code()).isEqualTo(23);
    }

    @Test
    void parsesNamesInAnyCase() {
        assertThat(Facility.parse("local0")).isEqualTo(Facility.LOCAL0);
        assertThat(Facility.parse("LOCAL7")).isEqualTo(Facility.LOCAL7);
        assertThat(Facility.parse("Daemon")).isEqualTo(Facility.DAEMON);
        assertThat(Facility.parse(" user ")).isEqualTo(Facility.USER);
    }

    @Test
    void parsesNumericCodes() {
        assertThat(Facility.parse("0")).isEqualTo(Facility.KERN);
        assertThat(Facility.parse("16")).isEqualTo(Facility.LOCAL0);
        assertThat(Facility.parse("23")).isEqualTo(Facility.LOCAL7);
        assertThat(Facility.parse("04")).isEqualTo(Facility.AUTH);
    }

    @Test
    void parsesCPrefixAndLog4j2AndSecurityAliases() {
        assertThat(Facility.parse("LOG_LOCAL3")).isEqualTo(Facility.LOCAL3);
        assertThat(Facility.parse("LOG_AUDIT")).isEqualTo(Facility.AUDIT);
        assertThat(Facility.parse("log_alert")).isEqualTo(Facility.ALERT);
        assertThat(Facility.parse("security")).isEqualTo(Facility.AUTH);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"local8", "24", "-1", "1.5", "999", "LOG_", "us er", "kernel"})
    void rejectsUnknownValuesNamingValueAndAcceptedOnes(String value) {
        assertThatThrownBy(() -> Facility.parse(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("facility: '" + value + "'")
                .hasMessageContaining("KERN, USER, MAIL")
                .hasMessageContaining("LOCAL7")
                .hasMessageContaining("0-23");
    }

    @Test
    void rejectsCodeOutOfRange() {
        assertThatThrownBy(() -> Facility.ofCode(24)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("facility: 24 (expected: 0-23)");
    }
}
