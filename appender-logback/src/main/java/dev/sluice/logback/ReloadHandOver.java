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
 * <p>So an appender stopped by a reset <em>parks</em> its sink here, engine running and its lease
 * {@linkplain RemoteSyslogSink#retire() retiring}, and the sink is closed only once the configuration that follows has
 * started its appenders: the new ones acquire the running engine first (the same name and options: they share it;
 * another name or other options on its targets or spool directory: they are its successor, and it hands over, on a
 * spool without draining), and closing the parked lease then stops nothing or hands over. Parked sinks are closed
 *
 * <ul>
 *   <li>when the next configuration ends well (Logback's {@code CONFIGURATION_ENDED_SUCCESSFULLY}), on the
 *       configuring thread, after the new appenders are attached to their loggers: a hand-over takes no time, and
 *       once the reconfiguration returns the new options apply (as in Log4j2); an engine no new appender took
 *       drains, as at any stop, while the new appenders already log. An end with XML errors does not close them:
 *       Logback's reload falls back to the last good configuration, which may take them;</li>
 *   <li>{@link #GRACE} after the last park when no configuration ends well by then (a reset with nothing after it,
 *       or a configuration made by code rather than Joran; a Joran configuration under way holds them up to
 *       {@link #MAX_CONFIGURING}), in the background, each on a thread of its own;</li>
 *   <li>at the JVM's exit, by a shutdown hook registered while anything is parked or closing in the background:
 *       a parked engine is hidden from the framework's own stop (Spring Boot's start may fail with it parked, and a
 *       stopped context ignores a second stop), and its daemon threads would end with the JVM;</li>
 *   <li>when the context stops ({@code LoggerContext.stop()} resets, then tells its listeners): at once, on the
 *       stopping thread, draining as any stop does, since it may be the application's last; a stop also waits for
 *       the background closes under way. Not when Spring Boot's logging initialisation stops the context, as it
 *       does before it resets and configures it again (its own shutdown still stops it as above): that stop is
 *       handled as a reset.</li>
 * </ul>
 *
 * A new appender waits for a background close on its spool directory to end before it opens the spool (the closing
 * engine holds the spool's lock until then).
 *
 * <p>One per {@link LoggerContext}; thread-safe.
 */
final class ReloadHandOver implements LoggerContextListener, ConfigurationEventListener {

    /** How long a parked sink waits for a configuration after the reset. */
    static final Duration GRACE = Duration.ofSeconds(5);

    /** How long a configuration under way (started, not ended) holds the parked sinks at most. */
    private static final Duration MAX_CONFIGURING = Duration.ofSeconds(60);

    /** Beyond an engine's own {@code shutdownTimeout}, how long to wait for a background close of it. */
    private static final Duration CLOSE_MARGIN = Duration.ofSeconds(10);

    /**
     * By context, weakly: a hand-over refers to its context only through the sinks parked in it (their diagnostics
     * report through the appender), for the grace and the close.
     */
    private static final Map<Context, ReloadHandOver> BY_CONTEXT = new WeakHashMap<>();

    private final List<Parked> parked = new ArrayList<>();
    private final List<Closing> closing = new ArrayList<>();
    /** When the grace ends, by {@link System#nanoTime()}: {@link #GRACE} after the last park; guarded by this. */
    private long graceEnd;
    /** Whether a Joran configuration has started and not ended, and since when; guarded by this. */
    private boolean configuring;
    private long configuringSince;
    /** The thread that closes in the background what is still parked at the grace's end; guarded by this. */
    private Thread waiter;
    /**
     * The context has stopped ({@link #onStop}) and no appender has started in it since; guarded by this. An
     * appender stopped then (an {@code AsyncAppender}'s worker stops its appenders after the context's stop may have
     * returned) is closed at once, not parked: no configuration follows to take it.
     */
    private boolean contextStopped;

    private record Parked(EngineSettings settings, RemoteSyslogSink sink) {
    }

    private record Closing(EngineSettings settings, Thread thread) {
    }

    /**
     * Registered with the JVM while anything is parked or closing in the background (guarded by this): at exit, it
     * closes what is parked, draining, and waits for the closes under way. Parked engines are hidden from the
     * framework's own stop, and a JVM exit would otherwise end their daemon threads with events in memory.
     */
    private Thread exitHook;

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
            handOver.listenTo(loggerContext);
        }
        synchronized (handOver) {
            handOver.contextStopped = false; // an appender starts: the context is in use again
        }
        return handOver;
    }

    /** A stop of the context removes every listener, even reset-resistant ones: registers again after one. */
    private void listenTo(LoggerContext loggerContext) {
        if (!loggerContext.getCopyOfListenerList().contains(this)) {
            loggerContext.addListener(this);
        }
    }

    /**
     * Keeps {@code sink} running until the next configuration has started its appenders; closes it at once, on this
     * thread, if the context has stopped.
     */
    void park(EngineSettings settings, RemoteSyslogSink sink) {
        synchronized (this) {
            if (!contextStopped) {
                parkNow(settings, sink);
                return;
            }
        }
        sink.close();
    }

    private void parkNow(EngineSettings settings, RemoteSyslogSink sink) {
        sink.retire();
        parked.add(new Parked(settings, sink));
        graceEnd = System.nanoTime() + GRACE.toNanos();
        if (waiter == null) {
            waiter = new Thread(this::closeAfterGrace, "sluice-logback-handover");
            waiter.setDaemon(true);
            waiter.start();
        }
        updateExitHook();
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
     * Follows Joran. A configuration that starts holds the grace (its appenders may still want the parked engines);
     * one that ends well has started its appenders: the parked sinks are closed, on this thread. One that ends with
     * XML errors may be followed at once by Logback's fallback to the last good configuration (a reset, then that
     * configuration, then {@code CONFIGURATION_ENDED_SUCCESSFULLY}): the grace starts again.
     */
    @Override
    public void listen(ConfigurationEvent event) {
        switch (event.getEventType()) {
            case CONFIGURATION_STARTED -> {
                synchronized (this) {
                    configuringSince = System.nanoTime();
                    configuring = true;
                }
            }
            case CONFIGURATION_ENDED_WITH_XML_PARSING_ERRORS -> {
                synchronized (this) {
                    configuring = false;
                    graceEnd = System.nanoTime() + GRACE.toNanos();
                    notifyAll();
                }
            }
            case CONFIGURATION_ENDED_SUCCESSFULLY, PARTIAL_CONFIGURATION_ENDED_SUCCESSFULLY -> {
                List<Parked> now;
                synchronized (this) {
                    configuring = false;
                    now = takeParked();
                }
                now.forEach(p -> p.sink().close());
            }
            default -> {
            }
        }
    }

    /**
     * The context stops: closes what is parked now, on this thread, and waits for the closes under way. Except when
     * the stop is Spring Boot's logging initialisation ({@link #SPRING_BOOT_RECONFIGURES}), which stops the context
     * only to reset and configure it at once: what is parked then waits for that configuration, as after a reset.
     */
    @Override
    public void onStop(LoggerContext context) {
        if (calledFrom(SPRING_BOOT_RECONFIGURES)) {
            return;
        }
        List<Parked> now;
        List<Closing> underWay;
        synchronized (this) { // both at once: the waiter moves none from one to the other in between
            configuring = false;
            contextStopped = true;
            now = takeParked();
            underWay = new ArrayList<>(closing);
        }
        now.forEach(p -> p.sink().close());
        underWay.forEach(ReloadHandOver::join);
    }

    /**
     * Spring Boot's {@code LogbackLoggingSystem} (2.x to 4.x) configures the context through this method, which calls
     * {@code LoggerContext.stop()} and then {@code reset()} before it configures it again; its shutdown handler stops
     * the context from another method.
     */
    static final String SPRING_BOOT_RECONFIGURES =
            "org.springframework.boot.logging.logback.LogbackLoggingSystem.stopAndReset";

    /** Whether the calling thread is inside {@code method} ({@code class.method}). */
    private static boolean calledFrom(String method) {
        int dot = method.lastIndexOf('.');
        String className = method.substring(0, dot);
        String methodName = method.substring(dot + 1);
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(
                f -> f.getMethodName().equals(methodName) && f.getClassName().equals(className)));
    }

    /** Takes the parked sinks, for the caller to close; guarded by this. */
    private List<Parked> takeParked() {
        List<Parked> now = new ArrayList<>(parked);
        parked.clear();
        notifyAll(); // the waiter has nothing left to wait for
        updateExitHook();
        return now;
    }

    /**
     * Registers {@link #exitHook} while anything is parked or closing in the background, and removes it after;
     * guarded by this. The sinks the caller of {@link #takeParked} closes on its own thread are its to finish.
     */
    private void updateExitHook() {
        boolean needed = !parked.isEmpty() || !closing.isEmpty();
        try {
            if (needed && exitHook == null) {
                Thread hook = new Thread(this::closeAtExit, "sluice-logback-handover-exit");
                Runtime.getRuntime().addShutdownHook(hook);
                exitHook = hook;
            } else if (!needed && exitHook != null) {
                Runtime.getRuntime().removeShutdownHook(exitHook);
                exitHook = null;
            }
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting: the hook registered before runs, or the closes under way end with it
        }
    }

    /** At JVM exit: closes what is parked, draining, and waits for the background closes under way. */
    void closeAtExit() {
        List<Parked> now;
        List<Closing> underWay;
        synchronized (this) {
            now = takeParked();
            underWay = new ArrayList<>(closing);
        }
        now.forEach(p -> p.sink().close());
        underWay.forEach(ReloadHandOver::join);
    }

    /** Whether the JVM would close parked engines at exit; for tests. */
    synchronized boolean closesAtExit() {
        return exitHook != null;
    }

    /**
     * The waiter: closes in the background what is still parked {@link #GRACE} after the last park, or after a
     * configuration that has not ended within {@link #MAX_CONFIGURING}.
     */
    private void closeAfterGrace() {
        synchronized (this) {
            while (!parked.isEmpty()) {
                long end = configuring ? Math.max(graceEnd, configuringSince + MAX_CONFIGURING.toNanos()) : graceEnd;
                long left = end - System.nanoTime();
                if (left <= 0) {
                    break;
                }
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
            updateExitHook();
        }
    }

    private void closeInBackground(Parked p) {
        try {
            p.sink().close();
        } finally {
            synchronized (this) {
                closing.removeIf(c -> c.thread() == Thread.currentThread());
                updateExitHook();
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
