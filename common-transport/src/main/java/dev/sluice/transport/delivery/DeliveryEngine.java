package dev.sluice.transport.delivery;

import dev.sluice.transport.health.Counters;
import dev.sluice.transport.health.Health;
import dev.sluice.transport.syslog.SyslogMessage;

/**
 * The part between an appender and the network: accepts events on the application's threads without ever
 * waiting on the network, keeps them in memory or a durable spool, and delivers them from one delivery thread
 * through a {@link dev.sluice.transport.net.SyslogTransport}, inside the delivery windows, with failover,
 * overflow policy, in-band drop notices, heartbeats and a bounded shutdown.
 *
 * <p>Work in progress: the implementation lands with issue 4; this is its public contract.
 */
public final class DeliveryEngine implements AutoCloseable {

    private final EngineSettings settings;
    private final Counters counters = new Counters();

    private DeliveryEngine(EngineSettings settings) {
        this.settings = settings;
    }

    /** Starts an engine: opens the spool (replaying it first) and connects in the background. */
    public static DeliveryEngine start(EngineSettings settings) {
        return new DeliveryEngine(settings);
    }

    /**
     * Accepts one event on the caller's thread: gives it the next sequence id, formats it, and queues or
     * spools it. Never waits on the network; waits only under {@link OverflowPolicy#BLOCK} when full.
     *
     * @return {@code true} if accepted, {@code false} if it was dropped (counted and reported)
     */
    public boolean append(SyslogMessage message) {
        return false;
    }

    /** A snapshot of the engine's state and counters. */
    public Health health() {
        return null;
    }

    /** The live counters. */
    public Counters counters() {
        return counters;
    }

    public EngineSettings settings() {
        return settings;
    }

    /** Stops: drains for at most {@code shutdownTimeout}, leaves the rest in the spool, never hangs. */
    @Override
    public void close() {
    }
}
