package dev.sluice.transport.syslog;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The {@code framing} option: how syslog messages are delimited on a stream (TCP, TLS). UDP and RELP carry one
 * message per datagram or frame and need none.
 *
 * <ul>
 *   <li>{@link #OCTET_COUNTING} ({@code "octet-counting"}, RFC 6587 section 3.4.1, RFC 5425 section 4.3):
 *       {@code MSG-LEN SP SYSLOG-MSG}, where MSG-LEN is the number of octets of the message in decimal. The message
 *       is sent as it is; its content cannot end the frame early, because the length is exact. The default.</li>
 *   <li>{@link #LF} ({@code "lf"}, RFC 6587 section 3.4.2, "non-transparent framing"): the message followed by LF.
 *       To keep content from ending the frame and starting a forged message, every LF, CR and NUL octet inside
 *       the message is escaped as {@code #012}, {@code #015} and {@code #000}. That is rsyslog's own escaping of
 *       control characters on reception ({@code $EscapeControlCharactersOnReceive}, on by default, with the
 *       {@code #} prefix): a multi-line message therefore reads the same in rsyslog's output whichever framing
 *       carried it. CR is escaped because some receivers end a line at CR LF; NUL because rsyslog's {@code imtcp}
 *       can be told to take it as a second delimiter ({@code AddtlFrameDelimiter}). The escaping cannot be told
 *       apart from the same four characters written literally, as in rsyslog. These octets never occur inside a
 *       UTF-8 multi-byte sequence, so the escaping works on octets and keeps the UTF-8 valid.</li>
 * </ul>
 *
 * <p>For LF framing, {@link SyslogEncoder} escapes already, so that the escaped message stays within
 * {@code maxMessageSize}; framing escapes again only what is left, which is nothing.
 */
public enum Framing {
    /** {@code LEN SP MSG}. */
    OCTET_COUNTING("octet-counting"),
    /** {@code MSG LF}, with LF, CR and NUL in MSG escaped. */
    LF("lf");

    /** The {@code framing} of a configuration that does not set one. */
    public static final Framing DEFAULT = OCTET_COUNTING;

    private static final byte TRAILER = '\n';

    private final String configName;

    Framing(String configName) {
        this.configName = configName;
    }

    /** The name used in configuration files: {@code "octet-counting"} or {@code "lf"}. */
    public String configName() {
        return configName;
    }

    /**
     * Parses a configuration value, ignoring case and surrounding blanks: {@code "octet-counting"}, {@code "lf"}
     * (the constant names {@code OCTET_COUNTING} and {@code LF} are accepted too).
     *
     * @throws IllegalArgumentException naming the value and the accepted values
     */
    public static Framing parse(String value) {
        if (value != null) {
            String wanted = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            for (Framing f : values()) {
                if (f.configName.equals(wanted)) {
                    return f;
                }
            }
        }
        throw new IllegalArgumentException("framing: '" + value + "' (expected one of: "
                + Arrays.stream(values()).map(Framing::configName).collect(Collectors.joining(", ")) + ")");
    }

    /** The framed message in a new array. */
    public byte[] frame(byte[] message) {
        SyslogBuffer out = new SyslogBuffer(framedLength(message, 0, message.length));
        frame(message, 0, message.length, out);
        return out.size() == out.array().length ? out.array() : out.toByteArray();
    }

    /** Octets the frame of {@code message[offset, offset + length)} takes. */
    public int framedLength(byte[] message, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, message.length);
        if (this == OCTET_COUNTING) {
            return Wire.decimalLength(length) + 1 + length;
        }
        return length + 3 * escapeCount(message, offset, offset + length) + 1;
    }

    /** Appends the frame of {@code message[offset, offset + length)} to {@code out}. */
    public void frame(byte[] message, int offset, int length, SyslogBuffer out) {
        Objects.checkFromIndexSize(offset, length, message.length);
        if (this == OCTET_COUNTING) {
            Wire.writeDecimal(out, length);
            out.write(Wire.SP);
            out.write(message, offset, length);
        } else {
            int from = out.size();
            out.write(message, offset, length);
            escapeInPlace(out, from);
            out.write(TRAILER);
        }
    }

    /** Writes the frame of {@code message[offset, offset + length)} to {@code out}. */
    public void writeFrame(byte[] message, int offset, int length, OutputStream out) throws IOException {
        Objects.checkFromIndexSize(offset, length, message.length);
        if (this == OCTET_COUNTING) {
            String len = Integer.toString(length);
            for (int i = 0; i < len.length(); i++) {
                out.write(len.charAt(i));
            }
            out.write(Wire.SP);
            out.write(message, offset, length);
        } else {
            int end = offset + length;
            int run = offset;
            for (int i = offset; i < end; i++) {
                if (needsEscape(message[i])) {
                    out.write(message, run, i - run);
                    out.write('#');
                    writeOctal(out, message[i]);
                    run = i + 1;
                }
            }
            out.write(message, run, end - run);
            out.write(TRAILER);
        }
    }

    static boolean needsEscape(byte b) {
        return b == '\n' || b == '\r' || b == 0;
    }

    static int escapeCount(byte[] a, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (needsEscape(a[i])) {
                n++;
            }
        }
        return n;
    }

    /** Replaces LF, CR and NUL in {@code out[from, size)} by {@code #012}, {@code #015}, {@code #000}. */
    static void escapeInPlace(SyslogBuffer out, int from) {
        int end = out.size();
        int n = escapeCount(out.array(), from, end);
        if (n == 0) {
            return;
        }
        out.ensureRoom(3 * n);
        byte[] a = out.array();
        int dst = end + 3 * n;
        out.size(dst);
        for (int src = end - 1; src >= from; src--) {
            byte b = a[src];
            if (needsEscape(b)) {
                a[--dst] = (byte) ('0' + (b & 7));
                a[--dst] = (byte) ('0' + (b >> 3 & 7));
                a[--dst] = (byte) ('0' + (b >> 6 & 3));
                a[--dst] = '#';
            } else {
                a[--dst] = b;
            }
        }
    }

    private static void writeOctal(OutputStream out, byte b) throws IOException {
        out.write('0' + (b >> 6 & 3));
        out.write('0' + (b >> 3 & 7));
        out.write('0' + (b & 7));
    }
}
