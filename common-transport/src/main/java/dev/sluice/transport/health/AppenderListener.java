package dev.sluice.transport.health;

/**
 * What happens to one appender's events and connections, for counters, JMX, status messages and users' own
 * monitoring. Every method has a no-op default.
 *
 * <p>Called on the delivery or I/O thread (and {@link #accepted}/{@link #dropped} on the application's thread):
 * return quickly, never block, and never log through the application's loggers from here — that would loop
 * back into the appender.
 */
public interface AppenderListener {

    /** An event was taken by {@code append} and given {@code sequenceId}. */
    default void accepted(long sequenceId) {
    }

    /** {@code count} events were dropped for {@code reason}. */
    default void dropped(DropReason reason, long count) {
    }

    /** A message was cut from {@code originalOctets} to {@code octets} ({@code maxMessageSize}). */
    default void truncated(long sequenceId, int originalOctets, int octets) {
    }

    /** A message was written to the network (TCP, TLS, UDP) or acknowledged (RELP). */
    default void delivered(long sequenceId) {
    }

    /** A RELP server acknowledged a message with {@code 200}. Also reported as {@link #delivered}. */
    default void acknowledged(long sequenceId) {
    }

    /** A message was sent again on a new session. */
    default void resent(long sequenceId) {
    }

    /** The server refused a message on every attempt; it was set aside. */
    default void rejected(long sequenceId, String reason) {
    }

    /** A session to {@code target} is open; {@code reconnect} is false only for the first one. */
    default void connected(String target, boolean reconnect) {
    }

    /**
     * The session to {@code target} ended, or an attempt failed. Not called when this side ended the session on
     * purpose (its RELP {@code close} answered: {@code rebindInterval}, {@code connectionTtl}, stopping).
     */
    default void disconnected(String target, String reason) {
    }

    /** A TLS handshake with {@code target} failed. */
    default void tlsFailure(String target, String reason) {
    }

    /**
     * The connection to {@code target} works but deserves a warning: {@code authMode anon}, the own certificate
     * expired or not yet valid, and the like. Given again each time a connection is set up (after a failover
     * switch, for example); the status channel reports each one once per rate-limit interval.
     */
    default void warning(String target, String message) {
    }

    /** The delivery state changed. */
    default void stateChanged(DeliveryState from, DeliveryState to) {
    }

    /** The spool found something wrong (a corrupt record quarantined, a write that failed). */
    default void spoolProblem(String description) {
    }
}
