package dev.sluice.transport.event;

import dev.sluice.transport.delivery.EngineEvent;
import dev.sluice.transport.syslog.Facility;
import dev.sluice.transport.syslog.SdElement;
import dev.sluice.transport.syslog.SdWriter;
import dev.sluice.transport.syslog.Severity;
import dev.sluice.transport.syslog.SyslogFields;
import dev.sluice.transport.syslog.SyslogMessage;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 *     name (a custom Log4j2 level's own); always present</td></tr>
 * <tr><td>{@code [mdc@32473 key="value" …]}</td><td>the MDC, keys sorted, each key made a valid PARAM-NAME by
 *     {@link SdElement#sanitizeName}; left out when the MDC is empty. The SD-ID is the {@code mdcId} option</td></tr>
 * <tr><td>{@code [marker@32473 name="…" …]}</td><td>one {@code name} parameter per marker, in the framework's
 *     order; left out without markers</td></tr>
 * <tr><td>MSG</td><td>the message (or the layout's output) without trailing line breaks, then, if there is an
 *     exception, LF and its full stack trace with causes and suppressed exceptions, without trailing line
 *     breaks either</td></tr>
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

    /** The message for one event; reads every part of the event once. The fields {@link #capture} formats. */
    public SyslogMessage map(LogEventView event) {
        return capture(event).fields().toMessage();
    }

    /**
     * Copies what the message needs out of {@code event}, on the caller's thread, and leaves the formatting for
     * later: the engine formats it on its delivery thread when there is no spool, or at once, on the caller's
     * thread, when there is. The event's own fields are written by the formatter as they are, without building a
     * {@link SyslogMessage} and its {@link SdElement}s. The result does not refer to {@code event}, which the
     * framework may reuse.
     */
    public EngineEvent capture(LogEventView event) {
        // A trace in the framework's own layout (a deserialized Logback event's) ends with a line separator.
        String trace = event.thrownText();
        return new Captured(this, event.timestamp(), event.levelName(), Levels.severityOf(event.standardLevelName()),
                nonNull(event.loggerName()), nonNull(event.threadName()), event.message(),
                trace == null ? null : stripTrailingLineBreaks(trace), sortedMdc(event.mdc()),
                List.copyOf(event.markers()));
    }

    private static final String[] NO_PAIRS = {};

    /**
     * The MDC as name, value, name, value..., sorted by key, each key made a PARAM-NAME, each value non-null (a
     * copy: the framework's map may change after the call).
     */
    private static String[] sortedMdc(Map<String, String> mdc) {
        if (mdc.isEmpty()) {
            return NO_PAIRS;
        }
        String[] pairs = new String[mdc.size() * 2];
        int n = 0;
        for (Map.Entry<String, String> e : mdc.entrySet()) {
            if (n == pairs.length) {
                break; // the map grew while we read it
            }
            // insertion sort by key: MDCs are small, and the keys of a map are distinct
            String key = e.getKey();
            int i = n;
            while (i > 0 && pairs[i - 2].compareTo(key) > 0) {
                pairs[i] = pairs[i - 2];
                pairs[i + 1] = pairs[i - 1];
                i -= 2;
            }
            pairs[i] = key;
            pairs[i + 1] = e.getValue();
            n += 2;
        }
        if (n < pairs.length) {
            pairs = Arrays.copyOf(pairs, n);
        }
        for (int i = 0; i < n; i += 2) {
            pairs[i] = SdElement.sanitizeName(pairs[i]);
            pairs[i + 1] = nonNull(pairs[i + 1]);
        }
        return pairs;
    }

    /**
     * An event copied by {@link #capture(LogEventView)}: immutable. It is its own {@link SyslogFields}, so the
     * formatter writes its fields and elements directly.
     */
    private record Captured(EventMapper mapper, Instant timestamp, String level, Severity severity,
            String loggerName, String threadName, String text, String trace, String[] mdcPairs,
            List<String> markers) implements EngineEvent, SyslogFields {

        @Override
        public SyslogFields fields() {
            return this;
        }

        @Override
        public ZoneOffset offset() {
            return ZoneOffset.UTC;
        }

        @Override
        public Facility facility() {
            return mapper.facility;
        }

        @Override
        public String hostname() {
            return mapper.hostname;
        }

        @Override
        public String appName() {
            return mapper.appName;
        }

        @Override
        public String procId() {
            return mapper.procId;
        }

        @Override
        public String msgId() {
            return null;
        }

        @Override
        public boolean hasStructuredData() {
            return true; // log@32473 is always there
        }

        @Override
        public void writeStructuredData(SdWriter out) {
            out.element3(LOG_ID, "logger", loggerName, "thread", threadName, "level", nonNull(level));
            if (mdcPairs.length > 0) {
                out.element(mapper.mdcId);
                for (int i = 0; i < mdcPairs.length; i += 2) {
                    out.param(mdcPairs[i], mdcPairs[i + 1]);
                }
                out.end();
            }
            if (!markers.isEmpty()) {
                out.element(MARKER_ID);
                for (int i = 0; i < markers.size(); i++) {
                    out.param("name", nonNull(markers.get(i)));
                }
                out.end();
            }
        }

        @Override
        public boolean hasSdElement(String id) {
            return id.equals(LOG_ID) || mdcPairs.length > 0 && id.equals(mapper.mdcId)
                    || !markers.isEmpty() && id.equals(MARKER_ID);
        }

        /** MSG: the text without trailing line breaks, then LF and the stack trace (stripped by capture) if any. */
        @Override
        public String message() {
            String t = stripTrailingLineBreaks(nonNull(text));
            return trace == null ? t : t.isEmpty() ? trace : t + '\n' + trace;
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
