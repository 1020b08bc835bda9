package dev.sluice.transport.syslog;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte array that formatters, the encoder and {@link Framing} append to, meant to be kept and reused:
 * {@link #reset()} it before each event and hand {@link #array()} {@code [0, size())} on (for example to
 * {@code ByteBuf.writeBytes(array, 0, size)} or {@link #writeTo(OutputStream)}), so that a steady stream of events
 * allocates nothing once the buffer has grown to the largest message.
 *
 * <p>Not thread-safe: one buffer per thread (or per channel).
 */
public final class SyslogBuffer {

    /** Initial capacity of {@link #SyslogBuffer()}, in octets. */
    public static final int DEFAULT_INITIAL_CAPACITY = 512;

    private byte[] bytes;
    private int size;
    /** Set by {@link SyslogEncoder}: where the last sequence id's digits end, or -1. */
    private int sequenceIdEnd = -1;
    /** This buffer's STRUCTURED-DATA writer, made on first use. */
    private Rfc5424Formatter.SdOctets sdOctets;

    /**
     * Longest text, in chars, that {@link #putUtf8Bulk} takes: its char scratch array grows to this (32 KiB) at most,
     * and longer text (a long stack trace) goes through the formatter's char-by-char loop.
     */
    static final int MAX_BULK_CHARS = 16 * 1024;
    /** For {@link #putUtf8Bulk}: created on first use, then reused, so that encoding allocates nothing. */
    private CharsetEncoder utf8;
    private char[] chars;
    private CharBuffer charView;
    private ByteBuffer byteView;

    /** An empty buffer of {@value #DEFAULT_INITIAL_CAPACITY} octets' capacity. */
    public SyslogBuffer() {
        this(DEFAULT_INITIAL_CAPACITY);
    }

    /** An empty buffer of {@code initialCapacity} octets' capacity. */
    public SyslogBuffer(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("initialCapacity: " + initialCapacity + " (expected: >= 0)");
        }
        this.bytes = new byte[initialCapacity];
    }

    /** Number of octets written. */
    public int size() {
        return size;
    }

    /** Capacity a buffer keeps between events at most: see {@link #shrink()}. */
    public static final int MAX_KEPT_CAPACITY = 64 * 1024;

    /**
     * Forgets the content, and gives back an array that one long event grew beyond {@link #MAX_KEPT_CAPACITY}: a
     * buffer kept per thread (and per appender) would otherwise hold it for as long as the thread lives.
     */
    public void shrink() {
        reset();
        if (bytes.length > MAX_KEPT_CAPACITY) {
            bytes = new byte[DEFAULT_INITIAL_CAPACITY];
            byteView = null;
        }
    }

    /** Forgets the content; keeps the capacity. */
    public void reset() {
        size = 0;
        sequenceIdEnd = -1;
    }

    /** The writer that appends SD-ELEMENTs to this buffer as RFC 5424 octets. */
    SdWriter sdOctets() {
        Rfc5424Formatter.SdOctets w = sdOctets;
        if (w == null) {
            w = new Rfc5424Formatter.SdOctets(this);
            sdOctets = w;
        }
        return w;
    }

    /** Where the digits of the sequence id the encoder wrote last end, or -1 if it wrote none. */
    int sequenceIdEnd() {
        return sequenceIdEnd;
    }

    void sequenceIdEnd(int end) {
        sequenceIdEnd = end;
    }

    /**
     * The backing array; its first {@link #size()} octets are the content. Valid until the next write, which may
     * replace the array. Not a copy: do not modify.
     */
    public byte[] array() {
        return bytes;
    }

    /** A copy of the content. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    /** A copy of the content from {@code from} to the end. */
    public byte[] toByteArray(int from) {
        return Arrays.copyOfRange(bytes, from, size);
    }

    /** Writes the content to {@code out}. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes, 0, size);
    }

    /**
     * Puts the content into {@code out} at its position.
     *
     * @throws java.nio.BufferOverflowException if {@code out} has less room than {@link #size()}
     */
    public void writeTo(ByteBuffer out) {
        out.put(bytes, 0, size);
    }

    /** Appends one octet (the low 8 bits of {@code b}). */
    public void write(int b) {
        ensureRoom(1);
        bytes[size++] = (byte) b;
    }

    /** Appends {@code b}. */
    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    /** Appends {@code length} octets of {@code b} from {@code offset}. */
    public void write(byte[] b, int offset, int length) {
        ensureRoom(length);
        System.arraycopy(b, offset, bytes, size, length);
        size += length;
    }

    /** Makes room for {@code n} more octets. */
    void ensureRoom(int n) {
        int needed = size + n;
        if (needed < 0) {
            throw new IllegalStateException("SyslogBuffer: " + size + " + " + n + " octets overflow an array");
        }
        if (needed > bytes.length) {
            int grown = Math.max(needed, Math.max(64, bytes.length * 2));
            bytes = Arrays.copyOf(bytes, grown < 0 ? needed : grown);
        }
    }

    /**
     * Appends the first {@code n} chars of {@code text} as UTF-8 through the JDK's encoder, whose ASCII loop is
     * vectorised (about 2.5 times the speed of a char-by-char loop for a 60-160 char line) and which, working on
     * reused buffers, allocates nothing. An unpaired surrogate (or a high one whose low one is past {@code n})
     * becomes {@code '?'}, as in {@link String#getBytes}. For at most {@link #MAX_BULK_CHARS} chars.
     */
    void putUtf8Bulk(String text, int n) {
        ensureRoom(n * 3); // worst case: 3 octets per UTF-16 unit
        if (chars == null || chars.length < n) {
            utf8 = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
            chars = new char[Math.min(MAX_BULK_CHARS, Math.max(n, chars == null ? 256 : chars.length * 2))];
            charView = CharBuffer.wrap(chars);
        }
        if (byteView == null || byteView.array() != bytes) {
            byteView = ByteBuffer.wrap(bytes);
        }
        text.getChars(0, n, chars, 0);
        charView.limit(n).position(0);
        byteView.limit(bytes.length).position(size);
        utf8.reset();
        CoderResult result = utf8.encode(charView, byteView, true);
        if (!result.isUnderflow()) {
            throw new IllegalStateException("UTF-8 encoding of " + n + " chars: " + result); // room was ensured
        }
        size = byteView.position();
    }

    /** Appends without a capacity check; call {@link #ensureRoom(int)} first. */
    void put(int b) {
        bytes[size++] = (byte) b;
    }

    /** Cuts the content to {@code newSize} octets, or extends it (after {@link #ensureRoom(int)}). */
    void size(int newSize) {
        size = newSize;
    }

    @Override
    public String toString() {
        return "SyslogBuffer[size=" + size + ", capacity=" + bytes.length + "]";
    }
}
