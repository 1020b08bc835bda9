package dev.sluice.transport.delivery;

import static java.time.DayOfWeek.SATURDAY;
import static java.time.DayOfWeek.SUNDAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeliveryWindowTest {

    @Test
    void rejectsNoDaysAndCopiesTheSet() {
        assertThatThrownBy(() -> DeliveryWindow.of(LocalTime.NOON, LocalTime.MIDNIGHT, Set.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("days: empty (expected at least one day)");
        EnumSet<DayOfWeek> days = EnumSet.of(SATURDAY);
        DeliveryWindow w = DeliveryWindow.of(LocalTime.NOON, LocalTime.MIDNIGHT, days);
        days.add(SUNDAY);
        assertThat(w.days()).containsExactly(SATURDAY);
    }

    @Test
    void printsAsConfigured() {
        assertThat(DeliveryWindow.of(LocalTime.NOON, LocalTime.MIDNIGHT, EnumSet.of(SATURDAY)))
                .hasToString("12:00-00:00 SAT");
        assertThat(DeliveryWindow.of(LocalTime.of(22, 0), LocalTime.of(4, 0))).hasToString("22:00-04:00");
    }

    @Test
    void knowsWhetherItCrossesMidnightOrLastsAllDay() {
        DeliveryWindow night = DeliveryWindow.of(LocalTime.of(22, 0), LocalTime.of(4, 0));
        DeliveryWindow lunch = DeliveryWindow.of(LocalTime.NOON, LocalTime.of(13, 0));
        DeliveryWindow day = DeliveryWindow.of(LocalTime.of(6, 0), LocalTime.of(6, 0));
        assertThat(night.crossesMidnight()).isTrue();
        assertThat(lunch.crossesMidnight()).isFalse();
        assertThat(day.isAllDay()).isTrue();
        assertThat(night.isAllDay()).isFalse();
    }
}
