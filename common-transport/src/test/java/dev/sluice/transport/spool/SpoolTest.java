package dev.sluice.transport.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SpoolTest {

    @TempDir
    Path dir;

    private final RecordingListener listener = new RecordingListener();
    private SpoolConfig.Builder config;
    private Spool spool;

    private Spool open() throws IOException {
        if (config == null) {
            config = SpoolConfig.builder(dir).listener(listener).minFreeDiskSpace(0);
        }
        spool = Spool.open(config.build());
        return spool;
    }

    /** Closes and opens again, as after a restart: what follows must hold for the files alone. */
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

    @Test
    void appendedRecordsComeBackInOrderAfterReopen() throws Exception {
        open();
        Records.append(spool, 1, 500);
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 500));
        reopen();
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 500));
        assertThat(spool.pendingRecords()).isEqualTo(500);
        assertThat(spool.highestSequenceId()).isEqualTo(500);
        assertThat(spool.oldestEventTime()).contains(Records.time(1));
        assertThat(listener.events).isEmpty();
    }

    /** As the engine appends: from one reused buffer, longer than the record, with the last record's octets after. */
    @Test
    void aRecordIsThePrefixOfTheBufferItIsAppendedFrom() throws Exception {
        open();
        byte[] buffer = new byte[4096];
        java.util.Arrays.fill(buffer, (byte) 'z');
        for (long seq = 1; seq <= 300; seq++) {
            byte[] m = Records.message(seq);
            System.arraycopy(m, 0, buffer, 0, m.length);
            assertThat(spool.append(seq, Records.time(seq), buffer, m.length)).isEqualTo(AppendResult.APPENDED);
        }
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 300)); // checks each record's octets
        reopen();
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 300));
        assertThatThrownBy(() -> spool.append(301, Records.time(301), buffer, buffer.length + 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void peekRemovesNothingAndAcknowledgeRemovesThePrefix() throws Exception {
        open();
        Records.append(spool, 1, 10);
        List<SpoolRecord> first = spool.peek(4);
        assertThat(first).extracting(SpoolRecord::sequenceId).containsExactly(1L, 2L, 3L, 4L);
        assertThat(spool.peek(2)).extracting(SpoolRecord::sequenceId).containsExactly(1L, 2L);
        assertThat(spool.peekAfter(first.get(3), 3)).extracting(SpoolRecord::sequenceId).containsExactly(5L, 6L, 7L);

        spool.acknowledge(first.get(2));
        assertThat(spool.pendingRecords()).isEqualTo(7);
        assertThat(spool.oldestEventTime()).contains(Records.time(4));
        reopen();
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(4, 10));

        spool.acknowledge(spool.peek(10).get(6));
        assertThat(spool.isEmpty()).isTrue();
        assertThat(spool.pendingRecords()).isZero();
        assertThat(spool.pendingBytes()).isZero();
        assertThat(spool.oldestEventTime()).isEmpty();
        reopen();
        assertThat(spool.peek(10)).isEmpty();
        assertThat(spool.pendingRecords()).isZero();
    }

    @Test
    void acknowledgingAnOlderRecordAgainChangesNothing() throws Exception {
        open();
        Records.append(spool, 1, 5);
        List<SpoolRecord> all = spool.peek(5);
        spool.acknowledge(all.get(3));
        spool.acknowledge(all.get(1));
        assertThat(spool.peek(5)).extracting(SpoolRecord::sequenceId).containsExactly(5L);
        assertThat(spool.peekAfter(all.get(0), 5)).extracting(SpoolRecord::sequenceId).containsExactly(5L);
    }

    @Test
    void acknowledgedSegmentsAreDeletedAndRecordsSpanSegments() throws Exception {
        config = SpoolConfig.builder(dir).listener(listener).minFreeDiskSpace(0).segmentSize(8 * 1024);
        open();
        Records.append(spool, 1, 300);
        assertThat(segmentFiles()).hasSizeGreaterThan(5);
        reopen();
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 300));

        SpoolRecord r200 = spool.peek(200).get(199);
        spool.acknowledge(r200);
        long left = segmentFiles().size();
        reopen();
        assertThat(segmentFiles()).hasSize((int) left);
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(201, 300));
        assertThat(spool.pendingRecords()).isEqualTo(100);
        assertThat(spool.pendingBytes()).isEqualTo(100L * (Records.message(201).length + 32));
    }

    @Test
    void sequenceIdsContinueAfterEverythingWasAcknowledgedAndDeleted() throws Exception {
        config = SpoolConfig.builder(dir).listener(listener).minFreeDiskSpace(0).segmentSize(8 * 1024);
        open();
        Records.append(spool, 1, 100);
        List<SpoolRecord> all = spool.peek(100);
        spool.acknowledge(all.get(99));
        reopen();
        assertThat(spool.isEmpty()).isTrue();
        assertThat(segmentFiles()).hasSize(1);
        assertThat(spool.highestSequenceId()).isEqualTo(100);
        assertThatThrownBy(() -> spool.append(100, Instant.EPOCH, new byte[1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("seqId: 100 (expected: > 100, the highest sequence id in this spool)");

        Records.append(spool, 101, 102);
        reopen();
        assertThat(Records.readAll(spool)).containsExactly(101L, 102L);
        spool.acknowledge(spool.peek(2).get(1));
        reopen();
        assertThat(spool.highestSequenceId()).isEqualTo(102);
    }

    @Test
    void theHighWaterMarkSurvivesWhenEverySegmentFileIsGone() throws Exception {
        open();
        Records.append(spool, 1, 40);
        spool.acknowledge(spool.peek(40).get(39));
        spool.close();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("segment-")).toList()) {
                Files.delete(f);
            }
        }
        open();
        assertThat(spool.highestSequenceId()).isEqualTo(40);
        assertThat(listener.of("missing")).hasSize(1);
        Records.append(spool, 41, 41);
        reopen();
        assertThat(Records.readAll(spool)).containsExactly(41L);
        assertThat(listener.of("missing")).hasSize(1);
    }

    @Test
    void aSecondOpenInTheSameJvmFailsNamingTheDirectory() throws Exception {
        open();
        assertThatThrownBy(() -> Spool.open(SpoolConfig.builder(dir).build()))
                .isInstanceOf(SpoolUnavailableException.class)
                .hasMessageContaining("spool directory " + dir.toAbsolutePath())
                .hasMessageContaining("is in use: another Spool in this JVM has it open");
        Records.append(spool, 1, 1);
        assertThat(spool.peek(1)).hasSize(1);
    }

    @Test
    void aSecondOpenFromAnotherProcessFailsNamingTheDirectory() throws Exception {
        open();
        Process child = new ProcessBuilder(SpoolCrashChild.javaCommand(SpoolCrashChild.class.getName(),
                "open-only", dir.toString())).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes());
        assertThat(child.waitFor()).isEqualTo(3);
        assertThat(out).contains("spool directory " + dir.toAbsolutePath()
                + " is in use by another process (lock file");
    }

    @Test
    void anUnusableDirectoryFailsOpenWithAClearMessage() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        assertThatThrownBy(() -> Spool.open(SpoolConfig.builder(file).build()))
                .isInstanceOf(SpoolUnavailableException.class)
                .hasMessageStartingWith("spool directory " + file + " is not usable: ");
    }

    @Test
    void theDirectoryCanBeOpenedAgainAfterClose() throws Exception {
        open();
        Records.append(spool, 1, 3);
        reopen();
        assertThat(spool.pendingRecords()).isEqualTo(3);
    }

    @Test
    void appendRefusesAtMaxSizeAndWorksAgainAfterAcknowledgement() throws Exception {
        config = SpoolConfig.builder(dir).listener(listener).minFreeDiskSpace(0).maxSize(64 * 1024);
        open();
        long seq = 0;
        while (spool.append(seq + 1, Records.time(seq + 1), Records.message(seq + 1)) == AppendResult.APPENDED) {
            seq++;
        }
        long accepted = seq;
        assertThat(spool.sizeOnDisk()).isLessThanOrEqualTo(64 * 1024);
        assertThat(spool.append(seq + 1, Records.time(seq + 1), Records.message(seq + 1)))
                .isEqualTo(AppendResult.SPOOL_FULL);
        assertThat(listener.of("refused")).contains("refused: SPOOL_FULL");
        reopen();
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, accepted));

        List<SpoolRecord> half = spool.peek((int) accepted / 2);
        spool.acknowledge(half.get(half.size() - 1));
        Records.append(spool, accepted + 1, accepted + 10);
        reopen();
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(half.size() + 1, accepted + 10));
    }

    @Test
    void appendRefusesWhenTheDiskIsNearlyFull() throws Exception {
        FaultyFileSystem fs = new FaultyFileSystem();
        config = SpoolConfig.builder(dir).listener(listener).minFreeDiskSpace(10 << 20).fileSystem(fs);
        fs.usableSpace = (10 << 20) + 100_000;
        open();
        Records.append(spool, 1, 5);
        // Close to the limit, every append looks again; far from it, once per MiB appended.
        fs.usableSpace = 10 << 20;
        assertThat(spool.append(6, Records.time(6), Records.message(6))).isEqualTo(AppendResult.DISK_SPACE_LOW);
        assertThat(listener.of("refused")).containsExactly("refused: DISK_SPACE_LOW");
        fs.usableSpace = 1L << 30;
        Records.append(spool, 6, 7);
        reopen();
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 7));
    }

    /** Configures 8 KiB segments with {@code policy} (forced every 20 ms with INTERVAL) on a recording file system. */
    private FaultyFileSystem smallSegmentsOn(FsyncPolicy policy) {
        FaultyFileSystem fs = new FaultyFileSystem();
        config = SpoolConfig.builder(dir).listener(listener).minFreeDiskSpace(0).fileSystem(fs).fsync(policy)
                .fsyncInterval(Duration.ofMillis(20)).segmentSize(8 * 1024);
        return fs;
    }

    /** Rolled segment files, by name (all but the active one). */
    private List<String> rolledSegmentNames() throws IOException {
        List<Path> files = segmentFiles();
        return files.subList(0, files.size() - 1).stream().map(f -> f.getFileName().toString()).toList();
    }

    @Test
    void withIntervalARolledSegmentIsForcedByTheFlushThreadNotByTheAppendingThread() throws Exception {
        FaultyFileSystem fs = smallSegmentsOn(FsyncPolicy.INTERVAL);
        open();
        Records.append(spool, 1, 400);
        List<String> rolled = rolledSegmentNames();
        assertThat(rolled).hasSizeGreaterThan(3);
        // The appending thread forces no segment (a new segment's header, in a small .tmp file, perhaps).
        String appender = Thread.currentThread().getName();
        assertThat(fs.forces).noneMatch(f -> f.startsWith(appender + " ") && f.endsWith(".spool"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(fs.forces)
                .containsAll(rolled.stream().map(n -> "sluice-spool-flush " + n).toList()));
        assertThat(listener.of("flushFailed")).isEmpty();
        reopen();
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 400));
    }

    /**
     * The next segment is made ahead (header written and forced, as {@code .tmp}) by the preallocation thread; the
     * roll on the appending thread renames it and forces nothing, and the flush thread forces the directory.
     */
    @Test
    void withIntervalARollTakesTheSegmentPreparedAheadAndTheAppendingThreadForcesNothing() throws Exception {
        FaultyFileSystem fs = smallSegmentsOn(FsyncPolicy.INTERVAL);
        open();
        String appender = Thread.currentThread().getName();
        Records.append(spool, 1, 20); // past half of the first 8 KiB segment
        Path next = dir.resolve("segment-0000000000000000002.spool");
        Path prepared = next.resolveSibling(next.getFileName() + ".prepared.tmp");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(prepared));
        assertThat(fs.forces).contains("sluice-spool-prealloc " + prepared.getFileName());
        long before = fs.forces.stream().filter(f -> f.startsWith(appender + " ")).count();
        long seq = 21;
        while (!Files.exists(next)) {
            Records.append(spool, seq, seq);
            seq++;
        }
        assertThat(prepared).doesNotExist();
        assertThat(fs.forces.stream().filter(f -> f.startsWith(appender + " ")).count()).isEqualTo(before);
        Records.append(spool, seq, seq + 9);
        reopen();
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, seq + 9));
        assertThat(listener.events).isEmpty();
    }

    @Test
    void aRolledSegmentWhoseForceFailedIsForcedOnALaterTickAndTheFailureReported() throws Exception {
        FaultyFileSystem fs = smallSegmentsOn(FsyncPolicy.INTERVAL);
        open();
        fs.failForces = true;
        Records.append(spool, 1, 100);
        List<String> rolled = rolledSegmentNames();
        assertThat(rolled).isNotEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> !listener.of("flushFailed").isEmpty());
        assertThat(listener.of("flushFailed").get(0)).contains("injected: force failed");
        fs.failForces = false;
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(fs.forces)
                .containsAll(rolled.stream().map(n -> "sluice-spool-flush " + n).toList()));
    }

    /**
     * An acknowledgement past a segment writes the checkpoint (a force) and deletes the segment: that file I/O runs
     * outside the spool's monitor, so appends and reads go on while it waits for the disk. Seen before the change:
     * a 10–35 ms checkpoint force on the flush thread held every application thread of a benchmark.
     */
    @Test
    void appendsAndReadsGoOnWhileACheckpointWaitsForTheDisk() throws Exception {
        FaultyFileSystem fs = smallSegmentsOn(FsyncPolicy.INTERVAL);
        open();
        Records.append(spool, 1, 100);
        List<String> rolled = rolledSegmentNames();
        assertThat(rolled).hasSizeGreaterThanOrEqualTo(2);
        List<SpoolRecord> all = spool.peek(100);
        SpoolRecord inThirdSegment = all.stream().filter(r -> r.segment == 3).findFirst().orElseThrow();
        java.util.concurrent.CountDownLatch disk = new java.util.concurrent.CountDownLatch(1);
        fs.holdCheckpointForces = disk;
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Future<?> ack = threads.submit(() -> {
                spool.acknowledge(inThirdSegment);
                return null;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> fs.heldCheckpointForces.get() >= 1);
            java.util.concurrent.Future<?> more = threads.submit(() -> {
                Records.append(spool, 101, 150);
                return spool.peek(10);
            });
            await("appends and reads while the checkpoint force waits").atMost(Duration.ofSeconds(10))
                    .until(more::isDone);
            more.get();
            // Nothing acknowledged is deleted before a checkpoint past it is on the disk.
            assertThat(segmentFiles().get(0).getFileName().toString()).isEqualTo(rolled.get(0));
            assertThat(ack).isNotDone();
            disk.countDown();
            ack.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            disk.countDown();
            threads.shutdownNow();
        }
        assertThat(segmentFiles().get(0).getFileName().toString()).isNotEqualTo(rolled.get(0));
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(inThirdSegment.sequenceId() + 1, 150));
        reopen();
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(inThirdSegment.sequenceId() + 1, 150));
        assertThat(listener.of("flushFailed")).isEmpty();
    }

    @Test
    void aCheckpointThatFailsKeepsTheSegmentsItWouldHaveDeletedUntilALaterOneSucceeds() throws Exception {
        FaultyFileSystem fs = smallSegmentsOn(FsyncPolicy.INTERVAL);
        open();
        Records.append(spool, 1, 100);
        List<String> rolled = rolledSegmentNames();
        SpoolRecord inThirdSegment = spool.peek(100).stream().filter(r -> r.segment == 3).findFirst().orElseThrow();
        long pending = spool.pendingRecords() - inThirdSegment.sequenceId();
        long size = spool.sizeOnDisk();
        fs.failCheckpointForces = true;
        assertThatThrownBy(() -> spool.acknowledge(inThirdSegment)).hasMessageContaining("injected");
        // Acknowledged (the head moved), but the files stay until a checkpoint past them is on the disk.
        assertThat(spool.pendingRecords()).isEqualTo(pending);
        assertThat(spool.sizeOnDisk()).isEqualTo(size);
        assertThat(segmentFiles().stream().map(f -> f.getFileName().toString()).toList()).containsAll(rolled);
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(inThirdSegment.sequenceId() + 1, 100));
        fs.failCheckpointForces = false;
        // The flush thread's next tick writes it and deletes them.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(segmentFiles().stream()
                .map(f -> f.getFileName().toString()).toList()).doesNotContainAnyElementsOf(rolled));
        assertThat(spool.sizeOnDisk()).isLessThan(size);
        Records.append(spool, 101, 110);
        reopen();
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(inThirdSegment.sequenceId() + 1, 110));
    }

    @Test
    void withAlwaysTheAppendingThreadForcesTheSegmentItRolls() throws Exception {
        FaultyFileSystem fs = smallSegmentsOn(FsyncPolicy.ALWAYS);
        open();
        Records.append(spool, 1, 100);
        String appender = Thread.currentThread().getName();
        assertThat(fs.forces).containsAll(rolledSegmentNames().stream().map(n -> appender + " " + n).toList());
    }

    /**
     * With write calls, {@code fsync=always} forces the segment on each append before it returns; {@code interval}
     * and {@code never} leave it to the flush thread or the OS. The mapped path's counterpart is in
     * {@link SpoolMappedTailTest}.
     */
    @ParameterizedTest
    @EnumSource(FsyncPolicy.class)
    void withWriteCallsOnlyAlwaysForcesTheSegmentOnEveryAppend(FsyncPolicy policy) throws Exception {
        FaultyFileSystem fs = new FaultyFileSystem();
        config = SpoolConfig.builder(dir).listener(listener).minFreeDiskSpace(0).fileSystem(fs).memoryMapped(false)
                .fsync(policy);
        open();
        String byAppender = Thread.currentThread().getName() + " " + segmentPath(1).getFileName();
        for (long seq = 1; seq <= 50; seq++) {
            long forces = fs.forces.stream().filter(byAppender::equals).count();
            Records.append(spool, seq, seq);
            assertThat(fs.forces.stream().filter(byAppender::equals).count()).as("forces after record %d", seq)
                    .isEqualTo(policy == FsyncPolicy.ALWAYS ? forces + 1 : forces);
        }
        assertThat(fs.mappedForces).isEmpty();
        reopen();
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 50));
    }

    /** With write calls; the mapped path's counterpart is in {@link SpoolMappedTailTest}. */
    @Test
    void aFailedWriteIsRolledBackAndLaterAppendsWork() throws Exception {
        FaultyFileSystem fs = new FaultyFileSystem();
        config = SpoolConfig.builder(dir).listener(listener).minFreeDiskSpace(0).fileSystem(fs).memoryMapped(false);
        open();
        Records.append(spool, 1, 20);
        long size = spool.sizeOnDisk();
        fs.failWrites = true;
        assertThatThrownBy(() -> spool.append(21, Records.time(21), Records.message(21)))
                .isInstanceOf(IOException.class).hasMessageContaining("injected");
        assertThat(listener.of("appendFailed")).hasSize(1);
        assertThat(spool.sizeOnDisk()).isEqualTo(size);
        assertThat(Files.size(segmentFiles().get(0))).isEqualTo(size);
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 20));

        fs.failWrites = false;
        Records.append(spool, 21, 30);
        reopen();
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 30));
        assertThat(spool.tornTails()).isZero();
        assertThat(spool.corruptRegions()).isZero();
    }

    @Test
    void aFailedWriteThatCouldNotBeTruncatedIsATornTailOnOpen() throws Exception {
        FaultyFileSystem fs = new FaultyFileSystem();
        config = SpoolConfig.builder(dir).listener(listener).minFreeDiskSpace(0).fileSystem(fs);
        open();
        Records.append(spool, 1, 3);
        spool.close();
        // What a process killed in the middle of a write leaves: part of a record at the end.
        Path segment = segmentFiles().get(0);
        Files.write(segment, java.util.Arrays.copyOf(Records.message(9), 50),
                java.nio.file.StandardOpenOption.APPEND);
        open();
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 3));
        assertThat(listener.of("torn")).hasSize(1);
        Records.append(spool, 4, 4);
        reopen();
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 4));
    }

    @Test
    void aRejectedRecordIsMovedAsideCountedAndKeptAcrossReopen() throws Exception {
        open();
        Records.append(spool, 1, 3);
        List<SpoolRecord> all = spool.peek(3);
        spool.moveAside(all.get(1));
        spool.acknowledge(all.get(2));
        assertThat(spool.rejectedRecords()).isEqualTo(1);
        assertThat(listener.of("movedAside")).containsExactly("movedAside: 2");
        reopen();
        assertThat(spool.rejectedRecords()).isEqualTo(1);
        assertThat(spool.isEmpty()).isTrue();
        assertThat(Files.size(dir.resolve(Spool.REJECTED_FILE))).isEqualTo(32 + 32 + Records.message(2).length);
    }

    /** A receiver that refuses everything cannot fill the disk with copies: the rejected file stops at maxSize. */
    @Test
    void theRejectedFileStopsAtMaxSizeAndTheRecordsBeyondAreStillAcknowledged() throws Exception {
        config = SpoolConfig.builder(dir).listener(listener).minFreeDiskSpace(0).maxSize(16_512).segmentSize(4_128);
        open();
        byte[] big = new byte[3_264]; // 32 + 5 x (32 + 3,264) = 16,512: the fifth copy ends exactly at maxSize
        java.util.Arrays.fill(big, (byte) 'x');
        int copied = 0;
        for (long seq = 1; seq <= 8; seq++) {
            assertThat(spool.append(seq, Records.time(seq), big)).isEqualTo(AppendResult.APPENDED);
            SpoolRecord r = spool.peek(1).get(0);
            if (spool.moveAside(r)) {
                copied++;
            }
            spool.acknowledge(r);
        }
        // 32 octets of file header, then 32 + 3,264 per record: five fill 16,512 exactly, the sixth would not fit
        assertThat(copied).isEqualTo(5);
        assertThat(spool.rejectedRecords()).isEqualTo(5);
        assertThat(listener.of("movedAside")).hasSize(5);
        assertThat(Files.size(dir.resolve(Spool.REJECTED_FILE))).isEqualTo(16_512);
        assertThat(spool.isEmpty()).isTrue();
        reopen();
        assertThat(spool.rejectedRecords()).isEqualTo(5);
        assertThat(spool.isEmpty()).isTrue();
    }

    @Test
    void theRejectedFileKeepsNoCopyThatWouldTakeTheDiskBelowItsMinimum() throws Exception {
        FaultyFileSystem fs = new FaultyFileSystem();
        config = SpoolConfig.builder(dir).listener(listener).minFreeDiskSpace(10 << 20).fileSystem(fs);
        fs.usableSpace = (10 << 20) + 100_000; // close to the minimum: every copy looks again, as appends do
        open();
        Records.append(spool, 1, 2);
        List<SpoolRecord> all = spool.peek(2);
        assertThat(spool.moveAside(all.get(0))).isTrue();
        fs.usableSpace = 10 << 20;
        assertThat(spool.moveAside(all.get(1))).isFalse();
        spool.acknowledge(all.get(1));
        assertThat(spool.rejectedRecords()).isEqualTo(1);
        assertThat(spool.isEmpty()).isTrue();
    }

    @Test
    void theIntervalFlushWritesTheCheckpointInTheBackground() throws Exception {
        config = SpoolConfig.builder(dir).listener(listener).minFreeDiskSpace(0).fsyncInterval(Duration.ofMillis(20));
        open();
        Records.append(spool, 1, 3);
        byte[] before = Files.readAllBytes(dir.resolve(Spool.CHECKPOINT_FILE));
        spool.acknowledge(spool.peek(1).get(0));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !java.util.Arrays.equals(Files.readAllBytes(dir.resolve(Spool.CHECKPOINT_FILE)), before));
        assertThat(listener.of("flushFailed")).isEmpty();
    }

    /** Forces every 20 ms on {@code fs}, and 3 records appended; {@link #acknowledgeTheFirst} leaves a checkpoint to do. */
    private void threeRecordsOn(FaultyFileSystem fs, SpoolListener to) throws Exception {
        config = SpoolConfig.builder(dir).listener(to).minFreeDiskSpace(0).fileSystem(fs)
                .fsyncInterval(Duration.ofMillis(20));
        open();
        Records.append(spool, 1, 3);
    }

    /** Not past a segment: the checkpoint is left to the flush thread. Returns the checkpoint before. */
    private byte[] acknowledgeTheFirst() throws IOException {
        byte[] before = checkpoint();
        spool.acknowledge(spool.peek(1).get(0));
        return before;
    }

    private byte[] checkpoint() throws IOException {
        return Files.readAllBytes(dir.resolve(Spool.CHECKPOINT_FILE));
    }

    /** An exception from the listener used to end the flush thread's periodic task: no more forces or checkpoints. */
    @Test
    void aListenerThatThrowsDoesNotStopTheFlushThread() throws Exception {
        FaultyFileSystem fs = new FaultyFileSystem();
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        threeRecordsOn(fs, new SpoolListener() {
            @Override
            public void flushFailed(IOException error) {
                failures.incrementAndGet();
                throw new IllegalStateException("a listener's bug");
            }
        });
        fs.failCheckpointForces = true;
        byte[] before = acknowledgeTheFirst();
        await("later ticks, still failing").atMost(Duration.ofSeconds(10)).until(() -> failures.get() >= 2);
        fs.failCheckpointForces = false;
        await("a checkpoint once the disk works").atMost(Duration.ofSeconds(10))
                .until(() -> !java.util.Arrays.equals(checkpoint(), before));
    }

    static Stream<Error> errors() {
        return Stream.of(new AssertionError("injected"), new InternalError("injected: a fault in a mapping"));
    }

    /** An Error used to end the flush thread's periodic task without a word. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("errors")
    void anErrorInAFlushIsReportedAndTheNextFlushGoesOn(Error error) throws Exception {
        FaultyFileSystem fs = new FaultyFileSystem();
        threeRecordsOn(fs, listener);
        fs.checkpointForceError = error;
        byte[] before = acknowledgeTheFirst();
        await("later ticks, still failing").atMost(Duration.ofSeconds(10))
                .until(() -> listener.of("flushFailed").size() >= 2);
        assertThat(listener.of("flushFailed").get(0)).contains(error.toString());
        fs.checkpointForceError = null;
        await("a checkpoint once the error is gone").atMost(Duration.ofSeconds(10))
                .until(() -> !java.util.Arrays.equals(checkpoint(), before));
    }

    /** Reported, then rethrown: the JVM may be in no state to go on, and the flush thread stops. */
    @Test
    void aVirtualMachineErrorInAFlushIsReported() throws Exception {
        FaultyFileSystem fs = new FaultyFileSystem();
        threeRecordsOn(fs, listener);
        fs.checkpointForceError = new OutOfMemoryError("injected");
        try {
            acknowledgeTheFirst();
            await().atMost(Duration.ofSeconds(10)).until(() -> !listener.of("flushFailed").isEmpty());
        } finally {
            fs.checkpointForceError = null; // close writes the checkpoint
        }
        assertThat(listener.of("flushFailed").get(0)).contains("java.lang.OutOfMemoryError: injected")
                .contains("the flush thread stops");
    }

    @Test
    void anInterruptedCallerDoesNotBreakTheSpool() throws Exception {
        open();
        Thread.currentThread().interrupt();
        try {
            Records.append(spool, 1, 3);
            assertThat(spool.peek(3)).hasSize(3);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        Records.append(spool, 4, 4);
        reopen();
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 4));
    }

    @Test
    void recordsOfEveryFsyncPolicySurviveReopen() throws Exception {
        for (FsyncPolicy policy : FsyncPolicy.values()) {
            Path sub = dir.resolve(policy.name());
            try (Spool s = Spool.open(SpoolConfig.builder(sub).fsync(policy).minFreeDiskSpace(0).build())) {
                Records.append(s, 1, 50);
            }
            try (Spool s = Spool.open(SpoolConfig.builder(sub).fsync(policy).minFreeDiskSpace(0).build())) {
                assertThat(Records.readAll(s)).isEqualTo(Records.range(1, 50));
            }
        }
    }

    // ----------------------------------------------------------------- dropOldestSegmentAfter (overflow=dropOldest)

    /** Records.message is 200 octets, so a record is 232. */
    private static final int RECORD = 232;
    /** Records in one 8 KiB segment ({@link #smallSegmentsOn}): 32 + 35 * 232 = 8152. */
    private static final int PER_SEGMENT = (8 * 1024 - 32) / RECORD;

    /** Records 1 to 200 in 8 KiB segments 1 to 6 of 35 records each (the sixth, active, holds 176 to 200). */
    private FaultyFileSystem sixSegments() throws Exception {
        FaultyFileSystem fs = smallSegmentsOn(FsyncPolicy.INTERVAL);
        open();
        Records.append(spool, 1, 200);
        assertThat(segmentNumbers()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        return fs;
    }

    /** The ids of segment {@code n} of {@link #sixSegments}. */
    private static List<Long> segment(int n) {
        return Records.range((n - 1L) * PER_SEGMENT + 1, Math.min(200, (long) n * PER_SEGMENT));
    }

    @SafeVarargs
    private static List<Long> concat(List<Long>... parts) {
        return Stream.of(parts).flatMap(List::stream).toList();
    }

    @Test
    void aDropAfterARecordOfTheHeadSegmentEmptiesTheNextWholeSegmentAndReadsStepOverIt() throws Exception {
        FaultyFileSystem fs = sixSegments();
        SpoolRecord after = spool.peek(10).get(9);
        long size = spool.sizeOnDisk();
        long bytes = spool.pendingBytes();

        assertThat(spool.dropOldestSegmentAfter(after)).isEqualTo(PER_SEGMENT);

        assertThat(spool.pendingRecords()).isEqualTo(200 - PER_SEGMENT);
        assertThat(spool.pendingBytes()).isEqualTo(bytes - PER_SEGMENT * RECORD);
        assertThat(spool.sizeOnDisk()).isEqualTo(size - PER_SEGMENT * RECORD);
        assertThat(spool.oldestEventTime()).contains(Records.time(1));
        assertThat(spool.isEmpty()).isFalse();
        // emptied in place and forced by the caller: the numbering keeps no gap
        assertThat(Files.size(segmentPath(2))).isEqualTo(32);
        assertThat(fs.forces).contains(Thread.currentThread().getName() + " " + segmentPath(2).getFileName());
        assertThat(spool.peekAfter(after, 30)).extracting(SpoolRecord::sequenceId)
                .containsExactlyElementsOf(concat(Records.range(11, 35), Records.range(71, 75)));
        assertThat(Records.readAll(spool)).isEqualTo(concat(segment(1), segment(3), segment(4), segment(5),
                segment(6)));

        // the next drop after the same record takes the next segment with records
        assertThat(spool.dropOldestSegmentAfter(after)).isEqualTo(PER_SEGMENT);
        assertThat(Records.readAll(spool)).isEqualTo(concat(segment(1), segment(4), segment(5), segment(6)));
        assertThat(spool.pendingRecords()).isEqualTo(200 - 2 * PER_SEGMENT);

        // acknowledging the rest of segment 1 moves the head over the emptied ones, which then go
        List<SpoolRecord> rest = spool.peekAfter(after, PER_SEGMENT - 10 + 1);
        assertThat(rest.get(rest.size() - 1).sequenceId()).isEqualTo(segment(4).get(0));
        spool.acknowledge(rest.get(rest.size() - 2));
        assertThat(spool.pendingRecords()).isEqualTo(200 - 3 * PER_SEGMENT);
        assertThat(spool.peek(1)).extracting(SpoolRecord::sequenceId).containsExactly(segment(4).get(0));
        assertThat(segmentNumbers()).containsExactly(4L, 5L, 6L);
        assertThat(spool.sizeOnDisk()).isEqualTo(3 * 32 + (200 - 3 * PER_SEGMENT) * RECORD);
        assertThat(listener.events).isEmpty();
    }

    /** The engine drops the urgent events of the dropped records from its urgent lane by these ids. */
    @Test
    void aDropReportsTheSequenceIdsOfTheRecordsItTookAlsoAfterAReopen() throws Exception {
        sixSegments();
        spool.dropOldestSegmentAfter(spool.peek(10).get(9));
        assertThat(listener.dropped).containsExactly("36..70 35");
        reopen(); // the ids come from the scan on open now, not from the appends
        spool.dropOldestSegmentAfter(null); // the head segment
        spool.dropOldestSegmentAfter(null); // the next with records: the emptied one is stepped over
        assertThat(listener.dropped).containsExactly("36..70 35", "1..35 35", "71..105 35");
        assertThat(Records.readAll(spool)).isEqualTo(concat(segment(4), segment(5), segment(6)));
        assertThat(listener.events).isEmpty();
    }

    @Test
    void theActiveSegmentIsNeverDroppedAndWhenNothingCanGoTheDropIsZero() throws Exception {
        smallSegmentsOn(FsyncPolicy.INTERVAL);
        open();
        Records.append(spool, 1, 50); // segment 1 whole, 36 to 50 in the active segment 2
        SpoolRecord lastOfFirst = spool.peek(PER_SEGMENT).get(PER_SEGMENT - 1);
        long size = spool.sizeOnDisk();

        assertThat(spool.dropOldestSegmentAfter(lastOfFirst)).isZero();
        assertThat(spool.dropOldestSegmentAfter(spool.peek(1).get(0))).isZero();
        assertThat(spool.dropOldestSegmentAfter(spool.peek(40).get(39))).isZero();
        assertThat(spool.sizeOnDisk()).isEqualTo(size);
        assertThat(spool.pendingRecords()).isEqualTo(50);
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 50));

        // with nothing read the head segment may go, but not when it is the active one
        spool.acknowledge(lastOfFirst);
        assertThat(spool.dropOldestSegmentAfter(null)).isZero();
        assertThat(Records.readAll(spool)).isEqualTo(Records.range(36, 50));
        assertThat(listener.events).isEmpty();
    }

    @Test
    void withNothingReadTheHeadSegmentGoesFromTheHeadOn() throws Exception {
        sixSegments();
        List<SpoolRecord> first = spool.peek(5);
        spool.acknowledge(first.get(4));

        // an acknowledged record is as good as none: nothing after the head is held
        assertThat(spool.dropOldestSegmentAfter(first.get(2))).isEqualTo(PER_SEGMENT - 5);
        assertThat(spool.pendingRecords()).isEqualTo(200 - PER_SEGMENT);
        assertThat(spool.pendingBytes()).isEqualTo((200 - PER_SEGMENT) * RECORD);
        assertThat(spool.oldestEventTime()).contains(Records.time(PER_SEGMENT + 1));
        assertThat(spool.peek(1)).extracting(SpoolRecord::sequenceId).containsExactly(PER_SEGMENT + 1L);

        assertThat(spool.dropOldestSegmentAfter(null)).isEqualTo(PER_SEGMENT);
        assertThat(Records.readAll(spool)).isEqualTo(concat(segment(3), segment(4), segment(5), segment(6)));
        // the flush thread writes the moved head's checkpoint, then deletes the emptied files
        await().atMost(Duration.ofSeconds(10)).until(() -> segmentNumbers().get(0) == 3L);
        assertThat(spool.sizeOnDisk()).isEqualTo(4 * 32 + (200 - 2 * PER_SEGMENT) * RECORD);

        reopen();
        assertThat(Records.readAll(spool)).isEqualTo(concat(segment(3), segment(4), segment(5), segment(6)));
        assertThat(spool.pendingRecords()).isEqualTo(200 - 2 * PER_SEGMENT);
        assertThat(listener.events).isEmpty();
    }

    @Test
    void aDropOutlivesAReopenUnreportedAndAppendsAndAcknowledgementsGoOn() throws Exception {
        sixSegments();
        SpoolRecord after = spool.peek(PER_SEGMENT + 3).get(PER_SEGMENT + 2); // in segment 2
        assertThat(spool.dropOldestSegmentAfter(after)).isEqualTo(PER_SEGMENT);
        assertThat(spool.dropOldestSegmentAfter(after)).isEqualTo(PER_SEGMENT);
        List<Long> left = concat(segment(1), segment(2), segment(5), segment(6));

        reopen();
        assertThat(Records.readAll(spool)).isEqualTo(left);
        assertThat(spool.pendingRecords()).isEqualTo(left.size());
        assertThat(spool.pendingBytes()).isEqualTo((long) left.size() * RECORD);
        assertThat(segmentNumbers()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(spool.missingSegments()).isZero();
        assertThat(spool.corruptRegions()).isZero();
        assertThat(spool.quarantinedFiles()).isZero();
        assertThat(listener.events).isEmpty();

        // after a reopen, emptied segments are stepped over by the next drop and by the head
        Records.append(spool, 201, 300);
        SpoolRecord lastOf2 = spool.peek(2 * PER_SEGMENT).get(2 * PER_SEGMENT - 1);
        assertThat(spool.dropOldestSegmentAfter(lastOf2)).isEqualTo(PER_SEGMENT);
        assertThat(Records.readAll(spool)).isEqualTo(concat(segment(1), segment(2), segment(6),
                Records.range(201, 300)));
        spool.acknowledge(lastOf2);
        reopen();
        assertThat(Records.readAll(spool)).isEqualTo(concat(segment(6), Records.range(201, 300)));
        assertThat(segmentNumbers().get(0)).isEqualTo(6L);
        assertThat(listener.events).isEmpty();
    }

    @Test
    void aDropOutlivesAKillOfTheProcessUnreported() throws Exception {
        Path stdout = dir.resolve("child-stdout.txt");
        Path spoolDir = dir.resolve("spool");
        Process child = new ProcessBuilder(SpoolCrashChild.javaCommand(SpoolCrashChild.class.getName(), "drop",
                spoolDir.toString(), "200", "10"))
                .redirectError(dir.resolve("child-stderr.txt").toFile())
                .redirectOutput(stdout.toFile())
                .start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(stdout).contains("\n")
                    || !child.isAlive());
            // segment 2 after record 10, then segment 1 as if nothing were read; no checkpoint is forced for that
            assertThat(Files.readString(stdout)).isEqualTo("DROPPED " + PER_SEGMENT + " " + PER_SEGMENT + "\n");
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }

        config = SpoolConfig.builder(spoolDir).listener(listener).minFreeDiskSpace(0)
                .segmentSize(SpoolCrashChild.DROP_SEGMENT_SIZE);
        open();
        List<Long> left = concat(segment(3), segment(4), segment(5), segment(6));
        assertThat(Records.readAll(spool)).isEqualTo(left);
        assertThat(spool.pendingRecords()).isEqualTo(left.size());
        assertThat(spool.missingSegments()).isZero();
        assertThat(spool.corruptRegions()).isZero();
        assertThat(spool.tornTails()).isZero();
        assertThat(listener.events).isEmpty();
        Records.append(spool, 201, 210);
        reopen();
        assertThat(Records.readAll(spool)).isEqualTo(concat(left, Records.range(201, 210)));
        assertThat(listener.events).isEmpty();
    }

    @Test
    void aFailedForceOfTheEmptiedSegmentIsReportedAndTheDropStands() throws Exception {
        FaultyFileSystem fs = sixSegments();
        fs.failForces = true;
        assertThat(spool.dropOldestSegmentAfter(spool.peek(1).get(0))).isEqualTo(PER_SEGMENT);
        fs.failForces = false;
        assertThat(listener.of("flushFailed")).anySatisfy(e -> assertThat(e).contains("forcing the emptied")
                .contains(segmentPath(2).getFileName().toString()));
        assertThat(Records.readAll(spool)).isEqualTo(concat(segment(1), segment(3), segment(4), segment(5),
                segment(6)));
        assertThat(spool.pendingRecords()).isEqualTo(200 - PER_SEGMENT);
    }

    @Test
    void aDropAfterARecordOfAnotherSpoolIsRefused() throws Exception {
        sixSegments();
        try (Spool other = Spool.open(SpoolConfig.builder(dir.resolve("other")).minFreeDiskSpace(0).build())) {
            Records.append(other, 1, 3);
            SpoolRecord foreign = other.peek(3).get(2);
            assertThatThrownBy(() -> spool.dropOldestSegmentAfter(foreign))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was not read from this spool");
        }
        assertThat(spool.pendingRecords()).isEqualTo(200);
    }

    private Path segmentPath(long n) {
        return dir.resolve(String.format("segment-%019d.spool", n));
    }

    private List<Long> segmentNumbers() throws IOException {
        return segmentFiles().stream().map(f -> Long.parseLong(f.getFileName().toString().substring(8, 27)))
                .toList();
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("segment-\\d{19}\\.spool")).sorted().toList();
        }
    }
}
