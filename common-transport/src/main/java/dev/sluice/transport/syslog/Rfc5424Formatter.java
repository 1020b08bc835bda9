package dev.sluice.transport.syslog;

import java.nio.charset.StandardCharsets;

/**
 * Writes RFC 5424 messages:
 * <pre>
 * &lt;PRI&gt;1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [SP [BOM] MSG]
 * </pre>
 *
 * <ul>
 *   <li><b>Header fields</b> (HOSTNAME, APP-NAME, PROCID, MSGID): {@code null} or empty is the NILVALUE
 *       {@code -}. Every character outside printable US-ASCII (33-126), such as a space, a control character or
 *       any non-ASCII character (a surrogate pair counting as one), is <em>replaced</em> by {@code '_'} rather
 *       than removed, so that the field keeps its shape and two different values are less likely to collide.
 *       The result is then cut to the RFC's limit in octets: HOSTNAME {@value #MAX_HOSTNAME}, APP-NAME
 *       {@value #MAX_APP_NAME}, PROCID {@value #MAX_PROCID}, MSGID {@value #MAX_MSGID} (after the replacement every
 *       character is one octet).</li>
 *   <li><b>TIMESTAMP</b>: RFC 3339 in the message's offset, {@code Z} for UTC, else {@code ±hh:mm}; fraction
 *       digits: none when the time has no sub-second part, 3 for whole milliseconds, else 6 (microseconds; finer
 *       digits are cut). An offset with seconds (historical zones) is written as UTC. A year outside 0000-9999
 *       cannot be written and becomes the NILVALUE.</li>
 *   <li><b>STRUCTURED-DATA</b>: NILVALUE when empty; SD-IDs and PARAM-NAMEs are valid SD-NAMEs by construction
 *       ({@link SdElement}); PARAM-VALUEs are UTF-8 with {@code '"'}, {@code '\'} and {@code ']'} escaped by a
 *       backslash (RFC 5424 section 6.3.3).</li>
 *   <li><b>MSG</b>: UTF-8, preceded by the BOM {@code EF BB BF} when {@code bom} is on; nothing at all (no SP, no
 *       BOM) when the message is {@code null} or empty. Control characters are left as they are: framing
 *       ({@link Framing}) makes them harmless.</li>
 * </ul>
 *
 * <p><b>BOM default: on.</b> RFC 5424 section 6.4 says MSG SHOULD be UTF-8, and that a MSG encoded in UTF-8 MUST
 * start with the BOM; without it the MSG is "MSG-ANY", of unknown encoding, to a strict receiver. Our MSG is always
 * UTF-8, so the conforming choice is the default. rsyslog accepts both and passes the BOM through to its
 * {@code msg} property (and so into files written with the traditional templates); when that is unwanted,
 * turn it off ({@code new Rfc5424Formatter(false)}).
 *
 * <p>Immutable and thread-safe.
 */
public final class Rfc5424Formatter extends SyslogFormatter {

    /** Whether a UTF-8 BOM precedes MSG unless configured otherwise. */
    public static final boolean DEFAULT_BOM = true;
    /** Longest HOSTNAME, in octets (RFC 5424 section 6). */
    public static final int MAX_HOSTNAME = 255;
    /** Longest APP-NAME, in octets. */
    public static final int MAX_APP_NAME = 48;
    /** Longest PROCID, in octets. */
    public static final int MAX_PROCID = 128;
    /** Longest MSGID, in octets. */
    public static final int MAX_MSGID = 32;

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final boolean bom;
    /**
     * The octets of {@code SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP} for the last fields seen, matched by
     * identity: an appender's messages share the same four strings, so they are checked and written once, not per
     * message. Immutable and replaced whole, so threads may share it.
     */
    private volatile Header lastHeader;
    private final Wire.SecondCache seconds = new Wire.SecondCache();

    private record Header(String hostname, String appName, String procId, String msgId, byte[] octets) {
    }

    private byte[] header(SyslogFields m) {
        Header h = lastHeader;
        if (h != null && h.hostname == m.hostname() && h.appName == m.appName() && h.procId == m.procId()
                && h.msgId == m.msgId()) {
            return h.octets;
        }
        SyslogBuffer b = new SyslogBuffer(64);
        b.write(Wire.SP);
        Wire.writeHeaderField(b, m.hostname(), MAX_HOSTNAME, "");
        b.write(Wire.SP);
        Wire.writeHeaderField(b, m.appName(), MAX_APP_NAME, "");
        b.write(Wire.SP);
        Wire.writeHeaderField(b, m.procId(), MAX_PROCID, "");
        b.write(Wire.SP);
        Wire.writeHeaderField(b, m.msgId(), MAX_MSGID, "");
        b.write(Wire.SP);
        h = new Header(m.hostname(), m.appName(), m.procId(), m.msgId(), b.toByteArray());
        lastHeader = h;
        return h.octets;
    }

    /** A formatter with the {@linkplain #DEFAULT_BOM default BOM setting} (on). */
    public Rfc5424Formatter() {
        this(DEFAULT_BOM);
    }

    /** A formatter that writes the UTF-8 BOM before MSG if {@code bom} is true. */
    public Rfc5424Formatter(boolean bom) {
        this.bom = bom;
    }

    /** Whether the BOM is written before MSG. */
    public boolean bom() {
        return bom;
    }

    @Override
    public SyslogFormat format() {
        return SyslogFormat.RFC5424;
    }

