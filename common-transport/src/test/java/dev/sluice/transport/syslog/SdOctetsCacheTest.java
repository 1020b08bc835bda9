package dev.sluice.transport.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The PARAM-VALUE cache of {@link Rfc5424Formatter.SdOctets}: a buffer reused for many messages writes exactly the
 * octets a fresh buffer (an empty cache) writes, whatever strings come and go, collide in a slot or are too long to
 * be kept.
 */
class SdOctetsCacheTest {

    private static final char[] ALPHABET = {'a', 'Z', '0', ' ', '.', '-', '"', '\\', ']', '=', 0xE9, 0x20AC, 0xD83D,
        0xDE00};

    @Test
    void aReusedBufferWritesWhatAFreshOneWrites() {
        Random random = new Random(32473);
        // more strings than slots, so that they share slots and replace each other; some too long to be kept
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
}
