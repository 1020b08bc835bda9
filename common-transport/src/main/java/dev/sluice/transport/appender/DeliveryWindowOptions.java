package dev.sluice.transport.appender;

/**
 * One {@code DeliveryWindow} / {@code deliveryWindow} of {@link AppenderConfig}, as written; checked by
 * {@link AppenderConfig#resolve}. {@code zone}, {@code stagger} and {@code urgentLevel} hold for all windows of an
 * appender: give them on one window, or the same on each.
 */
public final class DeliveryWindowOptions {

    private String begin;
    private String end;
    private String days;
    private String zone;
    private String stagger;
    private String urgentLevel;

    /** {@code HH:mm}; required. */
    public void setBegin(String begin) {
        this.begin = begin;
    }

    /** {@code HH:mm}, may be before {@code begin} (crosses midnight); required. */
    public void setEnd(String end) {
        this.end = end;
    }

    /** Days the window begins on, such as {@code MON-FRI}; default every day. */
    public void setDays(String days) {
        this.days = days;
    }

    /** Time zone of {@code begin} and {@code end}, such as {@code Europe/Berlin}; default the JVM's zone. */
    public void setZone(String zone) {
        this.zone = zone;
    }

    /** Longest per-host delay after {@code begin}, such as {@code 30m}; default 0. */
    public void setStagger(String stagger) {
        this.stagger = stagger;
    }

    /** Events at or above this level are sent at once, such as {@code ERROR}; default none. */
    public void setUrgentLevel(String urgentLevel) {
        this.urgentLevel = urgentLevel;
    }

    public String getBegin() {
        return begin;
    }

    public String getEnd() {
        return end;
    }

    public String getDays() {
        return days;
    }

    public String getZone() {
        return zone;
    }

    public String getStagger() {
        return stagger;
    }

    public String getUrgentLevel() {
        return urgentLevel;
    }
}
