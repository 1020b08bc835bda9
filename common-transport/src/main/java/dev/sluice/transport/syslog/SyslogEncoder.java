package dev.sluice.transport.syslog;

import java.util.Objects;

/**
 * The facade the transports use: picks the formatter for the configured {@link SyslogFormat}, formats a
 * {@link SyslogMessage}, escapes line breaks when the stream is LF-framed, and applies {@code maxMessageSize}.
 * The result is the payload of one {@code Outbound}: the message without framing.
 *
 * <h2>{@code maxMessageSize}</h2>
 * The limit counts the octets of the payload, after escaping, without framing (the octet count and its SP, or the
 * LF trailer, come on top). A longer message is cut:
 * <ul>
 *   <li>only inside the message text (MSG), never in the header or the structured data, so the result always
 *       parses;</li>
 *   <li>at a UTF-8 character boundary, so a multi-byte character is never split and the result is valid UTF-8,
 *       at most {@code maxMessageSize} octets;</li>
 *   <li>when not even one character of the text fits, the whole MSG part (its SP and BOM included) goes and the
 *       header stays. If the header alone (with the structured data) is longer than the limit, it is kept whole
 *       and the result is longer than the limit: a cut header would be a malformed message.</li>
 * </ul>
 * Each cut is reported: {@link #encodeTo(SyslogFields, SyslogBuffer)} returns {@code true} and
 * {@link Encoded#truncated()} is set, for the caller to count.
 *
 * <p>Why the escaping for LF framing happens here and not only in {@link Framing#LF}: escaping makes the message
 * longer (one octet becomes four). Done after the cut, it could push the message past the receiver's limit, and
 * rsyslog's {@code imtcp} then takes the cut-off rest for the next message by default, which is exactly the
 * forgery the escaping is there to stop. So the cut is measured on the escaped form.
 *
 * <p>Immutable and thread-safe; {@link #encodeTo(SyslogFields, SyslogBuffer)} allocates nothing once the buffer
 * has grown.
 */
public final class SyslogEncoder {

    /** Default {@code maxMessageSize} for stream transports (TCP, TLS, RELP), in octets: 8 KiB. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 8 * 1024;
    /** Default {@code maxMessageSize} for UDP, in octets: 2 KiB (RFC 5426 section 3.2 asks receivers for 2048). */
    public static final int DEFAULT_MAX_DATAGRAM_MESSAGE_SIZE = 2 * 1024;
    /**
     * Largest {@code maxMessageSize} for UDP, in octets: 65,507, the payload of the largest IPv4 datagram (65,535
     * less 20 octets of IP and 8 of UDP header; IPv6 carries 20 more). A larger message cannot be sent at all: the
     * datagram is refused and the message lost, so a larger setting is refused at configuration instead.
     */
    public static final int MAX_DATAGRAM_MESSAGE_SIZE = 65_535 - 20 - 8;

    private final SyslogFormatter formatter;
    private final Framing framing;
    private final int maxMessageSize;

    private SyslogEncoder(Builder b) {
        this.formatter = b.format == SyslogFormat.RFC5424
                ? new Rfc5424Formatter(b.bom) : new Rfc3164Formatter(b.rfc3339Timestamp);
        this.framing = b.framing;
        this.maxMessageSize = b.maxMessageSize;
    }

    /** A builder with format RFC 5424, no framing (datagrams), {@value #DEFAULT_MAX_MESSAGE_SIZE} octets. */
    public static Builder builder() {
        return new Builder();
    }

    /** The formatter in use. */
    public SyslogFormatter formatter() {
        return formatter;
    }

    /** The framing the payloads are meant for, or {@code null} for none (UDP, RELP). */
    public Framing framing() {
        return framing;
    }

    /** Longest payload, in octets (see the class comment for the one exception). */
    public int maxMessageSize() {
        return maxMessageSize;
    }

    /** Encodes {@code message} into a new array. */
    public Encoded encode(SyslogFields message) {
        SyslogBuffer out = new SyslogBuffer();
        boolean truncated = encodeTo(message, out);
        return new Encoded(out.toByteArray(), truncated);
    }

    /**
     * Appends the payload of {@code message} to {@code out}.
     *
     * @return whether the message was cut to fit {@code maxMessageSize}
     */
    public boolean encodeTo(SyslogFields message, SyslogBuffer out) {
        return encodeTo(message, SyslogFormatter.NO_SEQUENCE_ID, out);
    }

