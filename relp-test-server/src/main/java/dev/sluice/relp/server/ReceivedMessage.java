package dev.sluice.relp.server;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * One syslog message as the server received it: the exact octets of the RELP frame's data, where it came
 * from, and a parsed view of its syslog header ({@link ParsedSyslog}). Immutable.
 */
public final class ReceivedMessage {

    private final long index;
    private final long sessionId;
    private final int txnr;
    private final SocketAddress remoteAddress;
    private final String peerSubject;
    private final Instant receivedAt;
    private final byte[] raw;
    private final ParsedSyslog parsed;

    ReceivedMessage(long index, long sessionId, int txnr, SocketAddress remoteAddress, String peerSubject,
            Instant receivedAt, byte[] raw, ParsedSyslog parsed) {
        this.index = index;
        this.sessionId = sessionId;
        this.txnr = txnr;
        this.remoteAddress = remoteAddress;
        this.peerSubject = peerSubject;
        this.receivedAt = receivedAt;
        this.raw = raw;
        this.parsed = parsed;
    }

    /** Order of arrival at this server, from 0, across sessions and restarts (until {@code clear()}). */
    public long index() {
        return index;
    }

    /** The session (connection) it arrived on; numbered from 1 for the server's lifetime. */
    public long sessionId() {
        return sessionId;
    }

    /** The RELP transaction number of its frame. */
    public int txnr() {
        return txnr;
    }

    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** Subject of the client's TLS certificate, or {@code null} without TLS or client certificate. */
    public String peerSubject() {
        return peerSubject;
    }

    public Instant receivedAt() {
        return receivedAt;
    }

    /** A copy of the exact octets received. */
    public byte[] raw() {
        return raw.clone();
    }

    /** Number of octets received. */
    public int size() {
        return raw.length;
    }

    /** The octets received, decoded as UTF-8. */
    public String text() {
        return new String(raw, StandardCharsets.UTF_8);
    }

    /** The parsed syslog view of {@link #raw()}. */
    public ParsedSyslog parsed() {
        return parsed;
    }

    public SyslogFormat format() {
        return parsed.format();
    }

    public int facility() {
        return parsed.facility();
    }

    public int severity() {
        return parsed.severity();
    }

    /** The header's TIMESTAMP exactly as sent, or {@code null}. */
    public String timestamp() {
        return parsed.timestamp();
    }

    /** The header's TIMESTAMP as a point in time, or {@code null}; see {@link ParsedSyslog#timestampValue()}. */
    public OffsetDateTime timestampValue() {
        return parsed.timestampValue();
    }

    public String hostname() {
        return parsed.hostname();
    }

    public String appName() {
        return parsed.appName();
    }

    public String procId() {
        return parsed.procId();
    }

    public String msgId() {
        return parsed.msgId();
    }

    public List<SdElement> structuredData() {
        return parsed.structuredData();
    }

    public Optional<String> sdParam(String sdId, String name) {
        return parsed.sdParam(sdId, name);
    }

    /** The MSG part. */
    public String message() {
        return parsed.message();
    }

    @Override
    public String toString() {
        return "ReceivedMessage[#" + index + ", session " + sessionId + ", txnr " + txnr + ": " + text() + "]";
    }
}
