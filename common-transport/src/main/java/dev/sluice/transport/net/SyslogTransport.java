package dev.sluice.transport.net;

import java.time.Duration;
import java.util.List;

/**
 * Sends syslog messages to one target and owns the connection to it: connects, reconnects with backoff,
 * frames, and (RELP) matches acknowledgements and resends what a lost session left unacknowledged.
 *
 * <p>Nothing here runs on the caller's thread beyond a hand-off: {@link #offer(Outbound)} never blocks and
 * never touches the network. Outcomes come back through the {@link DeliveryListener} given at creation.
 *
 * <p>Thread-safe.
 */
public interface SyslogTransport extends AutoCloseable {

    /**
     * Hands a message over for delivery. Never blocks.
     *
     * @return {@code false} when the transport holds as many undelivered messages as it may; the caller keeps
     *         the message and offers it again after {@link DeliveryListener#writable()}
     */
    boolean offer(Outbound message);

    /** The connection's state now. */
    TransportState state();

    /** Messages offered and not yet delivered or rejected. */
    int pending();

    /**
     * Stops: tries for at most {@code timeout} to deliver what is pending (RELP: until acknowledged) and to
     * close the session cleanly, then closes the connection whatever the server does.
     *
     * @return the messages that were not delivered, in the order they were offered, for the caller to keep; or
     *         {@code null} if they could not be collected in time (the I/O thread was held up): they then go to
     *         {@link DeliveryListener#handedBackLate} once it gets to them
     */
    List<Outbound> close(Duration timeout);

    /** {@link #close(Duration)} with no time to drain; what was pending is dropped. */
    @Override
    default void close() {
        close(Duration.ZERO);
    }
}
