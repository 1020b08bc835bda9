package dev.sluice.transport.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interrupted threads. NIO closes a channel, for every thread, when a thread is interrupted in I/O on it, and reports
 * {@link ClosedByInterruptException} even when the call was done (an interrupt that comes during the system call does
 * not undo it). The spool sets a caller's interrupt aside for each call, but one can come during the call: the call
 * may fail, and must then have changed nothing, or have done all it says; and no other thread may be disturbed.
 *
 * <p>Found by these tests: a drop interrupted during its truncate left the records counted in memory and gone from
 * the file (every read of them ended in an EOF until a reopen); an append interrupted during its write left the
 * record it said had failed in the file, where close or a crash kept it; {@code close} on an interrupted thread did
 * not wait for the spool's threads and skipped the final force and checkpoint (acknowledged records came back); a
 * channel closed by a reader's interrupt under the preallocation thread was reported as a failure to reserve space,
 * and stopped the reservation for the next MiB.
 */
class SpoolInterruptTest {

    private static final long RECORDS = 100_000;

    @TempDir
    Path dir;

    private final RecordingListener listener = new RecordingListener();
    private final FaultyFileSystem fs = new FaultyFileSystem();

    private SpoolConfig.Builder config() {
        return SpoolConfig.builder(dir).listener(listener).minFreeDiskSpace(0).fileSystem(fs);
    }

