package dev.sluice.transport.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ids the server acknowledged ahead of the spool's head ({@link Spool#deliveredAhead()}, the file
 * {@code delivered-ahead}): kept across a restart, forgotten as the head passes them, and a damaged file never stops
 * the open: it is reported, and its records are sent again (at least once).
 */
class SpoolDeliveredAheadTest {

    @TempDir
    Path dir;

    private final RecordingListener listener = new RecordingListener();
    private Spool spool;

    private Spool open() throws IOException {
        spool = Spool.open(SpoolConfig.builder(dir).listener(listener).minFreeDiskSpace(0)
                .fsyncInterval(Duration.ofMillis(20)).build());
        return spool;
    }

    private Spool reopen() throws IOException {
        spool.close();
        return open();
    }

    @AfterEach
    void closeSpool() throws IOException {
        if (spool != null) {
            spool.close();
        }
    }

    private List<Long> held(long from, long to) {
        return LongStream.rangeClosed(from, to).filter(spool.deliveredAhead()::contains).boxed().toList();
    }

    @Test
    void idsDeliveredAheadSurviveARestartAndAreForgottenAsTheHeadPassesThem() throws Exception {
        open();
        Records.append(spool, 1, 10);
        for (long id : new long[] {3, 4, 7, 9}) {
            assertThat(spool.deliveredAhead().add(id)).isTrue();
        }
        reopen();
        assertThat(held(1, 10)).containsExactly(3L, 4L, 7L, 9L);

        spool.acknowledge(spool.peek(4).get(3));
        assertThat(held(1, 10)).containsExactly(7L, 9L);
        reopen();
        assertThat(held(1, 10)).containsExactly(7L, 9L);
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(5, 10));

        List<SpoolRecord> rest = spool.peek(10);
        spool.acknowledge(rest.get(rest.size() - 1));
        reopen();
        assertThat(spool.deliveredAhead().isEmpty()).isTrue();
        assertThat(dir.resolve(Spool.DELIVERED_AHEAD_FILE)).doesNotExist();
        assertThat(listener.events).isEmpty();
    }

    /** A {@code kill -9} does not close the spool: the flush thread has written the file already. */
    @Test
    void theFlushThreadWritesTheFileWithoutAClose() throws Exception {
        open();
        Records.append(spool, 1, 5);
        spool.deliveredAhead().add(2);
        Path file = dir.resolve(Spool.DELIVERED_AHEAD_FILE);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file));
        byte[] written = Files.readAllBytes(file);
        assertThat(SpoolFormat.checkDeliveredAhead(written, new java.util.zip.CRC32C())).isNull();
        assertThat(SpoolFormat.deliveredAheadRanges(written)).containsExactly(2, 2);
    }

    @ParameterizedTest(name = "damage at octet {0}")
    @ValueSource(ints = {0, 5, 9, 14, 20, 27, -1})
    void aDamagedOrTornFileIsQuarantinedAndReportedAndItsRecordsAreSentAgain(int damageAt) throws Exception {
        open();
        Records.append(spool, 1, 10);
        spool.deliveredAhead().add(3);
        spool.deliveredAhead().add(5);
        spool.close();
        Path file = dir.resolve(Spool.DELIVERED_AHEAD_FILE);
        byte[] b = Files.readAllBytes(file);
        if (damageAt < 0) {
            b = Arrays.copyOf(b, b.length - 3); // torn
        } else {
            b[damageAt] ^= 0x10;
        }
        Files.write(file, b);

        open();
        assertThat(listener.of("quarantined")).singleElement().asString()
                .startsWith("quarantined: " + Spool.DELIVERED_AHEAD_FILE + " delivered-ahead ");
        assertThat(spool.deliveredAhead().isEmpty()).isTrue();
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 10));
        reopen();
        assertThat(listener.of("quarantined")).hasSize(1);
    }

    /**
     * Ids above the highest one in the segments: the file outlived records a power cut took ({@code fsync=interval});
     * those ids will be given to new records, which must not be taken for delivered.
     */
    @Test
    void idsAboveTheHighestSpooledOneAreForgottenOnOpen() throws Exception {
        open();
        Records.append(spool, 1, 10);
        spool.close();
        Files.write(dir.resolve(Spool.DELIVERED_AHEAD_FILE),
                SpoolFormat.deliveredAhead(new long[] {4, 4, 10, 12}, new java.util.zip.CRC32C()));
        open();
        assertThat(held(1, 20)).containsExactly(4L, 10L);
        assertThat(listener.events).isEmpty();
    }

    @Test
    void idsAreKeptAsRangesCountedAndBounded() throws Exception {
        open();
        DeliveredAhead ahead = spool.deliveredAhead();
        for (long id : new long[] {5, 7, 6, 1, 3, 2}) {
            assertThat(ahead.add(id)).isTrue();
        }
        assertThat(ahead.ranges()).isEqualTo(2); // 1..3, 5..7
        assertThat(ahead.countIn(2, 6)).isEqualTo(4);
        assertThat(ahead.countIn(4, 4)).isZero();
        for (long id = 10; ahead.ranges() < DeliveredAhead.MAX_RANGES; id += 2) {
            assertThat(ahead.add(id)).isTrue();
        }
        long beyond = 10L + 2L * DeliveredAhead.MAX_RANGES + 100;
        assertThat(ahead.add(beyond)).isFalse();
        assertThat(ahead.contains(beyond)).isFalse();
        assertThat(ahead.add(4)).isTrue(); // joins two ranges: room for one more
        assertThat(ahead.add(beyond)).isTrue();
    }
}
