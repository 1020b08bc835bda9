package dev.sluice.transport.delivery;

import dev.sluice.transport.event.AppendGuard;
import dev.sluice.transport.health.Counters;
import dev.sluice.transport.health.DropReason;
import dev.sluice.transport.health.StatusReporter;
import dev.sluice.transport.net.Target;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The owner of running {@link DeliveryEngine}s, shared by appenders and reference-counted (STYLE 3), so that a
 * reconfiguration, which builds and starts the new appender before it stops the old one, hands the running engine
 * over instead of opening a second spool on the same directory.
 *
 * <p><b>Key.</b> An engine is shared by every appender with the same target list (in order) and the same spool
 * directory (or none). One spool directory serves one target list: asking for a directory that a running engine
 * uses with other targets is refused, unless it is the same appender (by name) configured again.
 *
 * <p><b>Reconfiguration.</b> Log4j2 starts the new configuration's appender before it stops the old one. When the
 * new appender has the old one's name and other options ({@link EngineSettings#options()}: window, format, …; another
 * target only with the same spool directory: without a spool, other targets are another key, and so a new engine
 * from zero while the old one stops, draining), its lease is the running engine's <em>successor</em>: its events go
 * to the running engine (with a
 * spool, into the same directory) until the old appender lets go; then the old engine stops, and an engine with the
 * new settings starts on the same spool and delivers what is in it first. Events appended while one engine stops
 * and the next starts wait in the lease, in memory (up to the new {@code queueCapacity}; beyond it the new
 * {@code overflow} applies: {@code dropNewest} drops the new event, {@code dropOldest} the oldest held one, both
 * counted and announced by the new engine; {@code block} makes the caller wait for the new engine, as it would
 * wait for room in it). The held events go to the new engine without waiting for room in it: one that finds none (a
 * spool full while its receiver is down) is dropped, counted as at a stop, since a hand-over that waited would hold
 * the lease, and when it replaces a stopped engine this registry, for as long as the receiver stays away. That time
 * is kept short: with a spool the old engine stops <em>without draining</em>
 * ({@code DeliveryEngine.closeForSuccessor}): it stops accepting and delivering at once and closes its connection
 * without waiting for acknowledgements; everything not acknowledged stays in the spool, and the new engine replays
 * it (frames that were in flight may arrive twice, as around a reconnect; the sequence id tells). The wait is then
 * bounded by how long stopping and starting take without the network, not by {@code shutdownTimeout}. Without a
 * spool the old engine drains for at most its {@code shutdownTimeout}, as at any stop: that is the only way its
 * events get out. Drops the old engine counted but did not announce in-band are announced by the new one, not
 * counted again; the old engine's JMX view is unregistered before the new one's is registered. An event that
 * reaches the old engine after it stopped accepting (its thread read the lease's engine just before the hand-over)
 * is refused, not dropped, and the lease gives it to the new engine. Appenders of other
 * names with the same key share the engine of the first, with its settings, until every one has stopped (reported
 * as a warning when their options differ).
 * Logback stops the old appender before it starts the new one; its front-end keeps the old lease open through the
 * reset, {@linkplain Lease#retire() retiring}, and closes it once the new configuration has started, so the same
 * order reaches this registry. A retiring engine also passes to an appender of another name (a rename, with or
 * without other targets, on the same spool directory), as its successor. The Log4j2 front-end retires the leases of
 * the appenders a new configuration no longer has before its own appenders acquire, so that a rename there is a
 * successor too, not refused the spool nor sharing the engine with the old options.
 *
 * <p><b>An engine that stopped by itself.</b> An engine whose delivery thread failed (a bug, an {@link Error}) stops
 * and refuses every event, counting it as dropped; its health says {@code STOPPED} while leases on it are still
 * open. The next {@link #acquire} on its key, typically the reload with which the user brings logging back (the same
 * name and options would otherwise share the stopped engine for as long as the JVM runs), neither shares it nor waits
 * for its leases to close (another appender of another name on the key may never close): it replaces it at once,
 * with a new engine with the settings it ran with, as a successor replaces one: the stopped engine is closed without
 * draining (its thread has ended or is ending; it held the spool until then, so no two engines use it at once), and
 * the new one replays the spool, announces the drops the stopped one did not announce, and goes on with its counters
 * and sequence ids. Every lease on it, the ones still open from before included, goes to the new engine, and the
 * acquire then follows the rules above: the same options share it, other options of the same appender make a successor
 * that gets an engine with its own settings when the old appender lets go. A warning on the acquiring appender's status
 * channel says so, once for each engine replaced. Should the new engine fail to start, the leases from before report
 * every event as after any failed start, and the acquire starts an engine of its own as if none had been running.
 *
 * <p>Thread-safe. {@link #acquire} and {@link Lease#close()} may take as long as starting or stopping an engine
 * (bounded by {@code shutdownTimeout}; a hand-over to a successor on a spool does not drain); they are called from
 * the frameworks' start and stop, never per event.
 */
public final class DeliveryEngines {

    private static final DeliveryEngines SHARED = new DeliveryEngines(DeliveryEngine::start);

    private final Starter starter;
    private final Map<Key, Holder> running = new HashMap<>();

    /** How a registry starts an engine; {@link DeliveryEngine#start(EngineSettings, long[])} outside tests. */
    @FunctionalInterface
    public interface Starter {
        /**
         * Starts an engine for {@code settings}.
         *
         * @param inheritedDrops drops the engine replaced by a reconfiguration counted and did not announce in-band,
         *                       by {@link DropReason} ordinal, or {@code null}: the new engine announces them ahead of
         *                       the first message it sends, so they must be known before its delivery thread runs
         * @param counters       the counters of the engine replaced by a reconfiguration of the appender of the same
         *                       name, for the new engine to count on in, or {@code null}
         */
        DeliveryEngine start(EngineSettings settings, long[] inheritedDrops, Counters counters);
    }

    /** A registry of its own, with its own way of starting engines; for tests. Appenders use {@link #shared()}. */
    public DeliveryEngines(Starter starter) {
        this.starter = Objects.requireNonNull(starter, "starter");
    }

    /** The registry of this class loader, used by every appender. */
    public static DeliveryEngines shared() {
        return SHARED;
    }

    private static final String NO_ENGINE = "event(s) dropped: no delivery engine since a reconfiguration (it"
            + " failed to start; see the error reported then)";

    /**
     * A lease on the engine for these settings' targets and spool, started now if none is running.
     *
     * @throws IllegalStateException if the spool directory is in use with other targets by another appender, or
     *                               the engine fails to start; the message names the problem for the status channel
     */
    public synchronized Lease acquire(EngineSettings settings) {
        Key key = Key.of(settings);
        Holder holder = running.get(key);
        if (holder == null && key.spool != null) {
            for (Map.Entry<Key, Holder> e : running.entrySet()) {
                if (key.spool.equals(e.getKey().spool)) {
                    if (!e.getValue().settings.name().equals(settings.name()) && !e.getValue().retiring()) {
                        throw new IllegalStateException("Spool.directory: " + key.spool + " is in use by appender "
                                + e.getValue().settings.name() + " with target " + e.getKey().targetText()
                                + " (expected one spool directory per target list)");
                    }
                    holder = e.getValue(); // the same appender configured again, or one that replaces it
                }
            }
        }
        if (holder != null && holder.engine != null && holder.engine.stoppedByItself() && !replace(holder, settings)) {
            holder = null; // its replacement failed to start, and it is gone: this appender starts one of its own
        }
        if (holder == null) {
            DeliveryEngine engine;
            try {
                engine = starter.start(settings, null, null);
            } catch (RuntimeException e) {
                throw new IllegalStateException(settings.name() + ": cannot start delivery to " + key.targetText()
                        + ": " + e.getMessage(), e);
            }
            holder = new Holder(key, settings, engine);
            running.put(key, holder);
        }
        Lease lease = new Lease(settings, holder.engine);
        lease.holder = holder;
        if (isSuccessor(holder.settings, settings) || holder.retiring() && !isSame(holder.settings, settings)) {
            holder.successors.add(lease);
        } else {
            holder.leases.add(lease);
            if (!holder.settings.name().equals(settings.name()) && settings.options() != null
                    && !settings.options().equals(holder.settings.options())) {
                settings.diagnostics().warn("RemoteSyslog[" + settings.name() + "]: shares the delivery engine of"
                        + " appender " + holder.settings.name() + " (same target " + key.targetText()
                        + " and spool), which runs with that appender's options; other options of this one take"
                        + " effect only when every appender using it has stopped", null);
            }
        }
        return lease;
    }

    /**
     * Replaces the engine of {@code holder}, which stopped by itself, with a new one with the same settings, as a
     * successor replaces an engine (see the class comment); reported on the status channel of {@code by}, the
     * appender whose acquire found it. Under the registry's lock: the stopped engine accepts nothing and its thread
     * has ended or is ending, so closing it drains nothing.
     *
     * @return whether the new engine started; if not, the holder is gone and its leases report every event
     */
    private boolean replace(Holder holder, EngineSettings by) {
        DeliveryEngine stopped = holder.engine;
        holder.engine = null;
        holder.leases.forEach(Lease::waitForEngine);
        holder.successors.forEach(Lease::waitForEngine);
        stopped.closeForSuccessor(); // from now on it refuses events rather than drops them: the leases hold them
        by.diagnostics().warn("RemoteSyslog[" + by.name() + "]: the delivery engine of appender "
                + holder.settings.name() + " for " + holder.key.targetText() + " had stopped (its delivery thread"
                + " failed; see the error reported then); a new one replaces it", null);
        start(holder, stopped.takeUnannounced(), stopped.counters(), stopped.lastSequenceId());
        return holder.engine != null;
    }

    /** Whether {@code next} is a new configuration of the appender that runs with {@code current}. */
    private static boolean isSuccessor(EngineSettings current, EngineSettings next) {
        return current.name().equals(next.name()) && next.options() != null
                && !next.options().equals(current.options());
    }

    /** Whether {@code next} is the appender that runs with {@code current}, configured alike. */
    private static boolean isSame(EngineSettings current, EngineSettings next) {
        return current.name().equals(next.name()) && Objects.equals(current.options(), next.options());
    }

    /** How many engines are running (or starting); for tests and diagnostics. */
    public synchronized int runningCount() {
        return running.size();
    }

    private void release(Lease lease) {
        Holder old;
        Holder next = null;
        synchronized (this) {
            old = lease.holder;
            old.successors.remove(lease);
            if (!old.leases.remove(lease) || !old.leases.isEmpty()) {
                return;
            }
            running.remove(old.key, old);
            if (!old.successors.isEmpty()) {
                // The appender was configured again: its newest configuration's settings take over.
                EngineSettings settings = old.successors.get(old.successors.size() - 1).settings;
                next = new Holder(Key.of(settings), settings, null);
                for (Lease l : old.successors) {
                    l.holder = next;
                    l.waitForEngine();
                    (isSuccessor(settings, l.settings) ? next.successors : next.leases).add(l);
                }
                running.put(next.key, next);
            }
        }
        if (next == null) {
            if (old.engine != null) {
                old.engine.close(); // outside the lock: draining may take up to shutdownTimeout
            }
            return;
        }
        long[] unannounced = null;
        Counters counters = null;
        long lastSequenceId = 0;
        if (old.engine != null) {
            // Outside the lock. With a spool, no draining: the successor replays the spool first anyway, and
            // meanwhile the new appender's events wait in memory (see the class comment).
            old.engine.closeForSuccessor();
            unannounced = old.engine.takeUnannounced();
            lastSequenceId = old.engine.lastSequenceId(); // it accepts nothing more: the last id it will ever draw
            if (old.engine.settings().name().equals(next.settings.name())) {
                counters = old.engine.counters(); // the same appender: its counters go on (not for a rename)
            }
        }
        start(next, unannounced, counters, lastSequenceId);
    }

    /**
     * Starts the engine of a holder made by a reconfiguration, once the one before it has stopped; it announces the
     * drops that one had not announced ({@code unannounced}, or {@code null}), and counts on in that one's
     * {@code counters} (or {@code null}), so that JMX and the health API do not start again at zero, and numbers
     * events on after that one's {@code lastSequenceId}.
     */
    private void start(Holder holder, long[] unannounced, Counters counters, long lastSequenceId) {
        DeliveryEngine engine = null;
        try {
            // the inherited drops go in before the engine's thread runs: it may send a replayed record at once,
            // and the notice belongs ahead of it
            engine = starter.start(holder.settings, unannounced, counters);
            engine.continueSequenceAfter(lastSequenceId); // before the leases attach: no event has reached it
        } catch (RuntimeException e) {
            holder.settings.diagnostics().error("RemoteSyslog[" + holder.settings.name() + "]: cannot start delivery"
                    + " to " + holder.key.targetText() + " after a reconfiguration: " + e.getMessage(), e);
        }
        List<Lease> attach;
        int[] handOvers;
        boolean unused;
        synchronized (this) {
            holder.engine = engine;
            if (engine == null) {
                running.remove(holder.key, holder);
            }
            attach = new ArrayList<>(holder.leases);
            attach.addAll(holder.successors);
            // which hand-over each lease is in now: a later one (a replace of this very engine, should it stop by
            // itself at once) supersedes this attach, which may run after it (see Lease#attach)
            handOvers = new int[attach.size()];
            for (int i = 0; i < handOvers.length; i++) {
                handOvers[i] = attach.get(i).handOvers();
            }
            unused = engine != null && holder.leases.isEmpty() && holder.successors.isEmpty();
            if (unused) {
                running.remove(holder.key, holder);
            }
        }
        for (int i = 0; i < handOvers.length; i++) {
            attach.get(i).attach(engine, handOvers[i]);
        }
        if (unused) {
            engine.close(); // every appender that wanted it stopped while it started
        }
    }

    /**
     * One appender's use of a shared engine. Closing it is idempotent; the last close stops the engine. Its events
     * go through {@link #append}, which holds them for a moment when a reconfiguration replaces the engine.
     */
    public final class Lease implements AutoCloseable {
        private final EngineSettings settings;
        /** The holder this lease is counted in; guarded by the registry. */
        private Holder holder;
        /** Where events go; {@code null} while a reconfiguration replaces the engine. */
        private volatile DeliveryEngine engine;
        /** Guarded by this: events appended while {@code engine} is {@code null}, and how many did not fit. */
        private final ArrayDeque<EngineEvent> waiting = new ArrayDeque<>();
        private long lostWhileWaiting;
        /**
         * Guarded by this: under {@code overflow=block}, callers waiting for the replacing engine because
         * {@link #waiting} was full, and the events of those that {@code abandonWait} made give up (dropped as at a
         * stop, counted when the engine attaches or the lease closes).
         */
        private int blockedCallers;
        private long abandonedWhileWaiting;
        private boolean failed;
        /** Reports, rate-limited, the events dropped because the replacing engine failed to start. */
        private final StatusReporter failedReporter;
        private boolean closed;
        /** How many times a reconfiguration took this lease's engine away ({@link #waitForEngine}); guarded by this. */
        private int handOvers;
        /** Kept open only until a replacement has acquired (see {@link #retire()}); guarded by the registry. */
        private boolean retiring;

        private Lease(EngineSettings settings, DeliveryEngine engine) {
            this.settings = settings;
            this.failedReporter = new StatusReporter(settings.name(), settings.diagnostics(), settings.clock(),
                    StatusReporter.DEFAULT_INTERVAL);
            this.engine = engine;
        }

        /**
         * Marks this lease as kept open only until the appender that replaces it has acquired its own: Logback stops
         * the old appender before it starts the new one, and its front-end keeps the old lease open meanwhile; Log4j2
         * starts the new configuration first, and its front-end retires the appenders that configuration drops. While
         * every lease on an engine is retiring, an appender with another name or other options that asks for its
         * targets or its spool directory becomes its successor (it gets an engine with its own settings when the
         * retiring leases close) instead of sharing it with the old settings or being refused the spool.
         */
        public void retire() {
            synchronized (DeliveryEngines.this) {
                retiring = true;
            }
        }

        /**
         * The engine events go to; {@code null} for the moment a reconfiguration replaces it, or after the
         * replacement failed to start.
         */
        public DeliveryEngine engine() {
            return engine;
        }

        /**
         * Hands the event to the engine ({@link DeliveryEngine#append(EngineEvent)}), or holds it while a
         * reconfiguration replaces the engine: up to {@code queueCapacity} events; beyond it the overflow policy
         * applies (see the class comment), and under {@code overflow=block} the caller waits until the new engine
         * is there (then the engine's own rules apply), the lease closes, or the new engine failed to start.
         *
         * @return {@code true} if accepted (or held)
         */
        public boolean append(EngineEvent event) {
            return append(event, null, null);
        }

        /**
         * {@link #append(EngineEvent)} from inside an appender's {@code append}: {@code caller} is the calling
         * thread's cell of the appender's guard, whose buffer the engine formats in (with a spool) instead of looking
         * up a thread-local of its own; {@code null} for none. {@code abandonWait}: under {@code overflow=block}, asked
         * while the caller waits for room, or for the engine that replaces this lease's one; {@code true} ends the
         * wait and drops the event as at a stop (see {@link DeliveryEngine#appendOrRefuse}); {@code null} for none.
         */
        public boolean append(EngineEvent event, AppendGuard.Cell caller, BooleanSupplier abandonWait) {
            DeliveryEngine e = engine;
            while (true) {
                if (e == null) {
                    synchronized (this) {
                        e = engine;
                        if (e == null) {
                            int held = hold(event, abandonWait);
                            if (held != DeliveryEngine.REFUSED) {
                                return held == DeliveryEngine.ACCEPTED;
                            }
                            e = engine;
                        }
                    }
                }
                int result = e.appendOrRefuse(event, caller, abandonWait);
                if (result != DeliveryEngine.REFUSED) {
                    return result == DeliveryEngine.ACCEPTED;
                }
                // The engine read above was handed over to a successor meanwhile (this lease no longer points at it:
                // waitForEngine comes first): the event is held for the successor, or given to it.
                DeliveryEngine refused = e;
                e = engine;
                if (e == refused) {
                    return e.append(event); // cannot happen; counted as dropped at shutdown, not lost silently
                }
            }
        }

        /**
         * Holds {@code event} for the engine that replaces this lease's one; the caller holds this lease's monitor
         * and saw no engine. Beyond {@code queueCapacity} held events the overflow policy applies; under
         * {@code block} the caller waits, as the engine's own block loop does (bounded waits that ask
         * {@code abandonWait} in between; an interrupt does not end the wait, it is kept for the caller), until
         * {@link #attach} or {@link #close} wakes it.
         *
         * @return {@link DeliveryEngine#ACCEPTED} if held, {@link DeliveryEngine#DROPPED} if dropped (counted and
         *     reported, now or when the engine attaches or the lease closes), or {@link DeliveryEngine#REFUSED} if
         *     the new engine attached while the caller waited: the event is for it
         */
        private int hold(EngineEvent event, BooleanSupplier abandonWait) {
            boolean blocked = false;
            boolean interrupted = false;
            try {
                while (true) {
                    if (blocked && closed) {
                        return DeliveryEngine.DROPPED; // in the count close reported, whatever came first
                    }
                    if (engine != null) {
                        return DeliveryEngine.REFUSED;
                    }
                    if (failed) {
                        // counted and reported (rate-limited), not silent: see attach
                        failedReporter.warning(settings.targets().toString(), NO_ENGINE);
                        return DeliveryEngine.DROPPED;
                    }
                    if (closed) {
                        return DeliveryEngine.DROPPED;
                    }
                    if (waiting.size() < settings.queueCapacity()) {
                        waiting.addLast(event);
                        return DeliveryEngine.ACCEPTED;
                    }
                    switch (settings.overflow()) {
                        case DROP_NEWEST -> {
                            lostWhileWaiting++; // counted and announced by the new engine: see attach
                            return DeliveryEngine.DROPPED;
                        }
                        case DROP_OLDEST -> {
                            waiting.pollFirst();
                            lostWhileWaiting++;
                            waiting.addLast(event);
                            return DeliveryEngine.ACCEPTED;
                        }
                        case BLOCK -> {
                            if (abandonWait != null && abandonWait.getAsBoolean()) {
                                abandonedWhileWaiting++;
                                return DeliveryEngine.DROPPED;
                            }
                            if (!blocked) {
                                blocked = true;
                                blockedCallers++;
                            }
                            try {
                                // bounded only so that abandonWait is asked again; attach and close notify
                                TimeUnit.NANOSECONDS.timedWait(this, DeliveryEngine.NOT_FULL_RECHECK_NANOS);
                            } catch (InterruptedException x) {
                                interrupted = true;
                            }
                        }
                    }
                }
            } finally {
                if (blocked) {
                    blockedCallers--;
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private synchronized void waitForEngine() {
            engine = null;
            handOvers++;
        }

        private synchronized int handOvers() {
            return handOvers;
        }

        /**
         * The replacing engine started (or failed to, {@code null}): events held meanwhile go to it, in order, without
         * waiting for room (see {@link DeliveryEngine#appendWithoutWaiting}). Nothing, if {@code handOver} is not
         * this lease's current hand-over: a later one attached it already (to the engine that replaced this one).
         */
        private void attach(DeliveryEngine next, int handOver) {
            long lost;
            long abandoned;
            synchronized (this) {
                if (handOver != handOvers) {
                    return;
                }
                if (next == null) {
                    failed = true;
                    lostWhileWaiting += waiting.size();
                    waiting.clear();
                }
                lost = lostWhileWaiting;
                lostWhileWaiting = 0;
                abandoned = abandonedWhileWaiting;
                abandonedWhileWaiting = 0;
                if (next != null) {
                    // counted first, so that the in-band notice of the hole goes out ahead of the events after it:
                    // beyond queueCapacity while it was replaced, and callers that gave up waiting (abandonWait)
                    next.countDropped(DropReason.QUEUE_FULL, lost);
                    next.countDropped(DropReason.SHUTDOWN, abandoned);
                    for (EngineEvent event : waiting) {
                        // never a wait under this monitor (callers blocked in hold() need it to give up) nor, in a
                        // replace, under the registry's lock: what finds no room is dropped, counted as at a stop
                        next.appendWithoutWaiting(event);
                    }
                    waiting.clear();
                }
                engine = next;
                notifyAll(); // callers blocked by overflow=block: on to the new engine, or dropped if it failed
            }
            if (next == null) {
                for (long i = 0; i < lost + abandoned; i++) {
                    failedReporter.warning(settings.targets().toString(), NO_ENGINE);
                }
            }
        }

        @Override
        public void close() {
            long lost;
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                // the held events, those dropped for lack of room while held (the new engine would have counted
                // them, but may never get this lease), those whose callers gave up waiting, and the callers still
                // blocked by overflow=block (woken here, they see the lease closed and drop theirs)
                lost = (engine == null && !failed ? waiting.size() + lostWhileWaiting + abandonedWhileWaiting : 0)
                        + blockedCallers;
                // gone with the lease, as the warning says: a replacement that started meanwhile must not send them
                // after all, nor count them again (attach may still come, with the lease in its list)
                waiting.clear();
                lostWhileWaiting = 0;
                abandonedWhileWaiting = 0;
                notifyAll();
            }
            if (lost > 0) {
                settings.diagnostics().warn("RemoteSyslog[" + settings.name() + "]: " + lost + " event(s) dropped:"
                        + " the appender stopped while its engine was replaced after a reconfiguration", null);
            }
            release(this);
        }
    }

    private static final class Holder {
        final Key key;
        /** The settings the engine runs with. */
        final EngineSettings settings;
        /** {@code null} while it starts after a reconfiguration; guarded by the registry. */
        DeliveryEngine engine;
        /** Leases that use the engine as it is. */
        final List<Lease> leases = new ArrayList<>();
        /** Leases of a new configuration of the same appender, waiting for {@link #leases} to go. */
        final List<Lease> successors = new ArrayList<>();

        /** Whether every lease that uses the engine is {@linkplain Lease#retire() retiring}; guarded by the registry. */
        boolean retiring() {
            return !leases.isEmpty() && leases.stream().allMatch(l -> l.retiring);
        }

        Holder(Key key, EngineSettings settings, DeliveryEngine engine) {
            this.key = key;
            this.settings = settings;
            this.engine = engine;
        }
    }

    private record Key(List<Target> targets, Path spool) {
        static Key of(EngineSettings settings) {
            return new Key(settings.targets(), settings.spool() == null ? null
                    : settings.spool().directory().toAbsolutePath().normalize());
        }

        String targetText() {
            return targets.stream().map(Target::toString).reduce((a, b) -> a + "," + b).orElse("");
        }
    }
}
