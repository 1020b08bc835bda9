package dev.sluice.transport.net;

import java.net.SocketAddress;

/**
 * What a {@link SyslogTransport} reports about its messages and its connection.
 *
 * <p>All methods are called on the transport's I/O thread: return quickly, never block, and never log through
 * the application's loggers from here. Every method has a no-op default, so a listener implements only what it
 * needs.
 */
public interface DeliveryListener {

    /**
     * {@code message} is done: acknowledged with {@code 200} (RELP), or written to the socket (TCP, TLS, UDP,
     * which have no acknowledgement). Called once per message, in the order they were offered.
     */
    default void delivered(Outbound message) {
    }

    /**
     * The server refused {@code message} ({@code 500}) on every attempt, or (UDP) it is too long for one datagram; it
     * is given up and returned to the caller to be set aside. The connection stays up.
     */
    default void rejected(Outbound message, String reason) {
    }

    /** {@code message} was sent again on a new session, because the previous one ended before its ack. */
    default void resent(Outbound message) {
    }

    /**
     * {@link SyslogTransport#close(java.time.Duration)} hands {@code message} back undelivered after it was written
     * to a session without an answer (RELP) or a confirmed write (TCP, TLS): the server may have it, so whoever
     * offers it again elsewhere resends it. Called once per such message, in offer order, before {@code close}
     * returns it; the messages it returns without this call were never written.
     */
    default void handedBackSent(Outbound message) {
    }

    /**
     * {@link SyslogTransport#close(java.time.Duration)} returned {@code null}: its I/O thread was held up beyond the
     * close's bound (a listener that blocks it, a long pause) and could not hand the undelivered messages back in
     * time. These are they, in offer order, with {@link #handedBackSent} called before for those written, once the
     * I/O thread got to them; empty if there were none. Called once, on the I/O thread (or on the closing thread, if
     * the hand-back came just as it gave up waiting).
     */
    default void handedBackLate(java.util.List<Outbound> undelivered) {
    }

    /**
     * The transport has reported a batch of {@link #delivered} and {@link #rejected} calls (for example every answer
     * of one read) and written what they made room for. Called on the I/O thread after the last of them, once per
     * batch: a listener that hands outcomes to another thread can wake it once here instead of once per message.
     */
    default void reportedBatch() {
    }

    /** More messages can be offered again after {@link SyslogTransport#offer(Outbound)} returned {@code false}. */
    default void writable() {
    }

    /**
     * A session is open (after TLS and the RELP {@code open} exchange, where they apply). UDP: its socket is bound;
     * after a send failed, once a datagram is taken again.
     */
    default void connected(SocketAddress remote) {
    }

    /**
     * The session {@link #connected} before proved healthy: RELP answered one of its messages; once it had been open
     * for {@code ackTimeout}, its writes kept moving (TCP, TLS) or nothing was awaited; this side ended it on purpose
     * (a rebind, {@code connectionTtl}); UDP: the operating system took a datagram. The failed attempts
     * before it no longer count (the reconnect backoff starts again). At most once per session, and never once
     * {@link SyslogTransport#close(java.time.Duration)} was called. A session that ends without this call (its
     * transport's close aside) was a failed attempt, also when the peer ended it at once: an open session alone does
     * not show that the receiver takes messages.
     */
    default void provedHealthy() {
    }

    /** The session ended, or an attempt to open one failed; {@code reason} says why. */
    default void disconnected(String reason) {
    }

    /**
     * As {@link #disconnected(String)}, saying whether this side ended the session on purpose ({@code planned}): its
     * RELP {@code close} was answered, or a {@code rebindInterval}, {@code connectionTtl} or {@code close()} ended it.
     * A planned end is not a failure. By default calls {@link #disconnected(String)}.
     */
    default void disconnected(String reason, boolean planned) {
        disconnected(reason);
    }

    /** A TLS handshake failed; {@code reason} names the check that refused the peer. Followed by a disconnect. */
    default void tlsFailure(String reason) {
    }

    /**
     * Something the operator should know that is not a failure of a message or a session, for example that
     * {@code authMode anon} was chosen, that the own certificate has expired, or that rotated TLS files were
     * loaded. Called on the I/O thread, and also on the creating thread while a transport is created.
     */
    default void warning(String message) {
    }
}
