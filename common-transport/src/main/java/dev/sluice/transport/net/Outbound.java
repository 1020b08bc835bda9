package dev.sluice.transport.net;

import java.util.Objects;

/**
 * One message handed to a {@link SyslogTransport}: the formatted syslog octets, without framing, and the
 * caller's identifier (for example its spool position or sequence id), by which outcomes are reported.
 *
 * <p>The transport never modifies {@code payload}; the caller must not modify it after handing it over.
 *
 * @param id      the caller's identifier, reported back through {@link DeliveryListener}
 * @param payload the syslog message octets (RFC 5424 or RFC 3164), without octet count or trailing LF
 */
public record Outbound(long id, byte[] payload) {

    public Outbound {
        Objects.requireNonNull(payload, "payload");
    }

    /** Number of payload octets. */
    public int size() {
        return payload.length;
    }

    @Override
    public String toString() {
        return "Outbound[id=" + id + ", size=" + payload.length + "]";
    }
}