    /** As in SpoolMappedTailTest: past that many dropped mappings in the JVM, new segments are not mapped. */
    @BeforeEach
    void letTheGcReleaseEarlierMappings() {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return Spool.droppedMappings() < Spool.MAX_DROPPED_MAPPINGS / 2;
        });
    }

    @ParameterizedTest(name = "memoryMapped={0}")
    @ValueSource(booleans = {true, false})
    void aDropInterruptedDuringItsTruncateStillDropsAndLeavesTheRestReadable(boolean mapped) throws Exception {
        SpoolConfig config = config().segmentSize(8 * 1024).memoryMapped(mapped).build();
        long dropped = 0;
        try (Spool spool = Spool.open(config)) {
            Records.append(spool, 1, 100); // three segments
            fs.interruptTruncatesOf = Thread.currentThread();
            try {
                dropped = spool.dropOldestSegmentAfter(null);
                assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is the caller's again").isTrue();
            } catch (IOException e) {
                // allowed, if nothing was dropped
            } finally {
                fs.interruptTruncatesOf = null;
                Thread.interrupted();
            }
            assertThat(Records.readAll(spool)).isEqualTo(Records.range(dropped + 1, 100));
            assertThat(spool.pendingRecords()).isEqualTo(100 - dropped);
        }
        assertThat(dropped).isPositive();
        try (Spool spool = Spool.open(config)) {
            assertThat(Records.readAll(spool)).isEqualTo(Records.range(dropped + 1, 100));
        }
        assertThat(listener.events).isEmpty();
    }

    @ParameterizedTest(name = "memoryMapped={0}")
    @ValueSource(booleans = {true, false})
    void anAppendInterruptedDuringItsWriteLeavesNothingOfItsRecord(boolean mapped) throws Exception {
        // Mapped, a record is written with a write call when it does not fit in the space reserved ahead: a big one.
        SpoolConfig config = config().memoryMapped(mapped).build();
        byte[] big = new byte[2 << 20];
        try (Spool spool = Spool.open(config)) {
            Records.append(spool, 1, 5);
            fs.interruptWritesOf = Thread.currentThread();
            try {
                assertThatThrownBy(() -> spool.append(6, Records.time(6), mapped ? big : Records.message(6)))
                        .isInstanceOf(ClosedByInterruptException.class);
                assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is the caller's again").isTrue();
            } finally {
                fs.interruptWritesOf = null;
                Thread.interrupted();
            }
            assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 5));
        }
        // The write was done; had it not been cut away, close would keep it (written with write calls, the segment
        // is not cut back to its end) and so would a crash.
        try (Spool spool = Spool.open(config)) {
            assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 5));
            assertThat(spool.highestSequenceId()).isEqualTo(5);
        }
        assertThat(listener.events).hasSize(1).allMatch(e -> e.startsWith("appendFailed:"));
    }

    @ParameterizedTest(name = "memoryMapped={0}")
    @ValueSource(booleans = {true, false})
    void closingOnAnInterruptedThreadStillForcesWritesTheCheckpointAndKeepsTheInterrupt(boolean mapped)
            throws Exception {
        // No checkpoint from the flush thread: only close writes it.
        SpoolConfig config = config().segmentSize(8 * 1024).memoryMapped(mapped).fsyncInterval(Duration.ofHours(1))
                .build();
        Spool spool = Spool.open(config);
        Records.append(spool, 1, 100);
        spool.acknowledge(spool.peekAfter(null, 80).get(79)); // into the third segment: the checkpoint is written at once
        Records.append(spool, 101, 110);
        spool.acknowledge(spool.peekAfter(null, 10).get(9)); // within that segment: only the close checkpoints it
        IOException closeFailed = null;
        Thread.currentThread().interrupt();
        try {
            spool.close();
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is the caller's again").isTrue();
        } catch (IOException e) {
            closeFailed = e;
        } finally {
            Thread.interrupted();
        }
        try (Spool reopened = Spool.open(config)) {
            assertThat(Records.readAll(reopened)).as("acknowledged records do not come back")
                    .isEqualTo(Records.range(91, 110));
        }
        assertThat(closeFailed).isNull();
        assertThat(listener.events).isEmpty();
    }

    @Test
    void openingOnAnInterruptedThreadRecoversAndKeepsTheInterrupt() throws Exception {
        SpoolConfig config = config().build();
        try (Spool spool = Spool.open(config)) {
            Records.append(spool, 1, 10);
            spool.acknowledge(spool.peek(3).get(2));
        }
        Thread.currentThread().interrupt();
        try (Spool spool = Spool.open(config)) {
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is the caller's again").isTrue();
            Thread.interrupted();
            assertThat(Records.readAll(spool)).isEqualTo(Records.range(4, 10));
        } finally {
            Thread.interrupted();
        }
        assertThat(listener.events).isEmpty();
    }

    @Test
    void aChannelClosedUnderThePreallocationThreadIsOpenedAgainAndNotReportedAsAFailure() throws Exception {
        fs.closeUnderPreallocation = true;
        try (Spool spool = Spool.open(config().memoryMapped(true).build())) {
            // Opening maps the first segment and asks for the first MiB to be reserved.
            await().atMost(Duration.ofSeconds(10)).until(() -> !fs.closeUnderPreallocation
                    && spool.tail().allocated() >= Spool.PREALLOC_LEAD || !listener.events.isEmpty());
            assertThat(listener.events).isEmpty();
            Records.append(spool, 1, 10);
            assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 10));
        }
        assertThat(listener.events).isEmpty();
    }

    /**
     * A reader of the active segment (the delivery thread when it keeps up, or a health check's
     * {@code oldestEventTime}) interrupted again and again while the application appends: the reader's own call may
     * fail, nothing else may, and nothing is reported.
     */
    @ParameterizedTest(name = "memoryMapped={0}")
    @ValueSource(booleans = {true, false})
    void aReaderInterruptedInIoDisturbsNeitherAppendsNorTheirPreallocation(boolean mapped) throws Exception {
        SpoolConfig config = SpoolConfig.builder(dir).listener(listener).minFreeDiskSpace(0)
                .segmentSize(4L << 20).memoryMapped(mapped).fsyncInterval(Duration.ofMillis(5)).build();
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicLong read = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        try (Spool spool = Spool.open(config)) {
            Thread reader = new Thread(() -> {
                SpoolRecord last = null;
                long expected = 1;
                while (expected <= RECORDS && problems.isEmpty() && !stop.get()) {
                    List<SpoolRecord> batch;
                    try {
                        batch = spool.peekAfter(last, 16);
                    } catch (ClosedByInterruptException e) {
                        Thread.interrupted(); // this read failed; the next one goes on from the same record
                        continue;
                    } catch (IOException | RuntimeException e) {
                        problems.add("reader: " + e);
                        return;
                    }
                    for (SpoolRecord r : batch) {
                        if (r.sequenceId() != expected) {
                            problems.add("expected " + expected + ", read " + r);
                        }
                        Records.check(r);
                        expected = r.sequenceId() + 1;
                    }
                    if (!batch.isEmpty()) {
                        last = batch.get(batch.size() - 1);
                        read.set(last.sequenceId());
                    }
                }
            }, "reader");
            Thread interrupter = new Thread(() -> {
                while (reader.isAlive()) {
                    reader.interrupt();
                    Thread.yield();
                }
            }, "interrupter");
            reader.start();
            interrupter.start();
            try {
                Records.append(spool, 1, RECORDS);
            } finally {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> !reader.isAlive() || read.get() == RECORDS || !problems.isEmpty());
                stop.set(true);
                reader.join();
                interrupter.join();
            }
            assertThat(problems).isEmpty();
            assertThat(read.get()).isEqualTo(RECORDS);
        }
        assertThat(listener.events).isEmpty();
        try (Spool spool = Spool.open(config)) {
            assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, RECORDS));
        }
        assertThat(listener.events).isEmpty();
    }
}
