package dev.sluice.transport.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code rejected.spool} is checked on open a chunk at a time (it may be as large as {@code maxSize}, gigabytes):
 * its records are counted and a torn tail cut off the same with any chunk size, records straddling two chunks or
 * longer than one included, and its size alone is never a reason to set it aside.
 */
class SpoolRejectedFileTest {

    /** Records.message is 200 octets, so a record is 232. */
    private static final int RECORD = 232;
    /** A message longer than every chunk tried below but the default. */
    private static final int LONG_MESSAGE = 5_000;

    @TempDir
    Path dir;

    private final RecordingListener listener = new RecordingListener();
    private Spool spool;

    @AfterEach
    void closeSpool() throws IOException {
        if (spool != null) {
            spool.close();
        }
    }

    private Spool open(int chunk) throws IOException {
        if (spool != null) {
            spool.close();
        }
        listener.events.clear();
        spool = Spool.open(SpoolConfig.builder(dir).listener(listener).minFreeDiskSpace(0).scanChunk(chunk).build());
        return spool;
    }

    private Path rejected() {
        return dir.resolve(Spool.REJECTED_FILE);
    }

    /** Appends {@code from..to} and moves every one aside (record {@code longOne} with a 5,000-octet message). */
    private void moveAside(long from, long to, long longOne) throws IOException {
        for (long seq = from; seq <= to; seq++) {
            byte[] message = seq == longOne ? longMessage(seq) : Records.message(seq);
            assertThat(spool.append(seq, Records.time(seq), message)).isEqualTo(AppendResult.APPENDED);
        }
        List<SpoolRecord> all = spool.peek((int) (to - from + 1));
        for (SpoolRecord r : all) {
            assertThat(spool.moveAside(r)).isTrue();
        }
        spool.acknowledge(all.get(all.size() - 1));
    }

    private static byte[] longMessage(long seq) {
        byte[] m = new byte[LONG_MESSAGE];
        Arrays.fill(m, (byte) ('a' + seq % 26));
        return m;
    }

    private static long size(long records, long longOnes) {
        return 32 + records * RECORD + longOnes * (LONG_MESSAGE - 200);
    }

    /** From one octet to the default: a record (232 octets, 5,032 the long one) straddles two, or is longer than one. */
    static IntStream chunks() {
        return IntStream.of(1, 29, 100, RECORD, 1_000, 4_096, Spool.SCAN_CHUNK);
    }

    /** Records 1 to 30 moved aside, record 12 with a long message; the spool closed. */
    private void thirtyMovedAside(int chunk) throws IOException {
        open(chunk);
        moveAside(1, 30, 12);
        spool.close();
    }

    @ParameterizedTest(name = "chunk {0}")
    @MethodSource("chunks")
    void recordsAreCountedAndAppendedAfterWithAnyChunkSize(int chunk) throws Exception {
        open(chunk);
        moveAside(1, 40, 17);
        assertThat(Files.size(rejected())).isEqualTo(size(40, 1));

        open(chunk);
        assertThat(spool.rejectedRecords()).isEqualTo(40);
        assertThat(Files.size(rejected())).isEqualTo(size(40, 1));
        assertThat(listener.events).isEmpty();
        // appended at the end open found
        moveAside(41, 50, 45);
        open(chunk);
        assertThat(spool.rejectedRecords()).isEqualTo(50);
        assertThat(Files.size(rejected())).isEqualTo(size(50, 2));
        assertThat(listener.events).isEmpty();
    }

    @ParameterizedTest(name = "chunk {0}")
    @MethodSource("chunks")
    void aTornLastRecordIsCutOffWithAnyChunkSize(int chunk) throws Exception {
        thirtyMovedAside(chunk);
        long end = size(30, 1);
        // What a crash in the middle of a copy leaves: the first 150 octets of a record.
        byte[] first = new byte[RECORD];
        try (FileChannel ch = FileChannel.open(rejected(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.read(ByteBuffer.wrap(first), 32);
            ch.write(ByteBuffer.wrap(first, 0, 150), end);
        }

        open(chunk);
        assertThat(listener.events).containsExactly("torn: " + Spool.REJECTED_FILE + " @" + end
                + " +150 record runs past the end of the file (150 bytes left)");
        assertThat(spool.rejectedRecords()).isEqualTo(30);
        assertThat(Files.size(rejected())).isEqualTo(end);
        assertThat(dir.resolve("quarantine").resolve(Spool.REJECTED_FILE + "@" + end + ".bad"))
                .hasBinaryContent(Arrays.copyOf(first, 150));
        moveAside(31, 31, -1);
        open(chunk);
        assertThat(spool.rejectedRecords()).isEqualTo(31);
        assertThat(listener.events).isEmpty();
    }

    @ParameterizedTest(name = "chunk {0}")
    @MethodSource("chunks")
    void aDamagedRecordInTheMiddleIsSteppedOverWithAnyChunkSize(int chunk) throws Exception {
        thirtyMovedAside(chunk);
        // record 20, after the long one (12)
        long at = size(19, 1);
        byte[] b = Files.readAllBytes(rejected());
        b[(int) at + 50] ^= 0x10;
        Files.write(rejected(), b);

        open(chunk);
        assertThat(listener.events).containsExactly("corrupt: " + Spool.REJECTED_FILE + " @" + at + " +" + RECORD
                + " record crc32c mismatch -> " + dir.resolve("quarantine").resolve(Spool.REJECTED_FILE + "@" + at
                + ".bad"));
        assertThat(spool.rejectedRecords()).isEqualTo(29);
        assertThat(dir.resolve("quarantine").resolve(Spool.REJECTED_FILE + "@" + at + ".bad"))
                .hasBinaryContent(Arrays.copyOfRange(b, (int) at, (int) at + RECORD));
        assertThat(Files.size(rejected())).isEqualTo(size(30, 1));
    }

    /**
     * Past 2 GiB the file was quarantined whole at every open and a new one started (quarantine/ grew by maxSize per
     * refusal storm and restart); below that it was read whole into the heap. Here the 2 GiB are a zero tail
     * (unwritten space, as a crash of a writer that had reserved it leaves), read back a chunk at a time and cut off.
     */
    @Test
    void aRejectedFileOverTwoGibibytesIsNotQuarantinedForItsSize() throws Exception {
        open(Spool.SCAN_CHUNK);
        moveAside(1, 20, -1);
        spool.close();
        long end = size(20, 0);
        try (FileChannel ch = FileChannel.open(rejected(), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[1]), (2L << 30) + 4_096); // sparse: no blocks for the zeros
        }
        assertThat(Files.size(rejected())).isGreaterThan(2L << 30);

        open(Spool.SCAN_CHUNK);
        assertThat(listener.events).isEmpty();
        assertThat(spool.quarantinedFiles()).isZero();
        assertThat(spool.rejectedRecords()).isEqualTo(20);
        assertThat(Files.size(rejected())).isEqualTo(end);
        assertThat(dir.resolve("quarantine")).doesNotExist();
    }
}
