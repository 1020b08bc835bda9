package dev.sluice.transport.event;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One log event as a front-end sees it: the thin adapter that Log4j2's and Logback's appenders implement over their
 * own event type, for {@link EventMapper} to turn into a {@link dev.sluice.transport.syslog.SyslogMessage}.
 *
 * <p>An adapter is used only inside the appender's {@code append} call, on the thread that called it, and is not
 * kept: frameworks may reuse their event objects afterwards (Log4j2's async loggers do), so the mapper copies
 * everything it needs into the immutable message before {@code append} returns.
 */
public interface LogEventView {

    /** The event's own time, with the precision the framework recorded (micro or nano seconds where it has it). */
    Instant timestamp();

    /**
     * The name of the event's level as the framework has it, for {@code level="…"}: {@code TRACE}, {@code DEBUG},
     * {@code INFO}, {@code WARN}, {@code ERROR}, {@code FATAL}, or a custom Log4j2 level's own name.
     */
    String levelName();

    /**
     * The name of the framework's standard level that is nearest to the event's level, for the severity (see
     * {@link Levels}): {@link #levelName()} but for a custom level, which is given as the standard level it ranks
     * with.
     */
    default String standardLevelName() {
        return levelName();
    }

    String loggerName();

    /**
     * The name of the thread the event was logged on, as the framework captured it: behind async logging not the
     * thread that calls {@code append}. {@link AppendGuard} reads it to keep what Sluice's own threads log out.
     */
    String threadName();

    /**
     * The MSG text: the formatted message, or, when the appender has a layout for MSG, the layout's output. In the
     * second case {@link #thrown()} and {@link #thrownText()} return {@code null}: a layout writes the exception
     * itself.
     */
    String message();

    /** The event's exception, or {@code null}. */
    Throwable thrown();

    /**
     * The full stack trace of the event's exception with its causes and suppressed exceptions, or {@code null}.
     * By default rendered from {@link #thrown()} by {@link StackTraces#render(Throwable)}; an adapter over an event
     * that has only a description of the exception (a deserialized one) overrides this. Line breaks at its end are
     * removed by the mapper.
     */
    default String thrownText() {
        Throwable t = thrown();
        return t == null ? null : StackTraces.render(t);
    }

    /** The MDC (thread context) of the event; empty, never {@code null}. Read once per event. */
    Map<String, String> mdc();

    /** The names of the event's markers, in the framework's order; empty, never {@code null}. */
    List<String> markers();
}
