package dev.sluice.transport.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of one appender's delivery: its state, what is waiting, and what happened so far.
 *
 * @param state                   what it is doing now
 * @param queuedRecords           events in memory, not yet handed to the transport
 * @param queuedBytes             their size in memory: the formatted octets, or, for events not formatted
 *                                yet (without a spool the delivery thread formats them), an estimate
 * @param spoolRecords            events in the spool, not yet delivered (0 without a spool): urgent events sent
 *                                ahead of the others are not counted
 * @param spoolBytes              the spool's size on disk
 * @param oldestUndeliveredAge    age of the oldest event accepted and not yet delivered, or {@code null}
 * @param lastAcknowledged        when a message was last acknowledged (RELP) or written, or {@code null}
 * @param nextWindowOpening       when the next delivery window opens, or {@code null} when always open
 * @param counters                the counters at the time of the snapshot
 */
public record Health(
        DeliveryState state,
        long queuedRecords,
        long queuedBytes,
        long spoolRecords,
        long spoolBytes,
        Duration oldestUndeliveredAge,
        Instant lastAcknowledged,
        Instant nextWindowOpening,
        CountersSnapshot counters) {

    /** What an appender that is not running answers: {@link DeliveryState#STOPPED}, nothing waiting, no counts. */
    public static Health stopped() {
        return new Health(DeliveryState.STOPPED, 0, 0, 0, 0, null, null, null,
                new CountersSnapshot(0, 0, 0, 0, 0, Map.of(), 0, 0, 0));
    }

    public Optional<Duration> oldestUndelivered() {
        return Optional.ofNullable(oldestUndeliveredAge);
    }

    public Optional<Instant> lastAcknowledgedTime() {
        return Optional.ofNullable(lastAcknowledged);
    }

    public Optional<Instant> nextWindow() {
        return Optional.ofNullable(nextWindowOpening);
    }

    /**
     * Counter values at one moment.
     *
     * @param accepted      events taken by {@code append}
     * @param delivered     messages written to the network (TCP, TLS, UDP) or acknowledged (RELP)
     * @param acknowledged  messages acknowledged by a RELP server
     * @param resent        messages sent again after a reconnect
     * @param rejected      messages the server refused on every attempt and that were set aside
     * @param dropped       dropped events by reason
     * @param truncated     messages cut to {@code maxMessageSize}
     * @param reconnects    sessions opened after the first
     * @param tlsFailures   TLS handshakes that failed
     */
    public record CountersSnapshot(long accepted, long delivered, long acknowledged, long resent, long rejected,
            Map<DropReason, Long> dropped, long truncated, long reconnects, long tlsFailures) {

        public CountersSnapshot {
            dropped = Map.copyOf(dropped);
        }

        /** Dropped events of all reasons. */
        public long droppedTotal() {
            long sum = 0;
            for (long n : dropped.values()) {
                sum += n;
            }
            return sum;
        }
    }
}
