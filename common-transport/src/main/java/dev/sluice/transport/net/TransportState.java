package dev.sluice.transport.net;

/** Where a {@link SyslogTransport}'s connection stands. */
public enum TransportState {
    /** Opening a connection (TCP connect, TLS handshake, RELP {@code open}). */
    CONNECTING,
    /** Connected and able to send. */
    CONNECTED,
    /** Not connected; waiting for the next attempt (backoff). */
    DISCONNECTED,
    /** Closed for good. */
    CLOSED
}
