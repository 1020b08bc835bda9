package dev.sluice.transport.health;

/** The one-word answer to "is logging working?". */
public enum DeliveryState {
    /** Connected and delivering (or idle with nothing to deliver). */
    DELIVERING,
    /** Outside every delivery window: events are kept (spooled) until the next opening. */
    WAITING_FOR_WINDOW,
    /** Not connected; trying again with backoff. */
    DISCONNECTED,
    /**
     * The receiver refused for good the last message it answered (a {@code 500} on every attempt), until it
     * acknowledges one again; or TLS handshakes fail, until a session opens.
     */
    FAILING,
    /** Stopped. */
    STOPPED
}
