package dev.sluice.transport.config;

import java.time.LocalTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a time of day {@code HH:mm}, 24-hour clock, from {@code 00:00} to {@code 23:59}; a one-digit hour
 * ({@code 7:30}) is accepted, minutes always take two digits. {@code 24:00} is rejected: a window that ends at
 * midnight ends at {@code 00:00}.
 */
public final class LocalTimes {

    static final String EXPECTED = "a time of day HH:mm from 00:00 to 23:59, such as 22:00";

    private static final Pattern HH_MM = Pattern.compile("(\\d{1,2}):(\\d{2})");

    private LocalTimes() {
    }

    /**
     * @throws ConfigException naming the option and the value when the value is missing or not a time of day
     */
    public static LocalTime parse(String option, String value) {
        if (value == null) {
            throw new ConfigException(option, null, EXPECTED);
        }
        Matcher m = HH_MM.matcher(value.strip());
        if (!m.matches()) {
            throw new ConfigException(option, value, EXPECTED);
        }
        int hour = Integer.parseInt(m.group(1));
        int minute = Integer.parseInt(m.group(2));
        if (hour > 23 || minute > 59) {
            throw new ConfigException(option, value, EXPECTED);
        }
        return LocalTime.of(hour, minute);
    }
}
