package dev.sluice.transport.syslog;

import java.time.Instant;
import java.time.ZoneOffset;

/** Writing pieces of syslog messages into a {@link SyslogBuffer} without allocating. Internal. */
final class Wire {

    static final byte SP = ' ';
    static final byte NILVALUE = '-';
    /** What stands for a character that may not appear in a header field. */
    static final byte REPLACEMENT = '_';

    private static final int SECONDS_PER_DAY = 86_400;

    private Wire() {
    }

    /** Whether {@code c} is PRINTUSASCII (RFC 5424: %d33-126). */
    static boolean isPrintUsAscii(int c) {
        return c > ' ' && c < 127;
    }

    /** Whether {@code b} is a UTF-8 continuation octet (10xxxxxx). */
    static boolean isContinuation(byte b) {
        return (b & 0xC0) == 0x80;
    }

    /** {@code <PRI>} for every priority 0-191, written once. */
    private static final byte[][] PRI = new byte[192][];

    static {
        for (int i = 0; i < PRI.length; i++) {
            PRI[i] = ("<" + i + ">").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    static void writePri(SyslogBuffer out, int pri) {
        if (pri >= 0 && pri < PRI.length) {
            out.write(PRI[pri]);
            return;
        }
        out.ensureRoom(5);
        out.put('<');
        writeDecimal(out, pri);
        out.put('>');
    }

    /** A non-negative number in decimal, without allocating. */
    static void writeDecimal(SyslogBuffer out, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("value: " + value + " (expected: >= 0)");
        }
        int digits = decimalLength(value);
        out.ensureRoom(digits);
        int end = out.size() + digits;
        byte[] a = out.array();
        int i = end;
        long v = value;
        while (v > Integer.MAX_VALUE) { // rare: long division only above 2^31
            long q = v / 100;
            int r = (int) (v - q * 100);
            a[--i] = DIGIT_ONES[r];
            a[--i] = DIGIT_TENS[r];
            v = q;
        }
        int w = (int) v;
        while (w >= 100) { // two digits per division
            int q = w / 100;
            int r = w - q * 100;
            a[--i] = DIGIT_ONES[r];
            a[--i] = DIGIT_TENS[r];
            w = q;
        }
        if (w >= 10) {
            a[--i] = DIGIT_ONES[w];
            a[--i] = DIGIT_TENS[w];
        } else {
            a[--i] = (byte) ('0' + w);
        }
        out.size(end);
    }

    /** For 0-99: the tens digit and the ones digit, as ASCII. */
    private static final byte[] DIGIT_TENS = new byte[100];
    private static final byte[] DIGIT_ONES = new byte[100];

    static {
        for (int k = 0; k < 100; k++) {
            DIGIT_TENS[k] = (byte) ('0' + k / 10);
            DIGIT_ONES[k] = (byte) ('0' + k % 10);
        }
    }

    /** Number of decimal digits of a non-negative long. */
    static int decimalLength(long value) {
        if (value <= Integer.MAX_VALUE) {
            return decimalLength((int) value);
        }
        int digits = 10;
        for (long v = value / 10_000_000_000L; v > 0; v /= 10) {
            digits++;
        }
        return digits;
    }

    /** Number of decimal digits of a non-negative int. */
    static int decimalLength(int value) {
        // comparisons, not divisions
        return value < 10 ? 1 : value < 100 ? 2 : value < 1_000 ? 3 : value < 10_000 ? 4 : value < 100_000 ? 5
                : value < 1_000_000 ? 6 : value < 10_000_000 ? 7 : value < 100_000_000 ? 8
                : value < 1_000_000_000 ? 9 : 10;
    }

    /**
     * A header field: NILVALUE for {@code null} or empty text, otherwise at most {@code maxOctets} octets where
     * every character outside PRINTUSASCII (a surrogate pair counting as one) becomes {@code '_'} and any
     * character for which {@code alsoReplace} is true, too.
     */
    static void writeHeaderField(SyslogBuffer out, String text, int maxOctets, String alsoReplace) {
        if (text == null || text.isEmpty()) {
            out.write(NILVALUE);
            return;
        }
        int n = Math.min(text.length(), maxOctets);
        out.ensureRoom(n);
        int written = 0;
        for (int i = 0; i < text.length() && written < maxOctets; i++, written++) {
            char c = text.charAt(i);
            if (isPrintUsAscii(c) && alsoReplace.indexOf(c) < 0) {
                out.put(c);
            } else {
                if (Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                }
                out.put(REPLACEMENT);
            }
        }
    }

    /**
     * {@code text} as UTF-8. With {@code escapeSd}, {@code '"'}, {@code '\'} and {@code ']'} get a backslash before
     * them (RFC 5424 PARAM-VALUE). An unpaired surrogate becomes {@code '?'}, as {@link String#getBytes} does.
     */
    static void writeUtf8(SyslogBuffer out, String text, boolean escapeSd) {
        int length = text.length();
        if (length >= BULK_UTF8_MIN && length <= SyslogBuffer.MAX_BULK_CHARS
                && (!escapeSd || !needsSdEscape(text))) {
            out.putUtf8Bulk(text, length); // the same octets, faster (WireUtf8Test)
            return;
        }
        writeUtf8ByChar(out, text, escapeSd);
    }

    /**
     * The first {@code length} chars of {@code text} as UTF-8, unescaped: message text, cut early by the encoder. A
     * high surrogate whose low one is cut off becomes {@code '?'}, as an unpaired one does.
     */
    static void writeUtf8(SyslogBuffer out, String text, int length) {
        if (length >= BULK_UTF8_MIN && length <= SyslogBuffer.MAX_BULK_CHARS) {
            out.putUtf8Bulk(text, length);
        } else {
            writeUtf8ByChar(out, text, length, false);
        }
    }

    /** Below this many chars the loop of {@link #writeUtf8ByChar} is as fast as the bulk path. */
    static final int BULK_UTF8_MIN = 16;

    private static boolean needsSdEscape(String text) {
        return text.indexOf('"') >= 0 || text.indexOf('\\') >= 0 || text.indexOf(']') >= 0;
    }

    /** {@link #writeUtf8} one char at a time: short text, text with octets to escape, very long text. */
    static void writeUtf8ByChar(SyslogBuffer out, String text, boolean escapeSd) {
        writeUtf8ByChar(out, text, text.length(), escapeSd);
    }

    /** {@link #writeUtf8ByChar(SyslogBuffer, String, boolean)} of the first {@code length} chars of {@code text}. */
    static void writeUtf8ByChar(SyslogBuffer out, String text, int length, boolean escapeSd) {
        // Worst case: 3 octets per UTF-16 unit (a surrogate pair is 2 units for 4 octets); 2 with an escape.
        out.ensureRoom(length * 3);
        byte[] a = out.array();
        int p = out.size();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                if (escapeSd && (c == '"' || c == '\\' || c == ']')) {
                    a[p++] = '\\';
                }
                a[p++] = (byte) c;
            } else if (c < 0x800) {
                a[p++] = (byte) (0xC0 | c >> 6);
                a[p++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, text.charAt(++i));
                    a[p++] = (byte) (0xF0 | cp >> 18);
                    a[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
                    a[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
                    a[p++] = (byte) (0x80 | cp & 0x3F);
                } else {
                    a[p++] = '?';
                }
            } else {
                a[p++] = (byte) (0xE0 | c >> 12);
                a[p++] = (byte) (0x80 | c >> 6 & 0x3F);
                a[p++] = (byte) (0x80 | c & 0x3F);
            }
        }
        out.size(p);
    }

