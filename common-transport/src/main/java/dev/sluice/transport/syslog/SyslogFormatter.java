package dev.sluice.transport.syslog;

/**
 * Turns a {@link SyslogMessage} into the octets of one syslog message, without framing. Implementations are
 * immutable and thread-safe.
 *
 * <p>Two ways to call it: {@link #format(SyslogMessage)} returns a new array; {@link #formatTo(SyslogMessage,
 * SyslogBuffer)} appends to a caller's reusable buffer and allocates nothing once the buffer is big enough. Limits
 * on the whole message ({@code maxMessageSize}) are applied by {@link SyslogEncoder}.
 */
public abstract sealed class SyslogFormatter permits Rfc5424Formatter, Rfc3164Formatter {

    SyslogFormatter() {
    }

    /** The message's octets in a new array. */
    public byte[] format(SyslogMessage message) {
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
    public abstract int formatTo(SyslogMessage message, SyslogBuffer out);

    /** Octets between the header's end and the first octet of the message text, when there is text. */
    abstract int messagePrefixLength();

    /** The format this formatter writes. */
    public abstract SyslogFormat format();
}
