package dev.sluice.transport.spool;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * One record read from a {@link Spool}: sequence id, event time and message octets. Immutable. It also marks
 * its place in the spool, so it is what {@link Spool#peekAfter}, {@link Spool#acknowledge} and
 * {@link Spool#moveAside} take; a record belongs to the {@code Spool} instance that returned it.
 */
public final class SpoolRecord {

    private final long sequenceId;
    private final Instant eventTime;
    private final byte[] message;

    final Spool owner;
    final long segment;
    final long offset;
    final long nextOffset;
    final long ordinal;

    SpoolRecord(long sequenceId, Instant eventTime, byte[] message, Spool owner, long segment, long offset,
            long nextOffset, long ordinal) {
        this.sequenceId = sequenceId;
        this.eventTime = eventTime;
        this.message = message;
        this.owner = owner;
        this.segment = segment;
        this.offset = offset;
        this.nextOffset = nextOffset;
        this.ordinal = ordinal;
    }

    public long sequenceId() {
        return sequenceId;
    }

    /** The time of the event the message is about, as given to {@link Spool#append}. */
    public Instant eventTime() {
        return eventTime;
    }

    /** A copy of the message octets. */
    public byte[] message() {
        return message.clone();
    }

    /** The message octets without a copy, read-only. */
    public ByteBuffer messageBuffer() {
        return ByteBuffer.wrap(message).asReadOnlyBuffer();
    }

    public int messageLength() {
        return message.length;
    }

    byte[] messageArray() {
        return message;
    }

    @Override
    public String toString() {
        return "SpoolRecord[seq=" + sequenceId + ", eventTime=" + eventTime + ", " + message.length
                + " octets, segment " + segment + " @" + offset + "]";
    }
}
