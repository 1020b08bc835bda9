package dev.sluice.transport.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * How syslog messages are delimited on a TCP or TLS stream. Pure functions over bytes; lengths are octets.
 */
public enum Framing {
    /**
     * Octet counting (RFC 6587 3.4.1, RFC 5425 4.3): {@code MSG-LEN SP SYSLOG-MSG}, where MSG-LEN is the number of
     * octets of the message in decimal. Any content is safe.
     */
    OCTET_COUNTING("octet-counting"),
    /**
     * Non-transparent framing (RFC 6587 3.4.2) with LF as trailer: {@code SYSLOG-MSG LF}. An LF or CR inside the
     * message would end or corrupt the frame, so each is written as rsyslog writes control characters:
     * {@code #012} for LF, {@code #015} for CR.
     */
    LF("lf");

    private static final byte[] ESCAPED_LF = "#012".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ESCAPED_CR = "#015".getBytes(StandardCharsets.US_ASCII);

    private final String configName;

    Framing(String configName) {
        this.configName = configName;
    }

    /** The name of the {@code framing} option value. */
    public String configName() {
        return configName;
    }

    /**
     * Parses the {@code framing} option, ignoring case and surrounding blanks.
     *
     * @throws IllegalArgumentException naming the option, the value and the accepted values
     */
    public static Framing parse(String value) {
        if (value != null) {
            String wanted = value.trim().toLowerCase(Locale.ROOT);
            for (Framing f : values()) {
                if (f.configName.equals(wanted)) {
                    return f;
                }
            }
        }
        throw new IllegalArgumentException("framing: '" + value + "' (expected: octet-counting or lf)");
    }

    /** Octets that {@link #write} appends for {@code payload}. */
    public int framedLength(byte[] payload) {
        if (this == OCTET_COUNTING) {
            return decimalLength(payload.length) + 1 + payload.length;
        }
        int length = payload.length + 1;
        for (byte b : payload) {
            if (b == '\n' || b == '\r') {
                length += 3;
            }
        }
        return length;
    }

    /** Appends the framed {@code payload} to {@code out}; returns the number of octets written. */
    public int write(ByteBuf out, byte[] payload) {
        int start = out.writerIndex();
        if (this == OCTET_COUNTING) {
            out.ensureWritable(decimalLength(payload.length) + 1 + payload.length);
            out.writeCharSequence(Integer.toString(payload.length), StandardCharsets.US_ASCII);
            out.writeByte(' ');
            out.writeBytes(payload);
        } else {
            out.ensureWritable(framedLength(payload));
            int from = 0;
            for (int i = 0; i < payload.length; i++) {
                byte b = payload[i];
                if (b == '\n' || b == '\r') {
                    out.writeBytes(payload, from, i - from);
                    out.writeBytes(b == '\n' ? ESCAPED_LF : ESCAPED_CR);
                    from = i + 1;
                }
            }
            out.writeBytes(payload, from, payload.length - from);
            out.writeByte('\n');
        }
        return out.writerIndex() - start;
    }

    /** The framed form of {@code payload} as a new array. */
    public byte[] frame(byte[] payload) {
        byte[] framed = new byte[framedLength(payload)];
        ByteBuf out = Unpooled.wrappedBuffer(framed);
        out.writerIndex(0);
        write(out, payload);
        return framed;
    }

    @Override
    public String toString() {
        return configName;
    }

    private static int decimalLength(int value) {
        int length = 1;
        for (int v = value; v >= 10; v /= 10) {
            length++;
        }
        return length;
    }
}
