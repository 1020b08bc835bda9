package dev.sluice.transport.delivery;

import java.time.Duration;

/** The engine's package-private test hooks, for the integration tests in other packages. */
public final class EngineTestHooks {

    private EngineTestHooks() {
    }

    /** {@link DeliveryEngine#startWithLongestPark}: see there for when it may be used. */
    public static DeliveryEngine startWithLongestPark(EngineSettings settings, Duration longestPark) {
        return DeliveryEngine.startWithLongestPark(settings, longestPark);
    }
}
