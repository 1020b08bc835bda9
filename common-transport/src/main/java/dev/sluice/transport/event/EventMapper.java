package dev.sluice.transport.event;

import dev.sluice.transport.delivery.EngineEvent;
import dev.sluice.transport.syslog.Facility;
import dev.sluice.transport.syslog.SdElement;
import dev.sluice.transport.syslog.SdParam;
import dev.sluice.transport.syslog.StructuredData;
import dev.sluice.transport.syslog.Severity;
import dev.sluice.transport.syslog.SyslogMessage;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Turns a {@link LogEventView} into a {@link SyslogMessage}: the one definition of the event mapping, used by both
 * front-ends, so that the same event gives the same octets whichever framework logged it.
 *
 * <table>
 * <caption>What goes where</caption>
 * <tr><th>syslog field</th><th>from</th></tr>
 * <tr><td>PRI</td><td>the configured {@code facility}; the severity from the level by {@link Levels}' table
 *     (FATAL 2, ERROR 3, WARN 4, INFO 6, DEBUG and TRACE 7)</td></tr>
 * <tr><td>TIMESTAMP</td><td>the event's own time (never the send time), in UTC, to the microsecond</td></tr>
 * <tr><td>HOSTNAME, APP-NAME</td><td>{@code hostname} and {@code appName}, configured or discovered once</td></tr>
 * <tr><td>PROCID</td><td>this JVM's process id</td></tr>
 * <tr><td>MSGID</td><td>none (NILVALUE)</td></tr>
 * <tr><td>{@code [log@32473 logger="…" thread="…" level="…"]}</td><td>logger name, thread name and the level's
 *     name; always present</td></tr>
 * <tr><td>{@code [mdc@32473 key="value" …]}</td><td>the MDC, keys sorted, each key made a valid PARAM-NAME by
 *     {@link SdElement#sanitizeName}; left out when the MDC is empty. The SD-ID is the {@code mdcId} option</td></tr>
 * <tr><td>{@code [marker@32473 name="…" …]}</td><td>one {@code name} parameter per marker, in the framework's
 *     order; left out without markers</td></tr>
 * <tr><td>MSG</td><td>the message (or the layout's output) without trailing line breaks, then, if there is an
 *     exception, LF and its full stack trace with causes and suppressed exceptions</td></tr>
 * </table>
 * The engine adds {@code [meta sequenceId="n"]} when {@code sequenceIds} is on. 32473 is the example enterprise
 * number of RFC 5612.
 *
 * <p>Immutable and thread-safe. {@link #map} runs on the application's thread; {@link #capture} copies the event's
 * parts there and maps them when the engine asks, on its delivery thread when there is no spool.
 */
public final class EventMapper {

    /** Default {@code mdcId}: the SD-ID of the MDC element. */
    public static final String DEFAULT_MDC_ID = "mdc@32473";
    /** SD-ID of the element with logger, thread and level. */
    public static final String LOG_ID = "log@32473";
    /** SD-ID of the element with the markers. */
    public static final String MARKER_ID = "marker@32473";

    private final Facility facility;
    private final String hostname;
    private final String appName;
    private final String procId;
    private final String mdcId;

    private EventMapper(Builder b) {
        this.facility = b.facility;
        this.hostname = b.hostname;
        this.appName = b.appName;
        this.procId = b.procId;
        this.mdcId = b.mdcId;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Facility facility() {
        return facility;
    }

    public String hostname() {
        return hostname;
    }

    public String appName() {
        return appName;
    }

    public String procId() {
        return procId;
    }

    public String mdcId() {
        return mdcId;
    }

    /** The message for one event; reads every part of the event once. */
    public SyslogMessage map(LogEventView event) {
        return build(event.timestamp(), event.levelName(), event.loggerName(), event.threadName(), event.message(),
                event.thrownText(), pairs(event.mdc()), event.markers());
    }

    /**
     * Copies what the message needs out of {@code event}, on the caller's thread, and leaves the mapping and
     * formatting for later: the engine formats it on its delivery thread when there is no spool. The same message
     * as {@link #map(LogEventView)}; the result does not refer to {@code event}, which the framework may reuse.
     */
    public EngineEvent capture(LogEventView event) {
        String level = event.levelName();
        return new Captured(this, event.timestamp(), level, Levels.severityOf(level), event.loggerName(),
                event.threadName(), event.message(), event.thrownText(), pairs(event.mdc()),
                List.copyOf(event.markers()));
    }

    private SyslogMessage build(Instant timestamp, String level, String loggerName, String threadName,
            String message, String trace, String[] mdcPairs, List<String> markers) {
        SyslogMessage.Builder m = SyslogMessage.builder()
                .timestamp(timestamp, ZoneOffset.UTC)
                .facility(facility)
                .severity(Levels.severityOf(level))
                .hostname(hostname)
                .appName(appName)
                .procId(procId);
        SdElement log = new SdElement(LOG_ID, List.of(new SdParam("logger", nonNull(loggerName)),
                new SdParam("thread", nonNull(threadName)), new SdParam("level", nonNull(level))));
        SdElement mdc = null;
        SdElement marker = null;
        if (mdcPairs.length > 0) {
            TreeMap<String, String> sorted = new TreeMap<>();
            for (int i = 0; i < mdcPairs.length; i += 2) {
                sorted.put(mdcPairs[i], mdcPairs[i + 1]);
            }
            List<SdParam> params = new ArrayList<>(sorted.size());
            for (Map.Entry<String, String> e : sorted.entrySet()) {
                params.add(new SdParam(SdElement.sanitizeName(e.getKey()), nonNull(e.getValue())));
            }
            mdc = new SdElement(mdcId, params);
        }
        if (!markers.isEmpty()) {
            List<SdParam> params = new ArrayList<>(markers.size());
            for (String name : markers) {
                params.add(new SdParam("name", nonNull(name)));
            }
            marker = new SdElement(MARKER_ID, params);
        }
        // built once rather than element by element (each addSdElement copies the list)
        m.structuredData(mdc == null && marker == null ? StructuredData.of(log)
                : mdc == null ? StructuredData.of(log, marker)
                : marker == null ? StructuredData.of(log, mdc) : StructuredData.of(log, mdc, marker));
        String text = stripTrailingLineBreaks(nonNull(message));
        m.message(trace == null ? text : text.isEmpty() ? trace : text + '\n' + trace);
        return m.build();
    }

    private static final String[] NO_PAIRS = {};

    /** The MDC as key, value, key, value... (a copy: the framework's map may change after the call). */
    private static String[] pairs(Map<String, String> mdc) {
        if (mdc.isEmpty()) {
            return NO_PAIRS;
        }
        String[] pairs = new String[mdc.size() * 2];
        int i = 0;
        for (Map.Entry<String, String> e : mdc.entrySet()) {
            if (i == pairs.length) {
                break; // the map grew while we read it
            }
            pairs[i++] = e.getKey();
            pairs[i++] = e.getValue();
        }
        return i == pairs.length ? pairs : Arrays.copyOf(pairs, i);
    }

    /** An event copied by {@link #capture(LogEventView)}: immutable, mapped when the engine asks. */
    private record Captured(EventMapper mapper, Instant timestamp, String level, Severity severity,
            String loggerName, String threadName, String text, String trace, String[] mdcPairs,
            List<String> markers) implements EngineEvent {

        @Override
        public SyslogMessage message() {
            return mapper.build(timestamp, level, loggerName, threadName, text, trace, mdcPairs, markers);
        }

        @Override
        public int sizeEstimate() {
            long n = 128 + length(level) + length(loggerName) + length(threadName) + length(text) + length(trace);
            for (String s : mdcPairs) {
                n += 4 + length(s);
            }
            for (String s : markers) {
                n += 8 + length(s);
            }
            return (int) Math.min(Integer.MAX_VALUE, n);
        }

        private static int length(String s) {
            return s == null ? 0 : s.length();
        }
    }

    static String stripTrailingLineBreaks(String text) {
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return text.substring(0, end);
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    @Override
    public String toString() {
        return "EventMapper[" + facility + ", hostname=" + hostname + ", appName=" + appName + ", procId=" + procId
                + ", mdcId=" + mdcId + "]";
    }

    /** Builder; defaults: facility USER, this JVM's pid, {@value #DEFAULT_MDC_ID}, no hostname or appName. */
    public static final class Builder {
        private Facility facility = SyslogMessage.DEFAULT_FACILITY;
        private String hostname;
        private String appName;
        private String procId = Long.toString(ProcessHandle.current().pid());
        private String mdcId = DEFAULT_MDC_ID;

        private Builder() {
        }

        public Builder facility(Facility facility) {
            this.facility = Objects.requireNonNull(facility, "facility");
            return this;
        }

        public Builder hostname(String hostname) {
            this.hostname = hostname;
            return this;
        }

        public Builder appName(String appName) {
            this.appName = appName;
            return this;
        }

        public Builder procId(String procId) {
            this.procId = procId;
            return this;
        }

        /** @throws IllegalArgumentException if {@code mdcId} is not a valid SD-ID */
        public Builder mdcId(String mdcId) {
            SdElement.of(mdcId); // checks the name
            this.mdcId = mdcId;
            return this;
        }

        public EventMapper build() {
            return new EventMapper(this);
        }
    }
}
