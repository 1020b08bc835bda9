package dev.sluice.transport.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage done to the files between runs: each kind is found on open, quarantined, counted and reported, and the
 * sound records around it are delivered in order.
 */
class SpoolCorruptionTest {

    /** Records.message is 200 octets, so a record is 232: 35 records fill an 8 KiB segment. */
    private static final int RECORD = 232;
    private static final int PER_SEGMENT = 35;
    /**
     * Octets open reads at a time: less than a segment and not a multiple of a record, so that records straddle two
     * chunks and damage is found, stepped over and copied across them.
     */
    private static final int SCAN_CHUNK = 1_000;

    @TempDir
    Path dir;

    private RecordingListener listener;
    private Spool spool;

    @BeforeEach
    void fillFourSegments() throws Exception {
        open();
        Records.append(spool, 1, 4 * PER_SEGMENT);
        spool.close();
        assertThat(segment(4)).exists();
    }

    @AfterEach
    void closeSpool() throws IOException {
        spool.close();
    }

    private void open() throws IOException {
        listener = new RecordingListener();
        spool = Spool.open(SpoolConfig.builder(dir).segmentSize(8 * 1024).minFreeDiskSpace(0).listener(listener)
                .scanChunk(SCAN_CHUNK).build());
    }

    @Test
    void aFlippedBitSkipsOnlyThatRecord() throws Exception {
        long at = offsetOf(10);
        flipBit(segment(1), at + 50);
        open();
        assertThat(Records.readAll(spool)).isEqualTo(without(10));
        assertThat(listener.events).containsExactly("corrupt: " + segment(1).getFileName() + " @" + at + " +" + RECORD
                + " record crc32c mismatch -> " + dir.resolve("quarantine").resolve(segment(1).getFileName() + "@"
                + at + ".bad"));
        assertThat(spool.corruptRegions()).isEqualTo(1);
        assertThat(Files.size(dir.resolve("quarantine").resolve(segment(1).getFileName() + "@" + at + ".bad")))
                .isEqualTo(RECORD);
        assertTheRestStillWorks(without(10));
    }

    @Test
    void aZeroedLengthSkipsOnlyThatRecord() throws Exception {
        long at = offsetOf(PER_SEGMENT + 20);
        write(segment(2), at + 4, new byte[4]);
        open();
        assertThat(Records.readAll(spool)).isEqualTo(without(PER_SEGMENT + 20));
        assertThat(listener.of("corrupt")).singleElement().asString().contains("@" + at + " +" + RECORD);
        assertTheRestStillWorks(without(PER_SEGMENT + 20));
    }

    @Test
    void aBadMagicAndAnImpossibleLengthAreSkipped() throws Exception {
        write(segment(1), offsetOf(3), new byte[] {0, 0, 0, 0});
        write(segment(3), offsetOf(2 * PER_SEGMENT + 7) + 4, new byte[] {(byte) 0x7f, 0, 0, 0});
        open();
        List<Long> expected = without(3);
        expected.remove(Long.valueOf(2 * PER_SEGMENT + 7));
        assertThat(Records.readAll(spool)).isEqualTo(expected);
        assertThat(listener.of("corrupt")).hasSize(2);
        assertThat(listener.of("corrupt").get(0)).contains("record magic: 0x00000000 (expected: 0x534c5243)");
        assertThat(listener.of("corrupt").get(1)).contains("record length: 2130706432 (expected: 0..16777216)");
    }

    @Test
    void aTruncatedRecordInAnOlderSegmentLosesOnlyThatRecord() throws Exception {
        long at = offsetOf(PER_SEGMENT);
        try (FileChannel ch = FileChannel.open(segment(1), StandardOpenOption.WRITE)) {
            ch.truncate(at + RECORD / 2);
        }
        open();
        assertThat(Records.readAll(spool)).isEqualTo(without(PER_SEGMENT));
        assertThat(listener.of("corrupt")).singleElement().asString()
                .contains("@" + at + " +" + RECORD / 2 + " record runs past the end of the file");
        assertTheRestStillWorks(without(PER_SEGMENT));
    }

