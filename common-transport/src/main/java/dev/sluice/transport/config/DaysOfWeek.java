package dev.sluice.transport.config;

import java.time.DayOfWeek;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Parses a set of days of the week: a comma-separated list of days and ranges, such as {@code MON-FRI},
 * {@code SAT,SUN} or {@code MON-WED,FRI}. A day is its three-letter English abbreviation or its full English name
 * ({@code MON}, {@code Monday}), in any case; white space around items is ignored.
 *
 * <p>A range includes both ends and may wrap over the end of the week: {@code FRI-MON} is Friday, Saturday, Sunday
 * and Monday, just as a delivery window may cross midnight. {@code MON-MON} is Monday alone. Listing a day twice
 * is harmless. An empty list, an empty item ({@code MON,,FRI}) or an unknown day is rejected.
 */
public final class DaysOfWeek {

    static final String EXPECTED = "days such as MON-FRI, SAT,SUN or MON-WED,FRI (MON TUE WED THU FRI SAT SUN)";

    private DaysOfWeek() {
    }

    /**
     * @return an unmodifiable, non-empty set of days
     * @throws ConfigException naming the option and the value when the value is missing or malformed
     */
    public static Set<DayOfWeek> parse(String option, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(option, value, EXPECTED);
        }
        EnumSet<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String item : value.split(",", -1)) {
            String[] ends = item.split("-", -1);
            if (ends.length == 1) {
                days.add(day(option, value, ends[0]));
            } else if (ends.length == 2) {
                DayOfWeek first = day(option, value, ends[0]);
                DayOfWeek last = day(option, value, ends[1]);
                for (DayOfWeek d = first; ; d = d.plus(1)) {
                    days.add(d);
                    if (d == last) {
                        break;
                    }
                }
            } else {
                throw new ConfigException(option, value, EXPECTED);
            }
        }
        return Collections.unmodifiableSet(days);
    }

    private static DayOfWeek day(String option, String value, String name) {
        String n = name.strip().toUpperCase(Locale.ROOT);
        for (DayOfWeek d : DayOfWeek.values()) {
            if (n.length() >= 3 && (n.equals(d.name()) || n.equals(d.name().substring(0, 3)))) {
                return d;
            }
        }
        throw new ConfigException(option, value, EXPECTED);
    }
}
