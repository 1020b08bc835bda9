package dev.sluice.logback;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.spi.ConfigurationEvent;
import ch.qos.logback.core.spi.ConfigurationEventListener;

import dev.sluice.transport.appender.RemoteSyslogSink;
import dev.sluice.transport.delivery.EngineSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The hand-over a Logback reconfiguration lacks. Log4j2 starts the new configuration's appenders before it stops the
 * old ones, so the engine registry ({@code DeliveryEngines}) passes the running engine on. Logback resets the context
 * first, stopping every appender, and only then reads the configuration again: closing the engine there would make
 * the reset wait for it to drain (up to {@code shutdownTimeout}) while Logback discards every event logged, and the
 * new appender would open a new connection and start its counters at zero.
 *
 * <p>So an appender stopped by a reset <em>parks</em> its sink here, engine running, and the sink is closed only once
 * the configuration that follows has started its appenders: the new ones acquire the running engine first (same
 * targets and spool: they share it; the same name with other options: they are its successor and it hands over, on
 * a spool without draining), and closing the parked lease then stops nothing or hands over. Parked sinks are closed
 *
 * <ul>
 *   <li>when the next configuration ends (Logback's {@code CONFIGURATION_ENDED_*} events), on the configuring
 *       thread, after the new appenders are attached to their loggers: a hand-over to a sharing appender or to a
 *       successor on a spool takes no time, and once the reconfiguration returns the new options apply (as in
 *       Log4j2); an engine no new appender took drains, as at any stop, while the new appenders already log;</li>
 *   <li>{@link #GRACE} after the reset when no configuration ends by then (a reset with nothing after it, or a
 *       configuration made by code rather than Joran), in the background, each on a thread of its own;</li>
 *   <li>when the context stops ({@code LoggerContext.stop()} resets, then tells its listeners): at once, on the
 *       stopping thread, draining as any stop does, since it may be the application's last.</li>
 * </ul>
 *
 * A new appender waits for a background close on its spool directory to end before it opens the spool (the closing
 * engine holds the spool's lock until then); and when the registry refuses its spool directory because a parked sink
 * holds it with other targets (a rename and a retarget at once), it closes the parked sinks on that directory first.
 *
 * <p>One per {@link LoggerContext}; thread-safe.
 */
final class ReloadHandOver implements LoggerContextListener, ConfigurationEventListener {

    /** How long a parked sink waits for a configuration after the reset. */
    static final Duration GRACE = Duration.ofSeconds(5);

    /** Beyond an engine's own {@code shutdownTimeout}, how long to wait for a background close of it. */
    private static final Duration CLOSE_MARGIN = Duration.ofSeconds(10);

    /** By context, weakly: a hand-over holds no reference to its context. */
    private static final Map<Context, ReloadHandOver> BY_CONTEXT = new WeakHashMap<>();

    private final List<Parked> parked = new ArrayList<>();
    private final List<Closing> closing = new ArrayList<>();
    /** The thread that closes in the background what is still parked at the grace's end; guarded by this. */
    private Thread waiter;

    private record Parked(EngineSettings settings, RemoteSyslogSink sink) {
    }

    private record Closing(EngineSettings settings, Thread thread) {
    }

    private ReloadHandOver() {
    }

    /**
     * The hand-over of a Logback {@link LoggerContext}, listening to it from now on; {@code null} for another kind of
     * context (the appender then stops its engine at once, as before).
     */
    static ReloadHandOver of(Context context) {
        if (!(context instanceof LoggerContext loggerContext)) {
            return null;
        }
        ReloadHandOver handOver;
        synchronized (BY_CONTEXT) {
            handOver = BY_CONTEXT.get(context);
            if (handOver == null) {
                handOver = new ReloadHandOver();
                BY_CONTEXT.put(context, handOver);
                context.addConfigurationEventListener(handOver); // a reset keeps these
            }
            // a stop of the context removes every listener, even reset-resistant ones: register again after one
            if (!loggerContext.getCopyOfListenerList().contains(handOver)) {
                loggerContext.addListener(handOver);
            }
        }
        return handOver;
    }

    /** Keeps {@code sink} running until the next configuration has started its appenders. */
    synchronized void park(EngineSettings settings, RemoteSyslogSink sink) {
        parked.add(new Parked(settings, sink));
        if (waiter == null) {
            waiter = new Thread(this::closeAfterGrace, "sluice-logback-handover");
            waiter.setDaemon(true);
            waiter.start();
        }
    }

    /**
     * Before a new appender opens {@code settings}' spool: waits for the background closes of engines on the same
     * spool directory to end, as the closing engine holds the spool until then.
     */
    void awaitClosing(EngineSettings settings) {
        Path spool = spoolOf(settings);
        if (spool == null) {
            return;
        }
        List<Closing> same;
        synchronized (this) {
            same = closing.stream().filter(c -> spool.equals(spoolOf(c.settings()))).toList();
        }
        for (Closing c : same) {
            join(c);
        }
    }

    /**
     * When the registry refused {@code settings}' spool directory: closes, at once, the parked sinks that use it.
     *
     * @return whether there was one (opening again may then succeed)
     */
    boolean closeParkedOn(EngineSettings settings) {
        Path spool = spoolOf(settings);
        if (spool == null) {
            return false;
        }
        List<Parked> on = new ArrayList<>();
        synchronized (this) {
            parked.removeIf(p -> spool.equals(spoolOf(p.settings())) && on.add(p));
        }
        on.forEach(p -> p.sink().close());
        return !on.isEmpty();
    }

    /** A configuration ended: its appenders have taken what they share; closes the parked sinks, on this thread. */
    @Override
    public void listen(ConfigurationEvent event) {
        switch (event.getEventType()) {
            case CONFIGURATION_ENDED_SUCCESSFULLY, CONFIGURATION_ENDED_WITH_XML_PARSING_ERRORS,
                    PARTIAL_CONFIGURATION_ENDED_SUCCESSFULLY -> closeParked();
            default -> {
            }
        }
    }

    /** The context stops: closes what is parked now, on this thread, and waits for the closes under way. */
    @Override
    public void onStop(LoggerContext context) {
        List<Closing> underWay;
        synchronized (this) {
            underWay = new ArrayList<>(closing);
        }
        closeParked();
        underWay.forEach(ReloadHandOver::join);
    }

    private void closeParked() {
        List<Parked> now;
        synchronized (this) {
            now = new ArrayList<>(parked);
            parked.clear();
            notifyAll(); // the waiter has nothing left to wait for
        }
        now.forEach(p -> p.sink().close());
    }

    /** The waiter: closes in the background what is still parked at the grace's end. */
    private void closeAfterGrace() {
        synchronized (this) {
            long deadline = System.nanoTime() + GRACE.toNanos();
            long left;
            while (!parked.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    break; // close now rather than never
                }
            }
            for (Parked p : parked) {
                Thread t = new Thread(() -> closeInBackground(p), "sluice-logback-handover-" + p.settings().name());
                t.setDaemon(true);
                closing.add(new Closing(p.settings(), t)); // with the taking, so awaitClosing misses none
                t.start();
            }
            parked.clear();
            waiter = null;
        }
    }

    private void closeInBackground(Parked p) {
        try {
            p.sink().close();
        } finally {
            synchronized (this) {
                closing.removeIf(c -> c.thread() == Thread.currentThread());
            }
        }
    }

    private static void join(Closing c) {
        try {
            c.thread().join(c.settings().shutdownTimeout().plus(CLOSE_MARGIN).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path spoolOf(EngineSettings settings) {
        return settings.spool() == null ? null : settings.spool().directory().toAbsolutePath().normalize();
    }

    @Override
    public boolean isResetResistant() {
        return true; // parked sinks outlive the reset that parked them
    }

    @Override
    public void onStart(LoggerContext context) {
    }

    @Override
    public void onReset(LoggerContext context) {
    }

    @Override
    public void onLevelChange(Logger logger, Level level) {
    }
}
