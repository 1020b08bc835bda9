package dev.sluice.transport.delivery;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One off-peak window in local (wall-clock) time: from {@code begin} (inclusive) to {@code end} (exclusive).
 *
 * <ul>
 * <li>{@code end} before {@code begin} crosses midnight: {@code 22:00–04:00} ends at 04:00 the next day.</li>
 * <li>{@code begin == end} is open for a whole day, from {@code begin} to the same wall-clock time the next day
 *     ({@code 00:00–00:00} with {@code days=SAT,SUN} is the weekend). It is never an empty window: a window that
 *     should not deliver is simply not configured.</li>
 * <li>{@code days} are the days on which the window <em>begins</em>: a {@code MON-FRI} {@code 22:00–04:00} window
 *     that begins on Friday stays open until Saturday 04:00, and none begins on Saturday.</li>
 * </ul>
 * How local times become instants (DST gaps and overlaps) is {@link DeliveryWindows}' business.
 *
 * @param begin local time the window opens
 * @param end   local time the window closes
 * @param days  days on which the window begins; not empty
 */
public record DeliveryWindow(LocalTime begin, LocalTime end, Set<DayOfWeek> days) {

    private static final Set<DayOfWeek> EVERY_DAY = Collections.unmodifiableSet(EnumSet.allOf(DayOfWeek.class));

    public DeliveryWindow {
        Objects.requireNonNull(begin, "begin");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(days, "days");
        if (days.isEmpty()) {
            throw new IllegalArgumentException("days: empty (expected at least one day)");
        }
        days = Collections.unmodifiableSet(EnumSet.copyOf(days));
    }

    /** A window that begins every day. */
    public static DeliveryWindow of(LocalTime begin, LocalTime end) {
        return new DeliveryWindow(begin, end, EVERY_DAY);
    }

    /** A window that begins on the given days. */
    public static DeliveryWindow of(LocalTime begin, LocalTime end, Set<DayOfWeek> days) {
        return new DeliveryWindow(begin, end, days);
    }

    /** Whether the window is open for a whole day ({@code begin == end}). */
    public boolean isAllDay() {
        return begin.equals(end);
    }

    /** Whether the window ends on the day after the one it begins on ({@code end <= begin}, all-day included). */
    public boolean crossesMidnight() {
        return !end.isAfter(begin);
    }

    /** Whether a window begins on {@code day}. */
    public boolean beginsOn(DayOfWeek day) {
        return days.contains(day);
    }

    @Override
    public String toString() {
        String text = begin + "-" + end;
        if (days.size() == 7) {
            return text;
        }
        return text + " " + days.stream().map(d -> d.name().substring(0, 3)).collect(Collectors.joining(","));
    }
}
