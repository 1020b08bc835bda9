package dev.sluice.transport.health;

/** The one-word answer to "is logging working?". */
public enum DeliveryState {
    /** Connected and delivering (or idle with nothing to deliver). */
    DELIVERING,
    /** Outside every delivery window: events are kept (spooled) until the next opening. */
    WAITING_FOR_WINDOW,
    /** Not connected; trying again with backoff. */
    DISCONNECTED,
    /** Connected, but messages are rejected or connections keep failing (for example TLS refusals). */
    FAILING,
    /** Stopped. */
    STOPPED
}