    /**
     * Appends the payload of {@code message} to {@code out}, with {@code [meta sequenceId="n"]} after its
     * structured data when {@code sequenceId} is not negative (RFC 5424; see
     * {@link SyslogFormatter#formatTo(SyslogFields, long, SyslogBuffer)}).
     *
     * @return whether the message was cut to fit {@code maxMessageSize}
     */
    public boolean encodeTo(SyslogFields message, long sequenceId, SyslogBuffer out) {
        int start = out.size();
        // Every char is at least one octet (a surrogate pair two chars for four) and the text follows the header:
        // chars past maxMessageSize + 1 all fall after the cut, so leaving them out gives the same octets, cut and
        // truncation, and a 20 MB message is not encoded whole (into a buffer of up to 3 octets per char, which the
        // thread keeps) to send 8 KiB of it.
        int headerEnd = formatter.formatTo(message, sequenceId, out,
                maxMessageSize == Integer.MAX_VALUE ? maxMessageSize : maxMessageSize + 1);
        int end = out.size();
        boolean escape = framing == Framing.LF;
        boolean truncated = false;
        // RFC 5424 writes [meta sequenceId="n"] last in the structured data: its digits end before '"]', and a
        // cut never reaches into the structured data. RFC 3164 has no place for it.
        int idEnd = sequenceId >= 0 && formatter instanceof Rfc5424Formatter ? headerEnd - 2 : -1;
        if (escape && idEnd >= 0) {
            idEnd += 3 * Framing.escapeCount(out.array(), start, idEnd); // each escaped octet becomes four
        }
        out.sequenceIdEnd(idEnd);
        if (escape || end - start > maxMessageSize) {
            int cut = cutPosition(out.array(), start, end, escape);
            if (cut < end) {
                truncated = true;
                int textStart = headerEnd + formatter.messagePrefixLength();
                if (cut <= textStart) {
                    cut = headerEnd;
                } else {
                    byte[] a = out.array();
                    while (cut > textStart && Wire.isContinuation(a[cut])) {
                        cut--;
                    }
                    if (cut == textStart) {
                        cut = headerEnd;
                    }
                }
                out.size(cut);
            }
            if (escape) {
                Framing.escapeInPlace(out, start);
            }
        }
        return truncated;
    }

    /**
     * Writes {@code actual} over the sequence id {@code guessed} that the last {@link #encodeTo(SyslogFields, long,
     * SyslogBuffer)} into {@code out} wrote, when both have as many digits: the payload is then exactly what
     * encoding with {@code actual} would have given (digits are never escaped, and the cut depends on the length
     * only). This lets a caller format before it knows the id, and take the id later under a short lock.
     *
     * @return {@code true} if {@code out} now holds the payload for {@code actual} (also when it holds no sequence
     *     id at all: none was asked for, or RFC 3164); {@code false} if it must be encoded again with {@code actual}
     */
    public static boolean rewriteSequenceId(SyslogBuffer out, long guessed, long actual) {
        int end = out.sequenceIdEnd();
        if (end < 0 || guessed == actual) {
            return true;
        }
        int digits = Wire.decimalLength(actual);
        if (guessed < 0 || actual < 0 || Wire.decimalLength(guessed) != digits) {
            return false;
        }
        byte[] a = out.array();
        long v = actual;
        for (int i = end - 1; i >= end - digits; i--, v /= 10) {
            a[i] = (byte) ('0' + v % 10);
        }
        return true;
    }

    /** The first position whose octet no longer fits, counting an escaped octet as four; {@code end} if all fit. */
    private int cutPosition(byte[] a, int start, int end, boolean escape) {
        long used = 0;
        for (int i = start; i < end; i++) {
            used += escape && Framing.needsEscape(a[i]) ? 4 : 1;
            if (used > maxMessageSize) {
                return i;
            }
        }
        return end;
    }

    @Override
    public String toString() {
        return "SyslogEncoder[" + formatter + ", framing=" + (framing == null ? "none" : framing.configName())
                + ", maxMessageSize=" + maxMessageSize + "]";
    }

    /**
     * One encoded payload.
     *
     * @param payload   the message octets, without framing
     * @param truncated whether the message was cut to fit {@code maxMessageSize}
     */
    public record Encoded(byte[] payload, boolean truncated) {
        public Encoded {
            Objects.requireNonNull(payload, "payload");
        }
    }

    /** Builder of {@link SyslogEncoder}; not thread-safe. */
    public static final class Builder {
        private SyslogFormat format = SyslogFormat.DEFAULT;
        private Framing framing;
        private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        private boolean bom = Rfc5424Formatter.DEFAULT_BOM;
        private boolean rfc3339Timestamp = Rfc3164Formatter.DEFAULT_RFC3339_TIMESTAMP;

        private Builder() {
        }

        /** RFC 5424 (default) or RFC 3164. */
        public Builder format(SyslogFormat format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /**
         * The framing the payloads will be sent with; {@code null} (the default) for none: UDP datagrams and RELP
         * frames. With {@link Framing#LF}, LF, CR and NUL are escaped here (see the class comment).
         */
        public Builder framing(Framing framing) {
            this.framing = framing;
            return this;
        }

        /**
         * Longest payload, in octets; at least 1.
         *
         * @throws IllegalArgumentException if {@code octets} is less than 1
         */
        public Builder maxMessageSize(int octets) {
            if (octets < 1) {
                throw new IllegalArgumentException("maxMessageSize: " + octets + " (expected: >= 1)");
            }
            this.maxMessageSize = octets;
            return this;
        }

        /** RFC 5424 only: whether the UTF-8 BOM precedes MSG; default {@value Rfc5424Formatter#DEFAULT_BOM}. */
        public Builder bom(boolean bom) {
            this.bom = bom;
            return this;
        }

        /** RFC 3164 only: whether to write an RFC 3339 timestamp instead of {@code Mmm dd hh:mm:ss}. */
        public Builder rfc3339Timestamp(boolean rfc3339Timestamp) {
            this.rfc3339Timestamp = rfc3339Timestamp;
            return this;
        }

        public SyslogEncoder build() {
            return new SyslogEncoder(this);
        }
    }
}
