package dev.sluice.transport.config;

import java.time.DateTimeException;
import java.time.ZoneId;

/**
 * Parses a time zone: a region ID of the tz database ({@code Europe/Berlin}; the case of the letters does not
 * matter), {@code UTC}/{@code Z}, or a fixed offset ({@code +01:00}, {@code UTC+01:00}). Abbreviations are not
 * looked up in {@link ZoneId#SHORT_IDS} ({@code PST}, {@code CEST} are rejected): they are ambiguous. Prefer a region
 * ID to a fixed offset, which ignores DST — rarely what an off-peak window means.
 */
public final class Zones {

    static final String EXPECTED = "a time-zone ID such as Europe/Berlin, UTC or +01:00";

    private Zones() {
    }

    /**
     * @throws ConfigException naming the option and the value when the value is missing or not a known zone
     */
    public static ZoneId parse(String option, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(option, value, EXPECTED);
        }
        String text = value.strip();
        try {
            return ZoneId.of(text);
        } catch (DateTimeException e) {
            for (String id : ZoneId.getAvailableZoneIds()) {
                if (id.equalsIgnoreCase(text)) {
                    return ZoneId.of(id);
                }
            }
            throw new ConfigException(option, value, EXPECTED);
        }
    }
}
