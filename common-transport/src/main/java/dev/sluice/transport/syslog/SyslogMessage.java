package dev.sluice.transport.syslog;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;

/**
 * One syslog message, independent of its wire format: the general {@link SyslogFields}, for messages built in code
 * (engine notices, tests, {@code EventMapper.map}). The appenders' events do not go through it: they are formatted
 * from their own fields. Immutable and thread-safe.
 *
 * <p>Building is cheap: the builder only stores references
 * (and checks the structured data for duplicate SD-IDs when elements are added one by one). No text is cleaned,
 * cut or encoded here; the formatters do that on the I/O side, where the RFC limits are applied:
 * <ul>
 *   <li>{@code hostname}, {@code appName}, {@code procId}, {@code msgId}: any text; {@code null} or empty is the
 *       NILVALUE. The formatter keeps printable US-ASCII and trims to the RFC 5424 octet limits.</li>
 *   <li>{@code timestamp} and {@code offset}: the event's own time (never the send time) and the UTC offset it is
 *       shown in. The formatter writes microseconds at most (RFC 5424 allows 6 fraction digits); the nanoseconds
 *       below are cut, not rounded. The timestamp is required.</li>
 *   <li>{@code message}: the MSG, any text, or {@code null}/empty for none.</li>
 * </ul>
 */
public final class SyslogMessage implements SyslogFields {

    /** Facility of a message that does not set one: {@link Facility#USER}, as DESIGN's {@code facility} option. */
    public static final Facility DEFAULT_FACILITY = Facility.USER;
    /** Severity of a message that does not set one: {@link Severity#NOTICE} (PRI 13, the RFC 3164 default). */
    public static final Severity DEFAULT_SEVERITY = Severity.NOTICE;

    private final Instant timestamp;
    private final ZoneOffset offset;
    private final Facility facility;
    private final Severity severity;
    private final String hostname;
    private final String appName;
    private final String procId;
    private final String msgId;
    private final StructuredData structuredData;
    private final String message;

    private SyslogMessage(Builder b) {
        this.timestamp = Objects.requireNonNull(b.timestamp, "timestamp");
        this.offset = b.offset;
        this.facility = b.facility;
        this.severity = b.severity;
        this.hostname = b.hostname;
        this.appName = b.appName;
        this.procId = b.procId;
        this.msgId = b.msgId;
        this.structuredData = b.structuredData;
        this.message = b.message;
    }

    /** A new builder; facility {@code USER}, severity {@code NOTICE}, offset UTC, everything else empty. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this message's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.timestamp = timestamp;
        b.offset = offset;
        b.facility = facility;
        b.severity = severity;
        b.hostname = hostname;
        b.appName = appName;
        b.procId = procId;
        b.msgId = msgId;
        b.structuredData = structuredData;
        b.message = message;
        return b;
    }

    /** The event's time. */
    @Override
    public Instant timestamp() {
        return timestamp;
    }

    /** The UTC offset the timestamp is written in. */
    @Override
    public ZoneOffset offset() {
        return offset;
    }

    /** {@link #timestamp()} at {@link #offset()}. Allocates; for display and tests. */
    public OffsetDateTime offsetDateTime() {
        return OffsetDateTime.ofInstant(timestamp, offset);
    }

    @Override
    public Facility facility() {
        return facility;
    }

    @Override
    public Severity severity() {
        return severity;
    }

    /** PRI value: facility * 8 + severity, 0-191. */
    @Override
    public int priority() {
        return facility.code() * 8 + severity.code();
    }

    /** HOSTNAME as given (not yet cleaned), or {@code null}. */
    @Override
    public String hostname() {
        return hostname;
    }

    /** APP-NAME as given (not yet cleaned), or {@code null}. */
    @Override
    public String appName() {
        return appName;
    }

    /** PROCID as given (not yet cleaned), or {@code null}. */
    @Override
    public String procId() {
        return procId;
    }

    /** MSGID as given (not yet cleaned), or {@code null}. */
    @Override
    public String msgId() {
        return msgId;
    }

