package dev.sluice.transport.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One or more {@link DeliveryWindow}s in one time zone, with this host's {@link Stagger}: delivery is open while
 * any window is open.
 *
 * <p><b>From wall-clock time to instants.</b> Windows are computed with {@code java.time} in the zone, per day, so
 * midnight crossings and DST changes are exact: a {@code 22:00–04:00} window lasts 6 hours of real time on an
 * ordinary night, 5 on the night clocks go forward and 7 on the night they go back. A window's local time becomes
 * <em>the first instant at which a wall clock in the zone shows that time or later</em> on that date:
 * <ul>
 * <li>a time skipped by a DST gap (02:30 on the night clocks jump from 02:00 to 03:00) is the instant the gap ends
 *     (03:00 new time), so a window beginning in the gap opens as soon as the clocks have jumped;</li>
 * <li>a time that happens twice in a DST overlap (02:30 on the night clocks go back from 03:00 to 02:00) is its
 *     first occurrence, at the earlier offset (summer time). This holds for {@code begin} and for {@code end}: a
 *     {@code 02:30–03:30} window that night is open from 02:30 summer time to 03:30 winter time, two hours of real
 *     time; a {@code 01:00–02:30} window closes at the first 02:30;</li>
 * <li>a window whose begin and end both fall in the same gap is empty that night and does not open.</li>
 * </ul>
 *
 * <p><b>Stagger.</b> Each occurrence of a window opens at {@code begin + stagger.offsetIn(length)}, where
 * {@code length} is that occurrence's real length; it still closes at {@code end}.
 *
 * <p>Immutable and thread-safe. Nothing here reads a clock: the caller passes the instant.
 */
public final class DeliveryWindows implements DeliverySchedule {

    /**
     * How far ahead {@link #nextOpening} looks: a window begins at least once a week, and an occurrence can only be
     * empty on a DST night, so the next week always has one.
     */
    private static final int DAYS_AHEAD = 8;

    /** An open period longer than this, built of touching windows, never ends: every wall-clock time is covered. */
    private static final Duration FOREVER = Duration.ofDays(8);

    private final ZoneId zone;
    private final ZoneRules rules;
    private final List<DeliveryWindow> windows;
    private final Stagger stagger;

    private DeliveryWindows(ZoneId zone, List<DeliveryWindow> windows, Stagger stagger) {
        this.zone = Objects.requireNonNull(zone, "zone");
        this.rules = zone.getRules();
        this.windows = List.copyOf(windows);
        this.stagger = Objects.requireNonNull(stagger, "stagger");
        if (this.windows.isEmpty()) {
            throw new IllegalArgumentException("windows: empty (expected at least one; without windows, use "
                    + "DeliverySchedule.always())");
        }
    }

    /** Windows without stagger. */
    public static DeliveryWindows of(ZoneId zone, List<DeliveryWindow> windows) {
        return new DeliveryWindows(zone, windows, Stagger.none());
    }

    /** Windows opened at this host's staggered offset. */
    public static DeliveryWindows of(ZoneId zone, List<DeliveryWindow> windows, Stagger stagger) {
        return new DeliveryWindows(zone, windows, stagger);
    }

    public ZoneId zone() {
        return zone;
    }

    public List<DeliveryWindow> windows() {
        return windows;
    }

    public Stagger stagger() {
        return stagger;
    }

    @Override
    public boolean isOpen(Instant now) {
        for (Occurrence o : occurrences(now, 2, 1)) {
            if (o.contains(now)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Instant nextOpening(Instant now) {
        Instant next = null;
        for (Occurrence o : occurrences(now, 2, DAYS_AHEAD)) {
            if (o.contains(now)) {
                return now;
            }
            if (o.open.isAfter(now) && (next == null || o.open.isBefore(next))) {
                next = o.open;
            }
        }
        // Only reachable if every occurrence in the coming week were empty, which valid windows cannot be.
        return next == null ? Instant.MAX : next;
    }

    @Override
    public Instant currentWindowEnd(Instant now) {
        Instant end = now;
        for (Occurrence o : occurrences(now, 2, 1)) {
            if (o.contains(now) && o.end.isAfter(end)) {
                end = o.end;
            }
        }
        if (end.equals(now)) {
            return now; // closed
        }
        Instant limit = now.plus(FOREVER);
        boolean extended = true;
        while (extended) {
            extended = false;
            for (Occurrence o : occurrences(end, 2, 1)) {
                if (!o.open.isAfter(end) && o.end.isAfter(end)) {
                    end = o.end; // a window that overlaps or touches the period continues it
                    extended = true;
                }
            }
            if (end.isAfter(limit)) {
                return Instant.MAX;
            }
        }
        return end;
    }

    /** Non-empty occurrences of every window beginning on the local dates around {@code at}. */
    private List<Occurrence> occurrences(Instant at, int daysBefore, int daysAfter) {
        LocalDate today = LocalDate.ofInstant(at, zone);
        List<Occurrence> result = new ArrayList<>();
        for (LocalDate date = today.minusDays(daysBefore); !date.isAfter(today.plusDays(daysAfter));
                date = date.plusDays(1)) {
            for (DeliveryWindow w : windows) {
                if (!w.beginsOn(date.getDayOfWeek())) {
                    continue;
                }
                Instant begin = firstInstantShowing(date.atTime(w.begin()));
                LocalDate endDate = w.crossesMidnight() ? date.plusDays(1) : date;
                Instant end = firstInstantShowing(endDate.atTime(w.end()));
                if (!end.isAfter(begin)) {
                    continue; // begin and end in the same DST gap: no window that night
                }
                Instant open = begin.plus(stagger.offsetIn(Duration.between(begin, end)));
                result.add(new Occurrence(open, end));
            }
        }
        return result;
    }

    /**
     * The first instant at which a wall clock in the zone shows {@code local} or later: in a gap the instant the gap
     * ends; in an overlap the earlier of the two instants.
     */
    Instant firstInstantShowing(LocalDateTime local) {
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        if (offsets.isEmpty()) {
            return rules.getTransition(local).getInstant();
        }
        Instant first = local.toInstant(offsets.get(0));
        for (ZoneOffset offset : offsets) {
            Instant candidate = local.toInstant(offset);
            if (candidate.isBefore(first)) {
                first = candidate;
            }
        }
        return first;
    }

    /** One window on one date: open from {@code open} (staggered begin, inclusive) to {@code end} (exclusive). */
    private record Occurrence(Instant open, Instant end) {
        boolean contains(Instant t) {
            return !t.isBefore(open) && t.isBefore(end);
        }
    }

    @Override
    public String toString() {
        return "DeliveryWindows" + windows + " in " + zone + (stagger.stagger().isZero() ? "" : ", " + stagger);
    }
}
