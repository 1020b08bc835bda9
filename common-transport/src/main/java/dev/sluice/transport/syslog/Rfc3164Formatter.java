package dev.sluice.transport.syslog;

/**
 * Writes RFC 3164 ("BSD syslog") messages for legacy receivers:
 * <pre>
 * &lt;PRI&gt;TIMESTAMP SP HOSTNAME SP TAG["[" PROCID "]"] ":" [SP MSG]
 * </pre>
 *
 * <ul>
 *   <li><b>TIMESTAMP</b>: classic {@code Mmm dd hh:mm:ss} in the message's offset (English month names whatever
 *       the locale, day padded with a space: {@code "Jan  5"}; no year, no zone, whole seconds). With
 *       {@code rfc3339Timestamp} on, an RFC 3339 timestamp as in RFC 5424 instead
 *       ({@code 2026-01-05T09:00:00.123456+01:00}), which is what rsyslog's own {@code RSYSLOG_ForwardFormat}
 *       sends and what its RFC 3164 parser (used by {@code imudp}, {@code imtcp}, {@code imptcp}) accepts; it
 *       keeps the year, the zone and the fraction. Default: off, for receivers other than rsyslog.</li>
 *   <li><b>HOSTNAME</b>: as given, not shortened to its first label, with characters outside printable US-ASCII
 *       replaced by {@code '_'} and cut to 255 octets; {@code -} when empty (RFC 3164 has no NILVALUE, but a
 *       missing field would shift the TAG into its place).</li>
 *   <li><b>TAG</b>: the APP-NAME, cut to {@value #MAX_TAG} characters. RFC 3164 asks for alphanumerics only; we
 *       also keep {@code '-'}, {@code '_'} and {@code '.'}, which rsyslog and syslog-ng take as part of the tag
 *       and which common application names contain ({@code billing-api}); any other character becomes
 *       {@code '_'} (so a space, {@code ':'}, {@code '['} or {@code '/'} cannot end the tag early or change the
 *       program name rsyslog derives). Empty: {@code -}.</li>
 *   <li><b>PROCID</b>: {@code [procid]} right after the tag when present; printable US-ASCII without {@code '['},
 *       {@code ']'} and {@code ':'}, cut to 128 octets.</li>
 *   <li><b>MSG</b>: after {@code ": "}, UTF-8 without BOM. MSGID and structured data have no place in RFC 3164
 *       and are not written.</li>
 * </ul>
 * RFC 3164 limits a packet to 1024 octets; this formatter does not, {@code maxMessageSize} does (see
 * {@link SyslogEncoder}).
 *
 * <p>Immutable and thread-safe.
 */
public final class Rfc3164Formatter extends SyslogFormatter {

    /** Whether the RFC 3339 timestamp replaces the classic one unless configured otherwise. */
    public static final boolean DEFAULT_RFC3339_TIMESTAMP = false;
    /** Longest TAG, in characters (= octets, ASCII only); RFC 3164 section 4.1.3. */
    public static final int MAX_TAG = 32;
    /** Longest HOSTNAME, in octets. */
    public static final int MAX_HOSTNAME = 255;
    /** Longest PROCID, in octets. */
    public static final int MAX_PROCID = 128;

    private final boolean rfc3339Timestamp;

    /** A formatter with the classic timestamp. */
    public Rfc3164Formatter() {
        this(DEFAULT_RFC3339_TIMESTAMP);
    }

    /** A formatter with an RFC 3339 timestamp if {@code rfc3339Timestamp}, else the classic one. */
    public Rfc3164Formatter(boolean rfc3339Timestamp) {
        this.rfc3339Timestamp = rfc3339Timestamp;
    }

    /** Whether the timestamp is RFC 3339 rather than {@code Mmm dd hh:mm:ss}. */
    public boolean rfc3339Timestamp() {
        return rfc3339Timestamp;
    }

    @Override
    public SyslogFormat format() {
        return SyslogFormat.RFC3164;
    }

    @Override
    int formatTo(SyslogFields m, long sequenceId, SyslogBuffer out, int maxTextChars) {
        Wire.writePri(out, m.priority());
        if (!rfc3339Timestamp || !Wire.writeRfc3339(out, m.timestamp(), m.offset())) {
            Wire.writeRfc3164Timestamp(out, m.timestamp(), m.offset());
        }
        out.write(Wire.SP);
        Wire.writeHeaderField(out, m.hostname(), MAX_HOSTNAME, "");
        out.write(Wire.SP);
        writeTag(out, m.appName());
        String procId = m.procId();
        if (procId != null && !procId.isEmpty()) {
            out.write('[');
            Wire.writeHeaderField(out, procId, MAX_PROCID, "[]:");
            out.write(']');
        }
        out.write(':');
        int headerEnd = out.size();
        String text = m.message();
        if (text != null && !text.isEmpty()) {
            out.write(Wire.SP);
            Wire.writeUtf8(out, text, Math.min(text.length(), maxTextChars));
        }
        return headerEnd;
    }

    @Override
    int messagePrefixLength() {
        return 1;
    }

    private static void writeTag(SyslogBuffer out, String appName) {
        if (appName == null || appName.isEmpty()) {
            out.write(Wire.NILVALUE);
            return;
        }
        out.ensureRoom(MAX_TAG);
        int written = 0;
        for (int i = 0; i < appName.length() && written < MAX_TAG; i++, written++) {
            char c = appName.charAt(i);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.') {
                out.put(c);
            } else {
                if (Character.isHighSurrogate(c) && i + 1 < appName.length()
                        && Character.isLowSurrogate(appName.charAt(i + 1))) {
                    i++;
                }
                out.put(Wire.REPLACEMENT);
            }
        }
    }

    @Override
    public String toString() {
        return "Rfc3164Formatter[rfc3339Timestamp=" + rfc3339Timestamp + "]";
    }
}
