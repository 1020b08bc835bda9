package dev.sluice.transport.delivery;

import java.util.Locale;

/** How a list of targets is used: the {@code failover} option. */
public enum FailoverPolicy {
    /** Deliver to the first target that works; go back to the first after {@code primaryRetry} (default). */
    PREFER_PRIMARY("preferPrimary"),
    /** Move on to the next target at every reconnect, in turn. */
    ROUND_ROBIN("roundRobin");

    /** The {@code failover} of a configuration that does not set one. */
    public static final FailoverPolicy DEFAULT = PREFER_PRIMARY;

    private final String configName;

    FailoverPolicy(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /**
     * Parses the option value, ignoring case: {@code preferPrimary} or {@code roundRobin}.
     *
     * @throws IllegalArgumentException naming the option, the value and the accepted values
     */
    public static FailoverPolicy parse(String value) {
        if (value != null) {
            String wanted = value.trim().toLowerCase(Locale.ROOT);
            for (FailoverPolicy p : values()) {
                if (p.configName.toLowerCase(Locale.ROOT).equals(wanted)) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("failover: '" + value + "' (expected one of: preferPrimary, roundRobin)");
    }
}
