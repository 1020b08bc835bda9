package dev.sluice.transport.syslog;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The {@code format} option: which syslog message layout is written. */
public enum SyslogFormat {
    /** RFC 5424, {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]}; the default. */
    RFC5424,
    /** RFC 3164, {@code <PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PROCID]: MSG}, for legacy receivers. */
    RFC3164;

    /** The {@code format} of a configuration that does not set one. */
    public static final SyslogFormat DEFAULT = RFC5424;

    /** A formatter for this format with default options. */
    public SyslogFormatter newFormatter() {
        return this == RFC5424 ? new Rfc5424Formatter() : new Rfc3164Formatter();
    }

    /**
     * Parses a configuration value, ignoring case and surrounding blanks: {@code "RFC5424"}, {@code "rfc3164"}.
     *
     * @throws IllegalArgumentException naming the value and the accepted values
     */
    public static SyslogFormat parse(String value) {
        if (value != null) {
            String wanted = value.trim().toUpperCase(Locale.ROOT);
            for (SyslogFormat f : values()) {
                if (f.name().equals(wanted)) {
                    return f;
                }
            }
        }
        throw new IllegalArgumentException("format: '" + value + "' (expected one of: "
                + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")) + ")");
    }
}
