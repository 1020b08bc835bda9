package dev.sluice.transport.event;

import dev.sluice.transport.config.ConfigException;
import dev.sluice.transport.syslog.Severity;

import java.util.Locale;

/**
 * The one table from log levels to syslog severities (RFC 5424 section 6.2.1), for events and for the
 * {@code urgentLevel} option alike:
 *
 * <table>
 * <caption>Level to severity</caption>
 * <tr><th>Log4j2 / Logback level</th><th>syslog severity</th></tr>
 * <tr><td>{@code FATAL} (Log4j2)</td><td>2 Critical</td></tr>
 * <tr><td>{@code ERROR}</td><td>3 Error</td></tr>
 * <tr><td>{@code WARN}</td><td>4 Warning</td></tr>
 * <tr><td>{@code INFO}</td><td>6 Informational</td></tr>
 * <tr><td>{@code DEBUG}</td><td>7 Debug</td></tr>
 * <tr><td>{@code TRACE}</td><td>7 Debug</td></tr>
 * </table>
 *
 * A custom Log4j2 level is mapped as the standard level it ranks with (its {@code StandardLevel}). No level maps to
 * 0 Emergency, 1 Alert or 5 Notice; {@code urgentLevel} also accepts those by their syslog names.
 */
public final class Levels {

    static final String EXPECTED = "a level: TRACE, DEBUG, INFO, WARN, ERROR or FATAL, or a syslog severity such"
            + " as NOTICE, CRITICAL or 0-7";

    private Levels() {
    }

    /**
     * The severity of an event's level. A name that is not in the table (which a front-end does not pass) is
     * {@link Severity#NOTICE}, the syslog default.
     */
    public static Severity severityOf(String levelName) {
        // Per event: the frameworks pass their own upper-case names, so try them as they are before the
        // trim + toUpperCase of the general path (a copy of the name on every event otherwise).
        Severity s = exactSeverity(levelName);
        if (s != null) {
            return s;
        }
        s = levelSeverity(levelName);
        return s != null ? s : Severity.NOTICE;
    }

    /**
     * Parses the {@code urgentLevel} option: a level name from the table, or a syslog severity name or code.
     *
     * @throws ConfigException naming the option and the value
     */
    public static Severity parseLevel(String option, String value) {
        Severity s = levelSeverity(value);
        if (s != null) {
            return s;
        }
        try {
            return Severity.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(option, value, EXPECTED);
        }
    }

    private static Severity exactSeverity(String levelName) {
        if (levelName == null) {
            return null;
        }
        switch (levelName) {
            case "FATAL": return Severity.CRITICAL;
            case "ERROR": return Severity.ERROR;
            case "WARN": return Severity.WARNING;
            case "INFO": return Severity.INFORMATIONAL;
            case "DEBUG": case "TRACE": return Severity.DEBUG;
            default: return null;
        }
    }

    private static Severity levelSeverity(String levelName) {
        if (levelName == null) {
            return null;
        }
        switch (levelName.trim().toUpperCase(Locale.ROOT)) {
            case "FATAL": return Severity.CRITICAL;
            case "ERROR": return Severity.ERROR;
            case "WARN": return Severity.WARNING;
            case "INFO": return Severity.INFORMATIONAL;
            case "DEBUG": case "TRACE": return Severity.DEBUG;
            default: return null;
        }
    }
}
