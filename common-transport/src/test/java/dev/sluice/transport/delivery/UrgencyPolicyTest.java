package dev.sluice.transport.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UrgencyPolicyTest {

    private static final int EMERGENCY = 0;
    private static final int ERROR = 3;
    private static final int WARNING = 4;
    private static final int DEBUG = 7;

    @Test
    void severityAtOrAboveTheThresholdPassesAtOnce() {
        UrgencyPolicy errors = UrgencyPolicy.atOrAbove(ERROR);
        assertThat(errors.isUrgent(EMERGENCY)).isTrue();
        assertThat(errors.isUrgent(1)).isTrue();
        assertThat(errors.isUrgent(2)).isTrue();
        assertThat(errors.isUrgent(ERROR)).isTrue();
    }

    @Test
    void lessSevereEventsWaitForTheWindow() {
        UrgencyPolicy errors = UrgencyPolicy.atOrAbove(ERROR);
        assertThat(errors.isUrgent(WARNING)).isFalse();
        assertThat(errors.isUrgent(DEBUG)).isFalse();
    }

    @Test
    void noneLetsNothingThrough() {
        for (int severity = EMERGENCY; severity <= DEBUG; severity++) {
            assertThat(UrgencyPolicy.none().isUrgent(severity)).isFalse();
        }
    }

    @Test
    void debugThresholdLetsEverythingThrough() {
        for (int severity = EMERGENCY; severity <= DEBUG; severity++) {
            assertThat(UrgencyPolicy.atOrAbove(DEBUG).isUrgent(severity)).isTrue();
        }
    }

    @Test
    void rejectsSeveritiesOutsideZeroToSeven() {
        assertThatThrownBy(() -> UrgencyPolicy.atOrAbove(8)).hasMessage("severity: 8 (expected: 0-7)");
        assertThatThrownBy(() -> UrgencyPolicy.atOrAbove(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UrgencyPolicy.atOrAbove(ERROR).isUrgent(9))
                .hasMessage("severity: 9 (expected: 0-7)");
    }

    @Test
    void comparesByThreshold() {
        assertThat(UrgencyPolicy.atOrAbove(ERROR)).isEqualTo(UrgencyPolicy.atOrAbove(ERROR));
        assertThat(UrgencyPolicy.atOrAbove(ERROR)).hasToString("urgent: severity <= 3");
    }
}