    @Override
    int formatTo(SyslogFields m, long sequenceId, SyslogBuffer out, int maxTextChars) {
        Wire.writePri(out, m.priority());
        out.ensureRoom(2);
        out.put('1');
        out.put(Wire.SP);
        if (!Wire.writeRfc3339(out, m.timestamp(), m.offset(), seconds)) {
            out.write(Wire.NILVALUE);
        }
        out.write(header(m));
        writeStructuredData(out, m, sequenceId);
        int headerEnd = out.size();
        String text = m.message();
        if (text != null && !text.isEmpty()) {
            out.write(Wire.SP);
            if (bom) {
                out.write(BOM);
            }
            Wire.writeUtf8(out, text, Math.min(text.length(), maxTextChars));
        }
        return headerEnd;
    }

    @Override
    int messagePrefixLength() {
        return bom ? 1 + BOM.length : 1;
    }

    private static final byte[] META_SEQUENCE_ID = "[meta sequenceId=\"".getBytes(StandardCharsets.US_ASCII);

    private static void writeStructuredData(SyslogBuffer out, SyslogFields m, long sequenceId) {
        boolean any = m.hasStructuredData();
        if (!any && sequenceId < 0) {
            out.write(Wire.NILVALUE);
            return;
        }
        if (any) {
            m.writeStructuredData(out.sdOctets());
        }
        if (sequenceId >= 0) {
            out.write(META_SEQUENCE_ID);
            Wire.writeDecimal(out, sequenceId);
            out.ensureRoom(2);
            out.put('"');
            out.put(']');
        }
    }

    /**
     * Writes SD-ELEMENTs as octets, as they come; one per {@link SyslogBuffer}, kept by it.
     *
     * <p>The octets of long PARAM-VALUEs are kept, by the identity of their string, in a small direct-mapped cache:
     * a thread's events repeat the same thread and logger name strings, which then cost a copy instead of an escape
     * check and a UTF-8 encoding. Strings are immutable, so the same string gives the same octets. Whole
     * three-parameter elements ({@link #element3}) are kept the same way, by the identity of all seven strings, so
     * that the element every event carries (logger, thread, level) costs one copy.
     */
    static final class SdOctets implements SdWriter {
        /** Cache slots (a power of two). */
        static final int SLOTS = 16;
        /** Values shorter than this are encoded each time (as fast as a lookup). */
        static final int MIN_CACHED_CHARS = 16;
        /** Longest octets kept. */
        static final int MAX_CACHED_OCTETS = 256;

        /** Slots of the whole-element cache (a power of two). */
        static final int ELEMENT_SLOTS = 8;
        /** Strings that make an {@link #element3} key: the SD-ID, then three names and values. */
        private static final int KEY_STRINGS = 7;
        /** Longest element kept. */
        static final int MAX_ELEMENT_OCTETS = 512;

        private final SyslogBuffer out;
        private final String[] keys = new String[SLOTS];
        private final byte[][] octets = new byte[SLOTS][];
        private final int[] lengths = new int[SLOTS];
        private final String[] elementKeys = new String[ELEMENT_SLOTS * KEY_STRINGS];
        private final byte[][] elementOctets = new byte[ELEMENT_SLOTS][];
        private final int[] elementLengths = new int[ELEMENT_SLOTS];

        SdOctets(SyslogBuffer out) {
            this.out = out;
        }

        @Override
        public void element(String id) {
            out.write('[');
            Wire.writeAscii(out, id);
        }

        @Override
        public void param(String name, String value) {
            out.write(Wire.SP);
            Wire.writeAscii(out, name);
            out.ensureRoom(2);
            out.put('=');
            out.put('"');
            if (value.length() < MIN_CACHED_CHARS) {
                Wire.writeUtf8(out, value, true);
            } else {
                writeCached(value);
            }
            out.write('"');
        }

        private void writeCached(String value) {
            int slot = System.identityHashCode(value) & (SLOTS - 1);
            if (keys[slot] == value) {
                out.write(octets[slot], 0, lengths[slot]);
                return;
            }
            int start = out.size();
            Wire.writeUtf8(out, value, true);
            int length = out.size() - start;
            if (length <= MAX_CACHED_OCTETS) {
                octets[slot] = keep(octets[slot], start, length, 64);
                lengths[slot] = length;
                keys[slot] = value;
            }
        }

        @Override
        public void end() {
            out.write(']');
        }

        /** The {@code length} octets written from {@code start}, in {@code kept} or in a larger array if it is short. */
        private byte[] keep(byte[] kept, int start, int length, int minCapacity) {
            byte[] into = kept;
            if (into == null || into.length < length) {
                into = new byte[Math.max(minCapacity, Integer.highestOneBit(length - 1) << 1)];
            }
            System.arraycopy(out.array(), start, into, 0, length);
            return into;
        }

        @Override
        public void element3(String id, String name1, String value1, String name2, String value2, String name3,
                String value3) {
            int slot = (31 * System.identityHashCode(value1) + System.identityHashCode(value2))
                    & (ELEMENT_SLOTS - 1);
            String[] k = elementKeys;
            int at = slot * KEY_STRINGS;
            if (k[at] == id && k[at + 1] == name1 && k[at + 2] == value1 && k[at + 3] == name2
                    && k[at + 4] == value2 && k[at + 5] == name3 && k[at + 6] == value3 && id != null) {
                out.write(elementOctets[slot], 0, elementLengths[slot]);
                return;
            }
            int start = out.size();
            SdWriter.super.element3(id, name1, value1, name2, value2, name3, value3);
            int length = out.size() - start;
            if (length <= MAX_ELEMENT_OCTETS) {
                elementOctets[slot] = keep(elementOctets[slot], start, length, 128);
                elementLengths[slot] = length;
                k[at] = id;
                k[at + 1] = name1;
                k[at + 2] = value1;
                k[at + 3] = name2;
                k[at + 4] = value2;
                k[at + 5] = name3;
                k[at + 6] = value3;
            }
        }
    }

    @Override
    public String toString() {
        return "Rfc5424Formatter[bom=" + bom + "]";
    }
}
