package dev.sluice.transport.delivery;

import dev.sluice.transport.syslog.SdElement;
import dev.sluice.transport.syslog.SdParam;
import dev.sluice.transport.syslog.Severity;
import dev.sluice.transport.syslog.SyslogFields;
import dev.sluice.transport.syslog.SyslogMessage;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One event as the {@link DeliveryEngine} takes it: its time and severity at once (for the urgent lane and health),
 * its {@link SyslogFields} when the engine needs the octets.
 *
 * <p>The engine asks for {@link #fields()} when it formats: with a spool on the caller's thread inside
 * {@link DeliveryEngine#append(EngineEvent)} (the formatted record is what the spool makes durable), without one
 * later, on the engine's delivery thread. So an implementation must hold a copy of everything it needs, never a
 * reference to a framework event that may be reused, and must be safe to read from another thread (immutable).
 */
public interface EngineEvent {

    /** The event's own time: the RFC 5424 TIMESTAMP and the age health reports. */
    Instant timestamp();

    /** The event's severity, for {@code urgentLevel}. */
    Severity severity();

    /**
     * What to format: a {@link SyslogMessage} or an event's own {@link SyslogFields}. Called when the engine formats
     * the event (once, or twice when a guessed sequence id must be replaced), possibly on another thread than the
     * one that appended.
     */
    SyslogFields fields();

    /**
     * About how many octets the event holds in memory, counted against the in-memory queue's byte bound until the
     * message is formatted. Need not be exact; must not change.
     */
    int sizeEstimate();

    /** An already built message as an event. */
    static EngineEvent of(SyslogMessage message) {
        return new Built(message);
    }

    /** A rough size of a message in memory: its text, structured data and header, in characters. */
    static int sizeEstimate(SyslogMessage m) {
        long n = 64 + length(m.hostname()) + length(m.appName()) + length(m.procId()) + length(m.msgId())
                + length(m.message());
        List<SdElement> elements = m.structuredData().elements();
        for (int i = 0; i < elements.size(); i++) {
            SdElement e = elements.get(i);
            n += 3 + e.id().length();
            List<SdParam> params = e.params();
            for (int j = 0; j < params.size(); j++) {
                n += 4 + params.get(j).name().length() + params.get(j).value().length();
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    /** {@link #of(SyslogMessage)}. */
    record Built(SyslogMessage message) implements EngineEvent {
        public Built {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public SyslogFields fields() {
            return message;
        }

        @Override
        public Instant timestamp() {
            return message.timestamp();
        }

        @Override
        public Severity severity() {
            return message.severity();
        }

        @Override
        public int sizeEstimate() {
            return EngineEvent.sizeEstimate(message);
        }
    }
}
