package dev.sluice.transport.syslog;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Syslog severity, RFC 5424 section 6.2.1 (table 2), with its numeric code 0-7. */
public enum Severity {
    /** 0: system is unusable. */
    EMERGENCY(0, "EMERG", "PANIC"),
    /** 1: action must be taken immediately. */
    ALERT(1),
    /** 2: critical conditions. */
    CRITICAL(2, "CRIT"),
    /** 3: error conditions. */
    ERROR(3, "ERR"),
    /** 4: warning conditions. */
    WARNING(4, "WARN"),
    /** 5: normal but significant condition. */
    NOTICE(5),
    /** 6: informational messages. */
    INFORMATIONAL(6, "INFO"),
    /** 7: debug-level messages. */
    DEBUG(7);

    private static final Severity[] BY_CODE = values();

    private final int code;
    private final String[] aliases;

    Severity(int code, String... aliases) {
        this.code = code;
        this.aliases = aliases;
    }

    /** The numeric code, 0-7. */
    public int code() {
        return code;
    }

    /**
     * The severity with numeric code {@code code}.
     *
     * @throws IllegalArgumentException if {@code code} is not 0-7
     */
    public static Severity ofCode(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("severity: " + code + " (expected: 0-7)");
        }
        return BY_CODE[code];
    }

    /**
     * Parses a name in any case ({@code "error"}), the syslog keywords {@code emerg}, {@code panic}, {@code crit},
     * {@code err}, {@code warn}, {@code info}, optionally with the C prefix {@code LOG_}, or the numeric code
     * ({@code "3"}). Surrounding blanks are ignored.
     *
     * @throws IllegalArgumentException naming the value and the accepted values
     */
    public static Severity parse(String value) {
        if (value != null) {
            String wanted = value.trim().toUpperCase(Locale.ROOT);
            if (wanted.length() == 1 && wanted.charAt(0) >= '0' && wanted.charAt(0) <= '7') {
                return BY_CODE[wanted.charAt(0) - '0'];
            }
            if (wanted.startsWith("LOG_")) {
                wanted = wanted.substring(4);
            }
            for (Severity s : BY_CODE) {
                if (s.name().equals(wanted) || Arrays.asList(s.aliases).contains(wanted)) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException("severity: '" + value + "' (expected one of: "
                + Arrays.stream(BY_CODE).map(Enum::name).collect(Collectors.joining(", "))
                + ", in any case, or a code 0-7)");
    }
}
