package dev.sluice.transport.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration parser of both front-ends (STYLE 12).
 *
 * <p>Accepted forms, surrounding white space ignored:
 * <ul>
 * <li>a whole number and a unit, with or without a space, the unit in any case: {@code 500ms}, {@code 30s},
 *     {@code 5m}, {@code 1h}, {@code 2d}, {@code 30 S}. Units: {@code ms} milliseconds, {@code s} seconds,
 *     {@code m} minutes (never months), {@code h} hours, {@code d} days of exactly 24 hours (a fixed length, not a
 *     calendar day: DST changes do not make {@code 1d} 23 or 25 hours);</li>
 * <li>a bare {@code 0}, meaning zero (used for "off", e.g. {@code heartbeat=0}); any other number needs a unit;</li>
 * <li>ISO-8601 as read by {@link Duration#parse}: {@code PT5M}, {@code PT0.5S}, {@code P1DT2H}, in any case.</li>
 * </ul>
 * Fractions ({@code 1.5h}) are not accepted in the short form: write {@code 90m} or {@code PT1H30M}. Negative
 * durations and durations longer than {@link #MAX} (about 292 years) are rejected.
 */
public final class Durations {

    /**
     * The longest duration accepted: {@link Long#MAX_VALUE} nanoseconds, {@code PT2562047H47M16.854775807S}, about
     * 292 years. The engine and the transports time in nanoseconds ({@link Duration#toNanos()}), which throws past
     * it: {@code heartbeat=200000d} killed the delivery thread and {@code primaryRetry=200000d} failed the engine's
     * start with "long overflow". So such a value is a configuration error, naming the option, instead.
     */
    public static final Duration MAX = Duration.ofNanos(Long.MAX_VALUE);

    /** What a message says is accepted. */
    static final String EXPECTED = "a duration such as 500ms, 30s, 5m, 1h, 2d, 0 or PT5M";

    private static final String NOT_NEGATIVE = "a duration that is not negative, such as 500ms, 30s, 5m or PT5M";

    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);

    private Durations() {
    }

    /**
     * @param option the option's name, for the error message
     * @param value  the value as written
     * @return the duration, never negative
     * @throws ConfigException naming the option and the value when the value is missing, malformed, negative or
     *                         too long
     */
    public static Duration parse(String option, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(option, value, EXPECTED);
        }
        String text = value.strip();
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        if (text.startsWith("-")) {
            throw new ConfigException(option, value, NOT_NEGATIVE);
        }
        char first = Character.toUpperCase(text.charAt(0));
        if (first == 'P' || first == '+') {
            return parseIso(option, value, text);
        }
        Matcher m = SHORT.matcher(text);
        if (!m.matches()) {
            if (text.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new ConfigException(option, value, "a unit after the number: ms, s, m, h or d, as in " + text
                        + "s; " + EXPECTED);
            }
            throw new ConfigException(option, value, EXPECTED);
        }
        Duration parsed;
        try {
            long amount = Long.parseLong(m.group(1));
            parsed = Duration.of(amount, unit(m.group(2)));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException(option, value, tooLong());
        }
        return atMostMax(option, value, parsed);
    }

    private static Duration parseIso(String option, String value, String text) {
        Duration parsed;
        try {
            parsed = Duration.parse(text.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            if (e.getCause() instanceof ArithmeticException || e.getCause() instanceof NumberFormatException) {
                throw new ConfigException(option, value, tooLong());
            }
            throw new ConfigException(option, value, EXPECTED);
        }
        if (parsed.isNegative()) {
            throw new ConfigException(option, value, NOT_NEGATIVE);
        }
        return atMostMax(option, value, parsed);
    }

    private static Duration atMostMax(String option, String value, Duration parsed) {
        if (parsed.compareTo(MAX) > 0) {
            throw new ConfigException(option, value, tooLong());
        }
        return parsed;
    }

    private static ChronoUnit unit(String unit) {
        switch (unit.toLowerCase(Locale.ROOT)) {
            case "ms": return ChronoUnit.MILLIS;
            case "s": return ChronoUnit.SECONDS;
            case "m": return ChronoUnit.MINUTES;
            case "h": return ChronoUnit.HOURS;
            case "d": return ChronoUnit.DAYS;
            default: throw new IllegalStateException(unit); // the pattern admits no other unit
        }
    }

    private static String tooLong() {
        return "a duration of at most " + MAX + ", about 106751d or 292 years";
    }
}
