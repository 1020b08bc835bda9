package dev.sluice.transport.delivery;

/**
 * {@link UrgencyPolicy} by a syslog severity threshold; {@code threshold = -1} lets nothing through.
 */
record SeverityThreshold(int threshold) implements UrgencyPolicy {

    static final SeverityThreshold NONE = new SeverityThreshold(-1);

    static void check(String name, int severity) {
        if (severity < 0 || severity > 7) {
            throw new IllegalArgumentException(name + ": " + severity + " (expected: 0-7)");
        }
    }

    @Override
    public boolean isUrgent(int severity) {
        check("severity", severity);
        return severity <= threshold;
    }

    @Override
    public String toString() {
        return threshold < 0 ? "urgent: none" : "urgent: severity <= " + threshold;
    }
}
