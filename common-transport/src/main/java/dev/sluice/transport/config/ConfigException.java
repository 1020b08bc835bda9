package dev.sluice.transport.config;

import java.util.Objects;

/**
 * An option has a value that cannot be used. The message names the option, quotes the value and says what is
 * accepted, for example {@code "maxSize: '1 XB' (expected a size such as 512, 64 KB, 1 GB)"}; a missing value reads
 * {@code "begin: no value (expected …)"}. The front-ends pass the message on, unchanged, through their own status
 * channel (Log4j2 {@code StatusLogger}, Logback {@code addError}) and do not start the appender with a default.
 */
public class ConfigException extends IllegalArgumentException {

    private final String option;
    private final String value;

    /**
     * @param option   the option's name as the user wrote it in the configuration, e.g. {@code maxSize}
     * @param value    the rejected value, or {@code null} when it was missing
     * @param expected what would have been accepted, e.g. {@code "a size such as 512, 64 KB, 1 GB"}
     */
    public ConfigException(String option, String value, String expected) {
        super(message(option, value, expected));
        this.option = option;
        this.value = value;
    }

    /** The option's name, as given to the parser. */
    public String option() {
        return option;
    }

    /** The rejected value as written, or {@code null} when it was missing. */
    public String value() {
        return value;
    }

    static String message(String option, String value, String expected) {
        Objects.requireNonNull(option, "option");
        Objects.requireNonNull(expected, "expected");
        String shown = value == null ? "no value" : "'" + value + "'";
        return option + ": " + shown + " (expected " + expected + ")";
    }
}
