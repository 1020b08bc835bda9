package dev.sluice.transport.appender;

import dev.sluice.transport.delivery.DeliveryEngine;
import dev.sluice.transport.delivery.DeliveryEngines;
import dev.sluice.transport.delivery.EngineSettings;
import dev.sluice.transport.event.AppendGuard;
import dev.sluice.transport.event.EventMapper;
import dev.sluice.transport.event.LogEventView;
import dev.sluice.transport.health.Health;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * What a started appender holds, the same in both front-ends: the event mapper and a lease on the shared
 * {@link DeliveryEngine}. {@link #append} guards against our own logging, maps and hands over.
 *
 * <p>Thread-safe. {@link #close()} releases the lease; the engine stops when its last lease goes.
 */
public final class RemoteSyslogSink implements AutoCloseable {

    private final EventMapper mapper;
    private final DeliveryEngines.Lease lease;
    private final AppendGuard guard = new AppendGuard();
    /** Ends the wait of a caller blocked by {@code overflow=block}; {@code null} for none (see {@link #open}). */
    private final BooleanSupplier abandonWait;

    private RemoteSyslogSink(EventMapper mapper, DeliveryEngines.Lease lease, BooleanSupplier abandonWait) {
        this.mapper = mapper;
        this.lease = lease;
        this.abandonWait = abandonWait;
    }

    /**
     * Acquires the engine for {@code settings} from the shared registry and starts it if it is not running yet.
     *
     * @throws IllegalStateException if the engine cannot be started (its message is for the status channel)
     */
    public static RemoteSyslogSink open(EngineSettings settings, EventMapper mapper) {
        return open(settings, mapper, null);
    }

    /**
     * {@link #open(EngineSettings, EventMapper)} for a front-end whose framework, before it stops its appenders,
     * waits for every call still inside one (Log4j2's {@code AwaitCompletionReliabilityStrategy}): a caller blocked
     * by {@code overflow=block} would hold that wait for ever, the engine being stopped only by the appender's stop.
     * {@code abandonWait} is asked while such a caller waits for room (between bounded waits, never when there is
     * room); once it answers {@code true} (the framework's configuration is stopping) the caller gives up and its
     * event is dropped as at a stop. {@code null} for none.
     *
     * @throws IllegalStateException if the engine cannot be started (its message is for the status channel)
     */
    public static RemoteSyslogSink open(EngineSettings settings, EventMapper mapper, BooleanSupplier abandonWait) {
        Objects.requireNonNull(mapper, "mapper");
        return new RemoteSyslogSink(mapper, DeliveryEngines.shared().acquire(settings), abandonWait);
    }

    /**
     * Copies the event and hands it to the engine, on the caller's thread (the engine formats it there with a
     * spool, on its delivery thread without). Events appended on or logged on Sluice's own
     * threads, and events from inside this call, are ignored (see {@link AppendGuard}).
     *
     * @return {@code false} if the application's event was not taken: dropped under {@code overflow=dropNewest}, no
     *     engine (its start after a reconfiguration failed), or refused at stop (what the engine drops it counts and
     *     reports). {@code true} if the engine accepted it, or if it was our own and ignored: that is noise to keep out,
     *     not an event a front-end should fail over
     */
    public boolean append(LogEventView event) {
        AppendGuard.Cell inside = guard.enter(event.threadName());
        if (inside == null) {
            return true;
        }
        try {
            return lease.append(mapper.capture(event), inside, abandonWait);
        } finally {
            guard.exit(inside);
        }
    }

    public EventMapper mapper() {
        return mapper;
    }

    /** The engine events go to; {@code null} for the moment a reconfiguration replaces it. */
    public DeliveryEngine engine() {
        return lease.engine();
    }

    /**
     * The answer to "is logging working?" for an appender holding {@code sink}: its engine's
     * {@link DeliveryEngine#health()}, or {@link Health#stopped()} when the appender is not started ({@code sink} is
     * {@code null}) or for the moment a reconfiguration replaces the engine.
     */
    public static Health health(RemoteSyslogSink sink) {
        DeliveryEngine engine = sink == null ? null : sink.engine();
        return engine == null ? Health.stopped() : engine.health();
    }

    /**
     * Keeps the engine for the appender that will replace this one (see {@link DeliveryEngines.Lease#retire()});
     * {@link #close()} still ends this sink's use of it.
     */
    public void retire() {
        lease.retire();
    }

    @Override
    public void close() {
        lease.close();
    }
}