    @Test
    void aTruncatedLastRecordIsATornTailAndIsCutOff() throws Exception {
        long at = offsetOf(4 * PER_SEGMENT);
        try (FileChannel ch = FileChannel.open(segment(4), StandardOpenOption.WRITE)) {
            ch.truncate(at + 40);
        }
        open();
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 4 * PER_SEGMENT - 1));
        assertThat(listener.of("torn")).singleElement().asString().contains("@" + at + " +40");
        assertThat(spool.tornTails()).isEqualTo(1);
        // Truncated, so the next open finds nothing wrong. (While open, the file is mapped and longer.)
        spool.close();
        assertThat(Files.size(segment(4))).isEqualTo(at);
        open();
        assertThat(listener.events).isEmpty();
        // The checkpoint's high-water mark still knows the lost id: it is never used again.
        assertThat(spool.highestSequenceId()).isEqualTo(4 * PER_SEGMENT);
    }

    @Test
    void aDeletedMiddleSegmentIsReportedAndSkipped() throws Exception {
        Files.delete(segment(2));
        open();
        List<Long> expected = Records.range(1, PER_SEGMENT);
        expected.addAll(Records.range(2 * PER_SEGMENT + 1, 4 * PER_SEGMENT));
        assertThat(Records.readAll(spool)).isEqualTo(expected);
        assertThat(listener.events).containsExactly("missing: 2..2");
        assertThat(spool.missingSegments()).isEqualTo(1);
        assertTheRestStillWorks(expected);
    }

    @Test
    void aSegmentWithADamagedHeaderIsMovedToQuarantine() throws Exception {
        flipBit(segment(3), 9);
        open();
        List<Long> expected = Records.range(1, 2 * PER_SEGMENT);
        expected.addAll(Records.range(3 * PER_SEGMENT + 1, 4 * PER_SEGMENT));
        assertThat(Records.readAll(spool)).isEqualTo(expected);
        assertThat(listener.of("quarantined")).singleElement().asString()
                .startsWith("quarantined: " + segment(3).getFileName() + " segment header crc32c: ");
        assertThat(dir.resolve("quarantine").resolve(segment(3).getFileName())).exists();
        assertThat(segment(3)).doesNotExist();
        spool.close();
        open();
        // The hole it left is now a missing segment.
        assertThat(listener.events).containsExactly("missing: 3..3");
        assertThat(Records.readAll(spool)).isEqualTo(expected);
    }

    @Test
    void aDamagedNewestSegmentIsQuarantinedAndAppendsGoOn() throws Exception {
        write(segment(4), 0, new byte[] {'X'});
        open();
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 3 * PER_SEGMENT));
        assertThat(listener.of("quarantined")).hasSize(1);
        Records.append(spool, 4 * PER_SEGMENT + 1, 4 * PER_SEGMENT + 2);
        spool.close();
        open();
        assertThat(listener.events).isEmpty();
        List<Long> expected = Records.range(1, 3 * PER_SEGMENT);
        expected.addAll(List.of(4L * PER_SEGMENT + 1, 4L * PER_SEGMENT + 2));
        assertThat(Records.readAll(spool)).isEqualTo(expected);
    }

    /**
     * A name like a segment's whose number is no segment number (past the largest long, or 0) is a foreign file: it
     * used to fail every open with a NumberFormatException, so the spool never opened again.
     */
    @Test
    void aFileNamedLikeASegmentWithAnImpossibleNumberIsQuarantinedAndOpenGoesOn() throws Exception {
        Path overflow = dir.resolve("segment-9999999999999999999.spool");
        Path zero = dir.resolve("segment-0000000000000000000.spool");
        Files.write(overflow, new byte[] {1, 2, 3});
        Files.write(zero, new byte[] {4, 5, 6});
        open();
        assertThat(listener.of("quarantined")).containsExactlyInAnyOrder(
                "quarantined: " + overflow.getFileName() + " segment number: 9999999999999999999 (expected: "
                        + "1..9223372036854775807, from the file name) -> "
                        + dir.resolve("quarantine").resolve(overflow.getFileName()),
                "quarantined: " + zero.getFileName() + " segment number: 0000000000000000000 (expected: "
                        + "1..9223372036854775807, from the file name) -> "
                        + dir.resolve("quarantine").resolve(zero.getFileName()));
        assertThat(listener.events).hasSize(2);
        assertThat(spool.quarantinedFiles()).isEqualTo(2);
        assertThat(overflow).doesNotExist();
        assertThat(zero).doesNotExist();
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 4 * PER_SEGMENT));
        assertTheRestStillWorks(Records.range(1, 4 * PER_SEGMENT));
    }

    @Test
    void aDamagedCheckpointIsQuarantinedAndEverythingIsDeliveredAgain() throws Exception {
        open();
        spool.acknowledge(spool.peek(5).get(4));
        spool.close();
        flipBit(dir.resolve(Spool.CHECKPOINT_FILE), 17);
        open();
        assertThat(listener.of("quarantined")).singleElement().asString()
                .startsWith("quarantined: checkpoint checkpoint crc32c mismatch");
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 4 * PER_SEGMENT));
        assertThat(spool.highestSequenceId()).isEqualTo(4 * PER_SEGMENT);
    }

    @Test
    void damageFoundWhileOpenIsSkippedAndReported() throws Exception {
        open();
        flipBit(segment(2), offsetOf(PER_SEGMENT + 3) + 60);
        assertThat(Records.readAll(spool)).isEqualTo(without(PER_SEGMENT + 3));
        assertThat(listener.of("corrupt")).singleElement().asString().contains("record crc32c mismatch");
    }

    /** Reopened again, the same records come back; acknowledging all of them empties the spool for good. */
    private void assertTheRestStillWorks(List<Long> expected) throws Exception {
        spool.close();
        open();
        assertThat(Records.readAll(spool)).isEqualTo(expected);
        Records.append(spool, 4 * PER_SEGMENT + 1, 4 * PER_SEGMENT + 1);
        List<SpoolRecord> all = spool.peek(Integer.MAX_VALUE);
        spool.acknowledge(all.get(all.size() - 1));
        spool.close();
        open();
        assertThat(spool.isEmpty()).isTrue();
        assertThat(listener.events).isEmpty();
        assertThat(spool.highestSequenceId()).isEqualTo(4 * PER_SEGMENT + 1);
    }

    private static List<Long> without(long seq) {
        List<Long> ids = new ArrayList<>(Records.range(1, 4 * PER_SEGMENT));
        ids.remove(Long.valueOf(seq));
        return ids;
    }

    /** Offset of record {@code seq} in its segment. */
    private static long offsetOf(long seq) {
        return 32 + ((seq - 1) % PER_SEGMENT) * RECORD;
    }

    private Path segment(long n) {
        return dir.resolve(String.format("segment-%019d.spool", n));
    }

    private static void flipBit(Path file, long offset) throws IOException {
        byte[] b = Files.readAllBytes(file);
        b[(int) offset] ^= 0x10;
        Files.write(file, b);
    }

    private static void write(Path file, long offset, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(bytes), offset);
        }
    }
}
