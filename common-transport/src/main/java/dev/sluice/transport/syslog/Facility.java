package dev.sluice.transport.syslog;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Syslog facility, RFC 5424 section 6.2.1 (table 1), with its numeric code 0-23.
 *
 * <p>Names follow rsyslog and Logback ({@code KERN} ... {@code LOCAL7}); {@link #parse(String)} also takes the
 * forms other configurations use (see there).
 */
public enum Facility {
    /** 0: kernel messages. */
    KERN(0),
    /** 1: user-level messages; the default of {@code facility}. */
    USER(1),
    /** 2: mail system. */
    MAIL(2),
    /** 3: system daemons. */
    DAEMON(3),
    /** 4: security/authorization messages. */
    AUTH(4),
    /** 5: messages generated internally by syslogd. */
    SYSLOG(5),
    /** 6: line printer subsystem. */
    LPR(6),
    /** 7: network news subsystem. */
    NEWS(7),
    /** 8: UUCP subsystem. */
    UUCP(8),
    /** 9: clock daemon (cron). */
    CRON(9),
    /** 10: security/authorization messages (private). */
    AUTHPRIV(10),
    /** 11: FTP daemon. */
    FTP(11),
    /** 12: NTP subsystem. */
    NTP(12),
    /** 13: log audit. */
    AUDIT(13),
    /** 14: log alert. */
    ALERT(14),
    /** 15: clock daemon. */
    CLOCK(15),
    /** 16: local use 0. */
    LOCAL0(16),
    /** 17: local use 1. */
    LOCAL1(17),
    /** 18: local use 2. */
    LOCAL2(18),
    /** 19: local use 3. */
    LOCAL3(19),
    /** 20: local use 4. */
    LOCAL4(20),
    /** 21: local use 5. */
    LOCAL5(21),
    /** 22: local use 6. */
    LOCAL6(22),
    /** 23: local use 7. */
    LOCAL7(23);

    private static final Facility[] BY_CODE = values();

    private final int code;

    Facility(int code) {
        this.code = code;
    }

    /** The numeric code, 0-23. */
    public int code() {
        return code;
    }

    /**
     * The facility with numeric code {@code code}.
     *
     * @throws IllegalArgumentException if {@code code} is not 0-23
     */
    public static Facility ofCode(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("facility: " + code + " (expected: 0-23)");
        }
        return BY_CODE[code];
    }

    /**
     * Parses a configuration value: a name in any case ({@code "local0"}, {@code "LOCAL0"}), optionally with the C
     * prefix {@code LOG_} ({@code "LOG_LOCAL0"}, and Log4j2's {@code "LOG_AUDIT"}, {@code "LOG_ALERT"}), the alias
     * {@code "security"} for {@link #AUTH}, or the numeric code ({@code "16"}). Surrounding blanks are ignored.
     *
     * @throws IllegalArgumentException naming the value and the accepted values
     */
    public static Facility parse(String value) {
        if (value != null) {
            String wanted = value.trim().toUpperCase(Locale.ROOT);
            if (!wanted.isEmpty() && wanted.chars().allMatch(c -> c >= '0' && c <= '9')) {
                if (wanted.length() <= 2) {
                    int code = Integer.parseInt(wanted);
                    if (code < BY_CODE.length) {
                        return BY_CODE[code];
                    }
                }
            } else {
                if (wanted.startsWith("LOG_")) {
                    wanted = wanted.substring(4);
                }
                if (wanted.equals("SECURITY")) {
                    return AUTH;
                }
                for (Facility f : BY_CODE) {
                    if (f.name().equals(wanted)) {
                        return f;
                    }
                }
            }
        }
        throw new IllegalArgumentException("facility: '" + value + "' (expected one of: "
                + Arrays.stream(BY_CODE).map(Enum::name).collect(Collectors.joining(", "))
                + ", in any case, or a code 0-23)");
    }
}
