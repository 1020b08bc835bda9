package dev.sluice.transport.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The bulk path of {@link Wire#writeUtf8} writes exactly the octets of the char-by-char one. */
class WireUtf8Test {

    /** ASCII, SD specials, 2- and 3-octet chars, both surrogate halves (paired and unpaired), control chars. */
    private static final char[] ALPHABET = {'a', 'Z', '0', ' ', '"', '\\', ']', '=', '\n', '\t', 0x7F, 0x80, 0xE9,
        0x7FF, 0x800, 0x20AC, 0xFFFD, 0xD83D, 0xDE00, 0xDBFF, 0xDC00};

    @Test
    void bulkAndCharByCharAgreeOnRandomText() {
        Random random = new Random(5424);
        SyslogBuffer reused = new SyslogBuffer(4);
        for (int i = 0; i < 20_000; i++) {
            int length = random.nextInt(4 * Wire.BULK_UTF8_MIN + 300);
            StringBuilder sb = new StringBuilder(length);
            boolean ascii = random.nextBoolean();
            for (int k = 0; k < length; k++) {
                sb.append(ascii ? (char) (' ' + random.nextInt(95)) : ALPHABET[random.nextInt(ALPHABET.length)]);
            }
            String text = sb.toString();
            for (boolean escape : new boolean[] {false, true}) {
                byte[] expected = written(new SyslogBuffer(8), text, escape, false);
                assertThat(written(new SyslogBuffer(8), text, escape, true)).as("%s, escape %s", text, escape)
                        .isEqualTo(expected);
                // a buffer reused across texts of every length, as on a logging thread
                reused.reset();
                assertThat(written(reused, text, escape, true)).isEqualTo(expected);
            }
            byte[] jdk = ("[" + text).getBytes(StandardCharsets.UTF_8);
            assertThat(written(new SyslogBuffer(8), text, false, true)).isEqualTo(jdk);
        }
    }

    @Test
    void textLongerThanTheBulkLimitIsWrittenAllTheSame() {
        String text = "\u00e9".repeat(100) + "x".repeat(SyslogBuffer.MAX_BULK_CHARS) + "\uD83D\uDE00";
        assertThat(written(new SyslogBuffer(8), text, false, true))
                .isEqualTo(("[" + text).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theBulkPathAllocatesNothingOnceWarm() {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        org.junit.jupiter.api.Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported()
                && threads.isThreadAllocatedMemoryEnabled());
        SyslogBuffer out = new SyslogBuffer();
        String text = "event 123456 " + "x".repeat(100) + " \u00e9\u20ac";
        for (int i = 0; i < 20_000; i++) {
            out.reset();
            Wire.writeUtf8(out, text, false);
        }
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 10_000; i++) {
            out.reset();
            Wire.writeUtf8(out, text, false);
        }
        assertThat(threads.getThreadAllocatedBytes(id) - before).isLessThan(10_000);
    }

    private static byte[] written(SyslogBuffer out, String text, boolean escape, boolean bulk) {
        out.write('['); // not at the start of the buffer
        if (bulk) {
            Wire.writeUtf8(out, text, escape);
        } else {
            Wire.writeUtf8ByChar(out, text, escape);
        }
        return out.toByteArray();
    }
}
