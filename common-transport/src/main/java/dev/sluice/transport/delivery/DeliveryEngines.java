package dev.sluice.transport.delivery;

import dev.sluice.transport.net.Target;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The owner of running {@link DeliveryEngine}s, shared by appenders and reference-counted (STYLE 3), so that a
 * reconfiguration, which builds and starts the new appender before it stops the old one, hands the running engine
 * over instead of opening a second spool on the same directory.
 *
 * <p><b>Key.</b> An engine is shared by every appender with the same target list (in order) and the same spool
 * directory (or none). The first appender's {@link EngineSettings} are the engine's for as long as it runs: an
 * appender that joins a running engine with other options (format, windows, timeouts) gets the running ones, until
 * every appender using it has stopped. One spool directory serves one target list: asking for a directory that a
 * running engine uses with other targets is refused.
 *
 * <p>Thread-safe. {@link #acquire} and {@link Lease#close()} may take as long as starting or stopping an engine
 * (bounded by {@code shutdownTimeout}); they are called from the frameworks' start and stop, never per event.
 */
public final class DeliveryEngines {

    private static final DeliveryEngines SHARED = new DeliveryEngines(DeliveryEngine::start);

    private final Function<EngineSettings, DeliveryEngine> starter;
    private final Map<Key, Holder> running = new HashMap<>();

    /** A registry of its own, with its own way of starting engines; for tests. Appenders use {@link #shared()}. */
    public DeliveryEngines(Function<EngineSettings, DeliveryEngine> starter) {
        this.starter = Objects.requireNonNull(starter, "starter");
    }

    /** The registry of this class loader, used by every appender. */
    public static DeliveryEngines shared() {
        return SHARED;
    }

    /**
     * A lease on the engine for these settings' targets and spool, started now if none is running.
     *
     * @throws IllegalStateException if the spool directory is in use with other targets, or the engine fails to
     *                               start; the message names the problem for the status channel
     */
    public synchronized Lease acquire(EngineSettings settings) {
        Key key = Key.of(settings);
        Holder holder = running.get(key);
        if (holder == null) {
            if (key.spool != null) {
                for (Map.Entry<Key, Holder> e : running.entrySet()) {
                    if (key.spool.equals(e.getKey().spool)) {
                        throw new IllegalStateException("Spool.directory: " + key.spool + " is in use by appender "
                                + e.getValue().engine.settings().name() + " with target " + e.getKey().targetText()
                                + " (expected one spool directory per target list)");
                    }
                }
            }
            DeliveryEngine engine;
            try {
                engine = starter.apply(settings);
            } catch (RuntimeException e) {
                throw new IllegalStateException(settings.name() + ": cannot start delivery to " + key.targetText()
                        + ": " + e.getMessage(), e);
            }
            holder = new Holder(engine);
            running.put(key, holder);
        }
        holder.leases++;
        return new Lease(key, holder);
    }

    /** How many engines are running; for tests and diagnostics. */
    public synchronized int runningCount() {
        return running.size();
    }

    private void release(Key key, Holder holder) {
        DeliveryEngine toClose = null;
        synchronized (this) {
            holder.leases--;
            if (holder.leases == 0) {
                running.remove(key, holder);
                toClose = holder.engine;
            }
        }
        if (toClose != null) {
            toClose.close(); // outside the lock: draining may take up to shutdownTimeout
        }
    }

    /** One appender's use of a shared engine. Closing it is idempotent; the last close stops the engine. */
    public final class Lease implements AutoCloseable {
        private final Key key;
        private final Holder holder;
        private boolean closed;

        private Lease(Key key, Holder holder) {
            this.key = key;
            this.holder = holder;
        }

        public DeliveryEngine engine() {
            return holder.engine;
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            release(key, holder);
        }
    }

    private static final class Holder {
        final DeliveryEngine engine;
        int leases;

        Holder(DeliveryEngine engine) {
            this.engine = engine;
        }
    }

    private record Key(List<Target> targets, Path spool) {
        static Key of(EngineSettings settings) {
            return new Key(settings.targets(), settings.spool() == null ? null
                    : settings.spool().directory().normalize());
        }

        String targetText() {
            return targets.stream().map(Target::toString).reduce((a, b) -> a + "," + b).orElse("");
        }
    }
}