    /** STRUCTURED-DATA; {@link StructuredData#EMPTY} when there is none, never {@code null}. */
    public StructuredData structuredData() {
        return structuredData;
    }

    /** MSG, or {@code null}. */
    @Override
    public String message() {
        return message;
    }

    @Override
    public boolean hasStructuredData() {
        return !structuredData.isEmpty();
    }

    @Override
    public void writeStructuredData(SdWriter out) {
        // indexed loops: no iterator per event on the I/O path
        List<SdElement> elements = structuredData.elements();
        for (int i = 0; i < elements.size(); i++) {
            SdElement e = elements.get(i);
            out.element(e.id());
            List<SdParam> params = e.params();
            for (int j = 0; j < params.size(); j++) {
                SdParam p = params.get(j);
                out.param(p.name(), p.value());
            }
            out.end();
        }
    }

    @Override
    public boolean hasSdElement(String id) {
        return structuredData.has(id);
    }

    /** This message itself. */
    @Override
    public SyslogMessage toMessage() {
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SyslogMessage m
                && timestamp.equals(m.timestamp) && offset.equals(m.offset)
                && facility == m.facility && severity == m.severity
                && Objects.equals(hostname, m.hostname) && Objects.equals(appName, m.appName)
                && Objects.equals(procId, m.procId) && Objects.equals(msgId, m.msgId)
                && structuredData.equals(m.structuredData) && Objects.equals(message, m.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(timestamp, offset, facility, severity, hostname, appName, procId, msgId,
                structuredData, message);
    }

    @Override
    public String toString() {
        return "SyslogMessage[" + facility + "." + severity + " " + offsetDateTime() + " host=" + hostname
                + " app=" + appName + " procId=" + procId + " msgId=" + msgId + " sd=" + structuredData.elements()
                + " msg=" + message + "]";
    }

    /** Builder of {@link SyslogMessage}; not thread-safe. Setters take {@code null} for "none" where allowed. */
    public static final class Builder {
        private Instant timestamp;
        private ZoneOffset offset = ZoneOffset.UTC;
        private Facility facility = DEFAULT_FACILITY;
        private Severity severity = DEFAULT_SEVERITY;
        private String hostname;
        private String appName;
        private String procId;
        private String msgId;
        private StructuredData structuredData = StructuredData.EMPTY;
        private String message;

        private Builder() {
        }

        /** The event's time, keeping the current offset (UTC unless set). */
        public Builder timestamp(Instant timestamp) {
            this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
            return this;
        }

        /** The event's time and the offset to write it in. */
        public Builder timestamp(Instant timestamp, ZoneOffset offset) {
            this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
            this.offset = Objects.requireNonNull(offset, "offset");
            return this;
        }

        /** The event's time and the offset to write it in. */
        public Builder timestamp(OffsetDateTime timestamp) {
            return timestamp(timestamp.toInstant(), timestamp.getOffset());
        }

        /** The offset to write the timestamp in. */
        public Builder offset(ZoneOffset offset) {
            this.offset = Objects.requireNonNull(offset, "offset");
            return this;
        }

        public Builder facility(Facility facility) {
            this.facility = Objects.requireNonNull(facility, "facility");
            return this;
        }

        public Builder severity(Severity severity) {
            this.severity = Objects.requireNonNull(severity, "severity");
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

        public Builder msgId(String msgId) {
            this.msgId = msgId;
            return this;
        }

        /** Replaces the structured data; {@code null} means none. */
        public Builder structuredData(StructuredData structuredData) {
            this.structuredData = structuredData == null ? StructuredData.EMPTY : structuredData;
            return this;
        }

        /**
         * Adds one SD-ELEMENT after those already set.
         *
         * @throws IllegalArgumentException if an element with the same SD-ID is already present
         */
        public Builder addSdElement(SdElement element) {
            this.structuredData = structuredData.with(element);
            return this;
        }

        public Builder message(String message) {
            this.message = message;
            return this;
        }

        /**
         * The message.
         *
         * @throws NullPointerException if no timestamp was set
         */
        public SyslogMessage build() {
            return new SyslogMessage(this);
        }
    }
}
