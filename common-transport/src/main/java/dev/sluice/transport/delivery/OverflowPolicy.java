package dev.sluice.transport.delivery;

import java.util.Locale;

/** What {@code append} does when memory (and the spool, if any) is full: the {@code overflow} option. */
public enum OverflowPolicy {
    /** Drop the event being appended (default): the application never waits. */
    DROP_NEWEST("dropNewest"),
    /**
     * Drop the oldest undelivered events to make room for the new one: without a spool, the oldest queued event;
     * with a spool, the oldest spool segment (16 MiB, or a quarter of {@code maxSize} if less) of records not yet
     * handed to the transport, all at once. What is in flight is kept (it is resent after a reconnect), and so is
     * the rest of the segment being read and the segment being written: when nothing else is left, the new event
     * is dropped instead.
     */
    DROP_OLDEST("dropOldest"),
    /** Make the application's thread wait for room. The only policy under which {@code append} may wait. */
    BLOCK("block");

    /** The {@code overflow} of a configuration that does not set one. */
    public static final OverflowPolicy DEFAULT = DROP_NEWEST;

    private final String configName;

    OverflowPolicy(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /**
     * Parses the option value, ignoring case: {@code dropNewest}, {@code dropOldest}, {@code block}.
     *
     * @throws IllegalArgumentException naming the option, the value and the accepted values
     */
    public static OverflowPolicy parse(String value) {
        if (value != null) {
            String wanted = value.trim().toLowerCase(Locale.ROOT);
            for (OverflowPolicy p : values()) {
                if (p.configName.toLowerCase(Locale.ROOT).equals(wanted)) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("overflow: '" + value + "' (expected one of: dropNewest, dropOldest, block)");
    }
}
