package dev.sluice.transport.syslog;

/**
 * Turns a {@link SyslogMessage} (or any {@link SyslogFields}) into the octets of one syslog message, without
 * framing. Implementations are immutable and thread-safe.
 *
 * <p>Two ways to call it: {@link #format(SyslogFields)} returns a new array; {@link #formatTo(SyslogFields,
 * SyslogBuffer)} appends to a caller's reusable buffer and allocates nothing once the buffer is big enough. Limits
 * on the whole message ({@code maxMessageSize}) are applied by {@link SyslogEncoder}.
 */
public abstract sealed class SyslogFormatter permits Rfc5424Formatter, Rfc3164Formatter {

    /** {@code sequenceId} argument for "no sequence id". */
    public static final long NO_SEQUENCE_ID = -1;

    SyslogFormatter() {
    }

    /** The message's octets in a new array. */
    public byte[] format(SyslogFields message) {
        SyslogBuffer out = new SyslogBuffer();
        formatTo(message, out);
        return out.toByteArray();
    }

    /**
     * Appends the message's octets to {@code out}.
     *
     * @return the offset in {@code out} where the header (everything up to and including the structured data,
     *         or the RFC 3164 tag) ends: what follows it is the MSG part (a space, the optional BOM, the message
     *         text), or nothing when the message has no text
     */
    public int formatTo(SyslogFields message, SyslogBuffer out) {
        return formatTo(message, NO_SEQUENCE_ID, out);
    }

    /**
     * Appends the message's octets to {@code out}, with {@code [meta sequenceId="n"]} after the message's own
     * structured data when {@code sequenceId} is not negative (RFC 5424 only: RFC 3164 has no structured data).
     * The same octets as adding that element to the message and formatting it, without building a new message.
     *
     * @return as {@link #formatTo(SyslogFields, SyslogBuffer)}
     */
    public int formatTo(SyslogFields message, long sequenceId, SyslogBuffer out) {
        return formatTo(message, sequenceId, out, Integer.MAX_VALUE);
    }

    /**
     * As {@link #formatTo(SyslogFields, long, SyslogBuffer)}, with at most the first {@code maxTextChars} chars of
     * the message text ({@link SyslogEncoder} cuts a long text before it is encoded).
     */
    abstract int formatTo(SyslogFields message, long sequenceId, SyslogBuffer out, int maxTextChars);

    /** Octets between the header's end and the first octet of the message text, when there is text. */
    abstract int messagePrefixLength();

    /** The format this formatter writes. */
    public abstract SyslogFormat format();
}