    /** ASCII text known to be printable and short (names checked at construction). */
    @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int) is exactly right for ASCII, and a bulk copy
    static void writeAscii(SyslogBuffer out, String ascii) {
        int n = ascii.length();
        out.ensureRoom(n);
        ascii.getBytes(0, n, out.array(), out.size());
        out.size(out.size() + n);
    }

    /**
     * RFC 3339 / RFC 5424 TIMESTAMP: {@code YYYY-MM-DDThh:mm:ss[.fff|.ffffff](Z|+hh:mm|-hh:mm)}.
     *
     * <p>Fraction: none when the microseconds are 0, 3 digits when they are whole milliseconds, else 6 digits
     * (nanoseconds below a microsecond are cut). Offset: {@code Z} for UTC, else {@code ±hh:mm}; an offset with
     * seconds (only historical zones have them) cannot be written, so the time is written in UTC instead, which
     * keeps the instant exact.
     *
     * @return {@code false}, writing nothing, when the year in that offset is outside 0000-9999
     */
    static boolean writeRfc3339(SyslogBuffer out, Instant instant, ZoneOffset offset) {
        return writeRfc3339(out, instant, offset, null);
    }

    /**
     * The last second written as {@code YYYY-MM-DDThh:mm:ss} (19 octets), for {@link #writeRfc3339(SyslogBuffer,
     * Instant, ZoneOffset, SecondCache)}: events come many to the second, so the date arithmetic runs once per
     * second rather than per event. Shared between threads: the entry is immutable and replaced whole.
     */
    static final class SecondCache {
        private volatile Entry last;

        private record Entry(long localSecond, byte[] octets) {
        }
    }

    /** As {@link #writeRfc3339(SyslogBuffer, Instant, ZoneOffset)}, reusing {@code cache} (may be null). */
    static boolean writeRfc3339(SyslogBuffer out, Instant instant, ZoneOffset offset, SecondCache cache) {
        int offsetSeconds = offset.getTotalSeconds();
        if (offsetSeconds % 60 != 0) {
            offsetSeconds = 0;
        }
        long local = instant.getEpochSecond() + offsetSeconds;
        SecondCache.Entry cached = cache == null ? null : cache.last;
        out.ensureRoom(32);
        if (cached != null && cached.localSecond == local) {
            System.arraycopy(cached.octets, 0, out.array(), out.size(), cached.octets.length);
            out.size(out.size() + cached.octets.length);
        } else {
            long days = Math.floorDiv(local, SECONDS_PER_DAY);
            int secondOfDay = Math.floorMod(local, SECONDS_PER_DAY);
            long ymd = civilFromDays(days);
            if (ymd == Long.MIN_VALUE) {
                return false;
            }
            int start = out.size();
            put4(out, (int) (ymd >> 16));
            out.put('-');
            put2(out, (int) (ymd >> 8 & 0xFF));
            out.put('-');
            put2(out, (int) (ymd & 0xFF));
            out.put('T');
            putTime(out, secondOfDay);
            if (cache != null) {
                cache.last = new SecondCache.Entry(local, out.toByteArray(start));
            }
        }
        int micros = instant.getNano() / 1000;
        if (micros != 0) {
            out.put('.');
            if (micros % 1000 == 0) {
                put3(out, micros / 1000);
            } else {
                put3(out, micros / 1000);
                put3(out, micros % 1000);
            }
        }
        if (offsetSeconds == 0) {
            out.put('Z');
        } else {
            int abs = Math.abs(offsetSeconds);
            out.put(offsetSeconds < 0 ? '-' : '+');
            put2(out, abs / 3600);
            out.put(':');
            put2(out, abs / 60 % 60);
        }
        return true;
    }

    private static final byte[][] MONTHS = {
        {'J', 'a', 'n'}, {'F', 'e', 'b'}, {'M', 'a', 'r'}, {'A', 'p', 'r'}, {'M', 'a', 'y'}, {'J', 'u', 'n'},
        {'J', 'u', 'l'}, {'A', 'u', 'g'}, {'S', 'e', 'p'}, {'O', 'c', 't'}, {'N', 'o', 'v'}, {'D', 'e', 'c'},
    };

    /**
     * RFC 3164 TIMESTAMP {@code Mmm dd hh:mm:ss} in {@code offset}: English month abbreviation whatever the
     * locale, the day padded with a space ({@code "Jan  5"}), no year, no fraction, no zone.
     */
    static void writeRfc3164Timestamp(SyslogBuffer out, Instant instant, ZoneOffset offset) {
        long local = instant.getEpochSecond() + offset.getTotalSeconds();
        long days = Math.floorDiv(local, SECONDS_PER_DAY);
        int secondOfDay = Math.floorMod(local, SECONDS_PER_DAY);
        long ymd = civilFromDaysUnchecked(days);
        int month = (int) (ymd >> 8 & 0xFF);
        int day = (int) (ymd & 0xFF);
        out.ensureRoom(15);
        byte[] name = MONTHS[month - 1];
        out.put(name[0]);
        out.put(name[1]);
        out.put(name[2]);
        out.put(' ');
        out.put(day < 10 ? ' ' : '0' + day / 10);
        out.put('0' + day % 10);
        out.put(' ');
        putTime(out, secondOfDay);
    }

    private static void putTime(SyslogBuffer out, int secondOfDay) {
        put2(out, secondOfDay / 3600);
        out.put(':');
        put2(out, secondOfDay / 60 % 60);
        out.put(':');
        put2(out, secondOfDay % 60);
    }

    private static void put2(SyslogBuffer out, int v) {
        out.put('0' + v / 10);
        out.put('0' + v % 10);
    }

    private static void put3(SyslogBuffer out, int v) {
        out.put('0' + v / 100);
        out.put('0' + v / 10 % 10);
        out.put('0' + v % 10);
    }

    private static void put4(SyslogBuffer out, int v) {
        out.put('0' + v / 1000);
        out.put('0' + v / 100 % 10);
        out.put('0' + v / 10 % 10);
        out.put('0' + v % 10);
    }

    /** {@code year << 16 | month << 8 | day}, or {@code Long.MIN_VALUE} if the year is outside 0-9999. */
    private static long civilFromDays(long days) {
        long ymd = civilFromDaysUnchecked(days);
        long year = ymd >> 16;
        return year < 0 || year > 9999 ? Long.MIN_VALUE : ymd;
    }

    /**
     * Proleptic Gregorian date of a day count from 1970-01-01 (H. Hinnant's {@code civil_from_days}), packed as
     * {@code year << 16 | month << 8 | day}.
     */
    private static long civilFromDaysUnchecked(long days) {
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long day = doy - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        return year << 16 | month << 8 | day;
    }
}
