package dev.sluice.transport.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The active segment written through a memory mapping: what a killed process leaves (records, then zeros up to the
 * mapped size) is read as records followed by unwritten space; a closed spool is plain format v1; stores go only
 * into space that write calls reserved first, so a full disk is an IOException and never a SIGBUS.
 */
class SpoolMappedTailTest {

    /** Records.message is 200 octets, so a record is 232. */
    private static final int RECORD = 232;

    @TempDir
    Path dir;

    private final RecordingListener listener = new RecordingListener();
    private Spool spool;

    /**
     * Dropped mappings are released only by the GC, and past {@link Spool#MAX_DROPPED_MAPPINGS} in this JVM (other
     * tests drop many) a new segment is written with write calls: start each test below that.
     */
    @BeforeEach
    void letTheGcReleaseEarlierMappings() {
        awaitDroppedMappingsReleased();
    }

    private static void awaitDroppedMappingsReleased() {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return Spool.droppedMappings() < Spool.MAX_DROPPED_MAPPINGS / 2;
        });
    }

    @AfterEach
    void closeSpool() throws IOException {
        if (spool != null) {
            spool.close();
        }
    }

    private SpoolConfig.Builder config(Path directory) {
        return SpoolConfig.builder(directory).listener(listener).minFreeDiskSpace(0);
    }

    @Test
    void theActiveSegmentIsMappedAndAClosedSpoolIsCutBackToItsRecords() throws Exception {
        spool = Spool.open(config(dir).build());
        Records.append(spool, 1, 10);
        Spool.Tail tail = spool.tail();
        assertThat(tail.mapped()).isTrue();
        assertThat(tail.end()).isEqualTo(32 + 10 * RECORD);
        // While open, the file is as long as the mapping, zeros after the records.
        Path segment = segment(dir, 1);
        assertThat(Files.size(segment)).isEqualTo(tail.mapSize()).isGreaterThan(tail.end());
        byte[] open = Files.readAllBytes(segment);
        assertThat(SpoolFormat.withoutZeroTail(open, open.length)).isLessThanOrEqualTo((int) tail.end());
        spool.close();

        assertThat(Files.size(segment)).isEqualTo(32 + 10 * RECORD);
        // Byte for byte what the write-call path writes.
        Path plain = dir.resolve("plain");
        try (Spool s = Spool.open(config(plain).memoryMapped(false).build())) {
            Records.append(s, 1, 10);
        }
        assertThat(Files.readAllBytes(segment)).isEqualTo(Files.readAllBytes(segment(plain, 1)));
        assertThat(listener.events).isEmpty();
    }

    @Test
    void damageToTheActiveSegmentWhileOpenIsFoundAtReadSkippedAndReportedAndTheRestReadInOrder() throws Exception {
        spool = Spool.open(config(dir).build());
        Records.append(spool, 1, 40);
        assertThat(spool.tail().mapped()).isTrue();
        // After the append, outside the spool: the mapping and this write share the page cache.
        long at = 32 + 24L * RECORD; // record 25
        try (FileChannel ch = FileChannel.open(segment(dir, 1), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {(byte) 0xff}), at + 50);
        }
        List<Long> expected = new ArrayList<>(Records.range(1, 40));
        expected.remove(Long.valueOf(25));

        assertThat(Records.readAll(spool)).isEqualTo(expected);
        assertThat(spool.corruptRegions()).isEqualTo(1);
        assertThat(listener.of("corrupt")).singleElement().asString().contains("@" + at + " +" + RECORD);
        // read again from the start: the damaged record is stepped over, not reported twice
        assertThat(Records.readAll(spool)).isEqualTo(expected);
        assertThat(spool.corruptRegions()).isEqualTo(1);
        Records.append(spool, 41, 45);
        expected.addAll(Records.range(41, 45));
        assertThat(Records.readAll(spool)).isEqualTo(expected);
    }

    @Test
    void aZeroTailAfterTheLastRecordIsUnwrittenSpaceAndAppendsGoOnAfterTheLastRecord() throws Exception {
        spool = Spool.open(config(dir).build());
        Records.append(spool, 1, 7);
        spool.close();
        // What a kill -9 leaves: the records, then the zeros of the mapped size.
        appendZeros(segment(dir, 1), 64 * 1024);

        spool = Spool.open(config(dir).build());
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 7));
        assertThat(spool.tail().end()).isEqualTo(32 + 7 * RECORD);
        Records.append(spool, 8, 9);
        spool.close();
        assertThat(Files.size(segment(dir, 1))).isEqualTo(32 + 9 * RECORD);

        spool = Spool.open(config(dir).build());
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 9));
        assertThat(listener.events).isEmpty();
        assertThat(spool.tornTails()).isZero();
        assertThat(spool.corruptRegions()).isZero();
    }

    @Test
    void aZeroTailInAnOlderSegmentIsUnwrittenSpaceToo() throws Exception {
        SpoolConfig.Builder small = config(dir).segmentSize(8 * 1024);
        spool = Spool.open(small.build());
        Records.append(spool, 1, 80);
        spool.close();
        // A kill between the roll and cutting the old segment back would leave this.
        appendZeros(segment(dir, 1), 8 * 1024);

        spool = Spool.open(small.build());
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 80));
        assertThat(listener.events).isEmpty();
        spool.close();
        assertThat(Files.size(segment(dir, 1))).isEqualTo(32 + 35 * RECORD);
    }

    @Test
    void aRecordCutShortByAKillIsATornTailReportedWithoutTheZerosAfterIt() throws Exception {
        spool = Spool.open(config(dir).build());
        Records.append(spool, 1, 5);
        spool.close();
        // The copy into the mapping was cut short: the first 100 octets of record 6, then zeros.
        byte[] record6 = new byte[RECORD];
        SpoolFormat.encodeRecord(record6, 0, 6, Records.time(6).getEpochSecond(), Records.time(6).getNano(),
                Records.message(6), new java.util.zip.CRC32C());
        Files.write(segment(dir, 1), Arrays.copyOf(record6, 100), java.nio.file.StandardOpenOption.APPEND);
        appendZeros(segment(dir, 1), 16 * 1024);

        spool = Spool.open(config(dir).build());
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 5));
        long at = 32 + 5 * RECORD;
        assertThat(listener.of("torn")).singleElement().asString().contains("@" + at + " +100 ");
        assertThat(listener.of("corrupt")).isEmpty();
        assertThat(Files.size(dir.resolve("quarantine").resolve(segment(dir, 1).getFileName() + "@" + at + ".bad")))
                .isEqualTo(100);
        Records.append(spool, 6, 6);
        spool.close();
        listener.events.clear();
        spool = Spool.open(config(dir).build());
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 6));
        assertThat(listener.events).isEmpty();
    }

    @Test
    void aRecordWhoseFirstOctetsWereNotStoredYetIsATornTailNotUnwrittenSpace() throws Exception {
        spool = Spool.open(config(dir).build());
        Records.append(spool, 1, 3);
        spool.close();
        // A copy may store the end of a record before its start: zeros where the magic goes, octets after.
        byte[] torn = new byte[RECORD];
        System.arraycopy(Records.message(4), 0, torn, 60, 100);
        Files.write(segment(dir, 1), torn, java.nio.file.StandardOpenOption.APPEND);
        appendZeros(segment(dir, 1), 4096);

        spool = Spool.open(config(dir).build());
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 3));
        assertThat(listener.of("torn")).singleElement().asString().contains("+160 ");
        Records.append(spool, 4, 4);
        spool.close();
        spool = Spool.open(config(dir).build());
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 4));
    }

    @Test
    void theMappedSegmentIsStoredIntoOnlyWhereWriteCallsReservedTheSpace() throws Exception {
        FaultyFileSystem fs = new FaultyFileSystem();
        spool = Spool.open(config(dir).fileSystem(fs).build());
        Records.append(spool, 1, 10);
        // The preallocation thread has reserved its whole lead, and stopped.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> spool.tail().allocated() >= spool.tail().end() + Spool.PREALLOC_LEAD);
        Spool.Tail before = spool.tail();
        // The disk is now full: zero-fill and write calls fail, as with ENOSPC.
        fs.failWrites = true;
        long seq = 10;
        IOException failure = null;
        while (failure == null) {
            try {
                Records.append(spool, seq + 1, seq + 1);
                seq++;
            } catch (IOException e) {
                failure = e;
            }
        }
        // Every append that succeeded was stored in reserved space; the first one past it was a write call that
        // failed and was rolled back.
        assertThat((seq - 10) * RECORD).isLessThanOrEqualTo(before.allocated() - before.end());
        assertThat(before.allocated() - before.end() - (seq - 10) * RECORD).isLessThan(RECORD);
        assertThat(failure).hasMessageContaining("injected");
        assertThat(listener.of("appendFailed")).hasSize(1);
        assertThat(spool.tail().end()).isEqualTo(32 + seq * RECORD);
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, seq));

        // Space again: appends go on, through write calls until the zero-fill catches up.
        fs.failWrites = false;
        long more = seq + 300;
        Records.append(spool, seq + 1, more);
        spool.close();
        spool = Spool.open(config(dir).build());
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, more));
        assertThat(spool.tornTails()).isZero();
        assertThat(spool.corruptRegions()).isZero();
    }

    @Test
    void noSpaceIsReservedInsideTheMinimumFreeDiskSpace() throws Exception {
        FaultyFileSystem fs = new FaultyFileSystem();
        // Less than one zero-fill chunk above the minimum.
        fs.usableSpace = (10 << 20) + Spool.PREALLOC_CHUNK / 2;
        spool = Spool.open(config(dir).fileSystem(fs).minFreeDiskSpace(10 << 20).build());
        Records.append(spool, 1, 20);
        // The preallocation thread looked and left the reserve alone; the appends went through write calls.
        await().atMost(Duration.ofSeconds(10)).until(() -> spool.tail().preallocRetryAt() > 0);
        assertThat(spool.tail().mapped()).isTrue();
        assertThat(spool.tail().allocated()).isEqualTo(spool.tail().end());
        Records.append(spool, 21, 30);
        assertThat(spool.tail().allocated()).isEqualTo(spool.tail().end());
        assertThat(listener.events).isEmpty();
        spool.close();
        spool = Spool.open(config(dir).build());
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 30));
    }

    /**
     * {@code fsync=always}: each append forces its record's octets through the mapping before it returns, so a power
     * cut after the return cannot lose it. (A {@code kill -9}, as in {@code SpoolCrashTest}, cannot tell: the page
     * cache survives it.) The write-call path's counterpart is in {@link SpoolTest}.
     */
    @Test
    void withAlwaysEveryAppendForcesItsRecordThroughTheMappingBeforeItReturns() throws Exception {
        FaultyFileSystem fs = new FaultyFileSystem();
        spool = Spool.open(config(dir).fileSystem(fs).fsync(FsyncPolicy.ALWAYS).build());
        awaitSpaceReservedFor(100);
        String appender = Thread.currentThread().getName();
        for (long seq = 1; seq <= 100; seq++) {
            long end = spool.tail().end();
            int forces = fs.mappedForces.size();
            Records.append(spool, seq, seq);
            assertThat(spool.tail().end()).isEqualTo(end + RECORD);
            assertThat(fs.mappedForces).as("forces after record %d", seq).hasSize(forces + 1).last()
                    .isEqualTo(new FaultyFileSystem.MappedForce(appender, (int) end, RECORD));
        }
        spool.close();
        spool = Spool.open(config(dir).build());
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 100));
    }

    /** {@code fsync=interval}: an append returns without a force; the flush thread forces what was appended. */
    @Test
    void withIntervalAnAppendForcesNothingAndTheFlushThreadForcesItThroughTheMapping() throws Exception {
        FaultyFileSystem fs = new FaultyFileSystem();
        spool = Spool.open(config(dir).fileSystem(fs).fsync(FsyncPolicy.INTERVAL).fsyncInterval(Duration.ofMillis(20))
                .build());
        awaitSpaceReservedFor(100);
        Records.append(spool, 1, 100);
        long end = spool.tail().end();
        await().atMost(Duration.ofSeconds(10)).until(() -> spool.tail().forcedTo() == end);
        assertThat(fs.mappedForces).isNotEmpty().allMatch(f -> f.thread().equals("sluice-spool-flush"));
    }

    /** {@code fsync=always}: a record whose force failed is not appended, and the appends after it go on. */
    @Test
    void withAlwaysARecordWhoseForceFailedIsNotKept() throws Exception {
        FaultyFileSystem fs = new FaultyFileSystem();
        spool = Spool.open(config(dir).fileSystem(fs).fsync(FsyncPolicy.ALWAYS).build());
        awaitSpaceReservedFor(30);
        Records.append(spool, 1, 20);
        long end = spool.tail().end();
        fs.failMappedForces = true;
        assertThatThrownBy(() -> spool.append(21, Records.time(21), Records.message(21)))
                .isInstanceOf(IOException.class).hasMessageContaining("injected: msync failed");
        assertThat(spool.tail().end()).isEqualTo(end);
        assertThat(listener.of("appendFailed")).hasSize(1);
        fs.failMappedForces = false;
        Records.append(spool, 21, 30);
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 30));
        spool.close();
        spool = Spool.open(config(dir).build());
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 30));
    }

    /**
     * Waits until the preallocation thread has reserved room for {@code records} more records in the mapped segment,
     * so that they are stored through the mapping, not written with write calls.
     */
    private void awaitSpaceReservedFor(int records) {
        assertThat(spool.tail().mapped()).isTrue();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> spool.tail().allocated() >= spool.tail().end() + (long) records * RECORD);
    }

    @Test
    void theIntervalFlushForcesThroughTheMapping() throws Exception {
        spool = Spool.open(config(dir).fsync(FsyncPolicy.INTERVAL).fsyncInterval(Duration.ofMillis(20)).build());
        Records.append(spool, 1, 50);
        long end = spool.tail().end();
        await().atMost(Duration.ofSeconds(5)).until(() -> spool.tail().forcedTo() == end);
        spool.flush();
        assertThat(listener.of("flushFailed")).isEmpty();
    }

    @Test
    void everyPolicyWritesThroughTheMappingAcrossManySegments() throws Exception {
        for (FsyncPolicy policy : FsyncPolicy.values()) {
            // The policy before dropped more than MAX_DROPPED_MAPPINGS (no acknowledgement, so no reuse).
            awaitDroppedMappingsReleased();
            Path sub = dir.resolve(policy.name());
            SpoolConfig.Builder small = config(sub).fsync(policy).segmentSize(8 * 1024);
            int records = policy == FsyncPolicy.ALWAYS ? 200 : 3000;
            try (Spool s = Spool.open(small.build())) {
                Records.append(s, 1, 10);
                assertThat(s.tail().mapped()).as(policy.name()).isTrue();
                Records.append(s, 11, records / 2);
                assertThat(Records.readAll(s)).isEqualTo(Records.range(1, records / 2));
                // Past MAX_DROPPED_MAPPINGS segments the GC may not have released the first mappings: write calls.
                Records.append(s, records / 2 + 1, records);
                List<SpoolRecord> some = s.peek(records / 3);
                s.acknowledge(some.get(some.size() - 1));
            }
            try (Spool s = Spool.open(small.build())) {
                assertThat(Records.readAll(s)).as(policy.name()).isEqualTo(Records.range(records / 3 + 1, records));
            }
            try (Stream<Path> files = Files.list(sub)) {
                for (Path f : files.filter(p -> p.getFileName().toString().startsWith("segment-")).toList()) {
                    byte[] b = Files.readAllBytes(f);
                    assertThat(SpoolFormat.withoutZeroTail(b, b.length)).as(f.toString()).isEqualTo(b.length);
                }
            }
        }
        assertThat(listener.events).isEmpty();
    }

    @Test
    void anAcknowledgedSegmentsFileAndMappingAreReusedForTheNextOne() throws Exception {
        SpoolConfig.Builder small = config(dir).segmentSize(8 * 1024);
        spool = Spool.open(small.build());
        Records.append(spool, 1, 80);
        Path spare = dir.resolve(Spool.SPARE_FILE);
        assertThat(spare).doesNotExist();
        List<SpoolRecord> first = spool.peek(40);
        spool.acknowledge(first.get(39));
        // Segment 1 was acknowledged: emptied and kept, not deleted.
        assertThat(segment(dir, 1)).doesNotExist();
        // (a preparation of the next segment that had not run yet may take the spare and, too late, give it back)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(spare).exists();
            assertThat(Files.size(spare)).isZero();
        });
        long made = spool.mappingsMade();
        // The next segment is prepared from the spare: same file, same mapping, no new one (the one after that is
        // a new file).
        long seq = 81;
        while (Files.exists(spare) || segmentNumbers(dir).last() < 5) {
            Records.append(spool, seq, seq);
            seq++;
            assertThat(seq).isLessThan(1000);
            // as with real segment sizes, where it starts half a segment ahead: the preparation comes in time
            await().atMost(Duration.ofSeconds(10)).until(() -> !spool.preparing());
        }
        assertThat(spool.tail().mapped()).isTrue();
        assertThat(spool.mappingsMade()).isLessThanOrEqualTo(made + 1);
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(41, seq - 1));
        spool.acknowledge(spool.peek((int) (seq - 1 - 40 - 20)).get((int) (seq - 1 - 40 - 20) - 1));
        spool.close();
        assertThat(spare).doesNotExist();
        spool = Spool.open(small.build());
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(seq - 20, seq - 1));
        assertThat(listener.events).isEmpty();
    }

    @Test
    void aSpareLeftByACrashIsDeletedOnOpen() throws Exception {
        spool = Spool.open(config(dir).build());
        Records.append(spool, 1, 3);
        spool.close();
        Files.write(dir.resolve(Spool.SPARE_FILE), new byte[100]);
        spool = Spool.open(config(dir).build());
        assertThat(dir.resolve(Spool.SPARE_FILE)).doesNotExist();
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 3));
        assertThat(listener.events).isEmpty();
    }

    @Test
    void withoutAMappingTheSameFilesAreWritten() throws Exception {
        spool = Spool.open(config(dir).memoryMapped(false).build());
        Records.append(spool, 1, 3);
        assertThat(spool.tail().mapped()).isFalse();
        assertThat(Files.size(segment(dir, 1))).isEqualTo(32 + 3 * RECORD);
        spool.close();
        spool = Spool.open(config(dir).build());
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 3));
        assertThatThrownBy(() -> spool.append(3, Records.time(3), Records.message(3)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void appendZeros(Path file, int n) throws IOException {
        Files.write(file, new byte[n], java.nio.file.StandardOpenOption.APPEND);
    }

    private static Path segment(Path directory, long n) {
        return directory.resolve(String.format("segment-%019d.spool", n));
    }

    private static java.util.TreeSet<Long> segmentNumbers(Path directory) throws IOException {
        java.util.TreeSet<Long> numbers = new java.util.TreeSet<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.map(f -> f.getFileName().toString()).filter(n -> n.matches("segment-\\d{19}\\.spool"))
                    .forEach(n -> numbers.add(Long.parseLong(n.substring(8, 27))));
        }
        return numbers;
    }
}
