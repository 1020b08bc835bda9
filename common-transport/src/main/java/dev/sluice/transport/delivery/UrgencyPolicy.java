package dev.sluice.transport.delivery;

/**
 * Which events skip the delivery window and go at once ({@code urgentLevel}). Severities are syslog's (RFC 5424
 * §6.2.1): 0 Emergency, 1 Alert, 2 Critical, 3 Error, 4 Warning, 5 Notice, 6 Informational, 7 Debug; a lower number
 * is more severe. The front-ends map their own levels to a severity before asking; nothing here knows Log4j2 or
 * Logback levels.
 */
@FunctionalInterface
public interface UrgencyPolicy {

    /** Whether an event of this syslog severity (0–7) is sent at once, whatever the window. */
    boolean isUrgent(int severity);

    /** Default {@code urgentLevel}: none, every event waits for the window. */
    static UrgencyPolicy none() {
        return SeverityThreshold.NONE;
    }

    /**
     * Events of {@code severity} or more severe (a number {@code <= severity}) are urgent: {@code atOrAbove(3)} lets
     * Error, Critical, Alert and Emergency through.
     *
     * @param severity 0–7
     */
    static UrgencyPolicy atOrAbove(int severity) {
        SeverityThreshold.check("severity", severity);
        return new SeverityThreshold(severity);
    }
}
