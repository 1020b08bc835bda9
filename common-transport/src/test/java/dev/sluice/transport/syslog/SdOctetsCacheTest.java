package dev.sluice.transport.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The PARAM-VALUE and whole-element caches of {@link Rfc5424Formatter.SdOctets}: a buffer reused for many messages
 * writes exactly the octets a fresh buffer (empty caches) writes, whatever strings come and go, collide in a slot or
 * are too long to be kept.
 */
class SdOctetsCacheTest {

    private static final char[] ALPHABET = {'a', 'Z', '0', ' ', '.', '-', '"', '\\', ']', '=', 0xE9, 0x20AC, 0xD83D,
        0xDE00};

    @Test
    void aReusedBufferWritesWhatAFreshOneWrites() {
        Random random = new Random(32473);
        List<String> pool = pool(random);
        SyslogEncoder encoder = SyslogEncoder.builder().build();
        SyslogBuffer reused = new SyslogBuffer(16);
        for (int n = 0; n < 20_000; n++) {
            String logger = pool.get(random.nextInt(pool.size()));
            // an equal string that is another object: must not be taken for the cached one, nor break it
            String thread = random.nextBoolean() ? pool.get(random.nextInt(pool.size()))
                    : new String(pool.get(random.nextInt(pool.size())));
            SyslogMessage m = SyslogMessage.builder().timestamp(Instant.ofEpochSecond(1_800_000_000L, n * 1000L))
                    .structuredData(StructuredData.of(SdElement.of("log@32473", "logger", logger, "thread", thread,
                            "level", "INFO")))
                    .message("event " + n).build();
            SyslogBuffer fresh = new SyslogBuffer();
            encoder.encodeTo(m, n, fresh);
            reused.reset();
            encoder.encodeTo(m, n, reused);
            assertThat(reused.toByteArray()).as("message %d", n).isEqualTo(fresh.toByteArray());
        }
    }

    /**
     * {@code element3} from a reused writer gives the octets of {@code element}, three {@code param}s and
     * {@code end} on a fresh one: for repeated, colliding, equal-but-distinct and too long strings, and for names
     * and IDs that change while the values stay.
     */
    @Test
    void aWholeElementFromTheCacheIsTheElementWrittenParamByParam() {
        Random random = new Random(5424);
        List<String> pool = pool(random);
        // few enough that most calls hit the element cache, more than its slots so that they collide
        List<String> loggers = pool.subList(0, 3 * Rfc5424Formatter.SdOctets.ELEMENT_SLOTS);
        String[] ids = {"log@32473", "other@32473"};
        String[] names = {"logger", "thread", "level", "name"};
        String[] levels = {"INFO", "WARN", new String("INFO")};
        SyslogBuffer reused = new SyslogBuffer(16);
        for (int n = 0; n < 20_000; n++) {
            String id = ids[random.nextInt(8) == 0 ? 1 : 0];
            String name1 = names[random.nextInt(8) == 0 ? 3 : 0];
            String value1 = random.nextInt(10) == 0 ? pool.get(random.nextInt(pool.size()))
                    : loggers.get(random.nextInt(loggers.size()));
            String value2 = random.nextInt(4) == 0 ? new String(loggers.get(random.nextInt(4)))
                    : loggers.get(random.nextInt(4));
            String value3 = levels[random.nextInt(levels.length)];
            SyslogBuffer fresh = new SyslogBuffer();
            SdWriter expected = fresh.sdOctets();
            expected.element(id);
            expected.param(name1, value1);
            expected.param("thread", value2);
            expected.param("level", value3);
            expected.end();
            reused.reset();
            reused.sdOctets().element3(id, name1, value1, "thread", value2, "level", value3);
            assertThat(reused.toByteArray()).as("element %d", n).isEqualTo(fresh.toByteArray());
        }
    }

    /** Random strings with octets to escape and non-ASCII text; more than the slots, some too long to be kept. */
    private static List<String> pool(Random random) {
        List<String> pool = new ArrayList<>();
        for (int i = 0; i < 3 * Rfc5424Formatter.SdOctets.SLOTS; i++) {
            int length = i % 7 == 0 ? Rfc5424Formatter.SdOctets.MAX_CACHED_OCTETS + random.nextInt(40)
                    : Rfc5424Formatter.SdOctets.MIN_CACHED_CHARS - 2 + random.nextInt(120);
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < length; k++) {
                sb.append(random.nextInt(4) == 0 ? ALPHABET[random.nextInt(ALPHABET.length)]
                        : (char) ('a' + random.nextInt(26)));
            }
            pool.add(sb.toString());
        }
        return pool;
    }
}
