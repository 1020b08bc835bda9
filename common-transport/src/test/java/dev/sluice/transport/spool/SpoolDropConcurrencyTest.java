package dev.sluice.transport.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The spool used as the engine uses it with {@code overflow=dropOldest}: the application's thread appends, the
 * delivery thread reads and acknowledges, and a third thread drops the oldest segment nobody has read
 * ({@link Spool#dropOldestSegmentAfter}) while the backlog is long, all at once, with 16 KiB segments (~70 records)
 * so that rolls, segments prepared ahead, the spare, checkpoints and deletions outside the monitor, and drops all
 * interleave. Then the same with the spool closed under the three of them and opened again, a few times.
 *
 * <p>Every record read is checked, in order; what a reopen finds is exactly what was neither acknowledged nor
 * dropped, and the number of records missing is exactly the number the drops reported.
 */
class SpoolDropConcurrencyTest {

    /** Records pending past which the third thread drops a segment: about three segments. */
    private static final long BACKLOG = 200;

    @TempDir
    Path dir;

    /** As in SpoolMappedTailTest: past that many dropped mappings in the JVM, new segments are not mapped. */
    @BeforeEach
    void letTheGcReleaseEarlierMappings() {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return Spool.droppedMappings() < Spool.MAX_DROPPED_MAPPINGS / 2;
        });
    }

    static Stream<Arguments> configurations() {
        List<Arguments> all = new ArrayList<>();
        for (boolean mapped : new boolean[] {true, false}) {
            for (FsyncPolicy fsync : FsyncPolicy.values()) {
                all.add(Arguments.of(mapped, fsync));
            }
        }
        return all.stream();
    }

    /** Fewer records with a force per record. */
    private static long records(FsyncPolicy fsync) {
        return fsync == FsyncPolicy.ALWAYS ? 10_000 : 60_000;
    }

    private SpoolConfig config(RecordingListener listener, boolean mapped, FsyncPolicy fsync) {
        return SpoolConfig.builder(dir).listener(listener).minFreeDiskSpace(0).segmentSize(16 * 1024)
                .memoryMapped(mapped).fsync(fsync).fsyncInterval(Duration.ofMillis(5)).build();
    }

    @ParameterizedTest(name = "memoryMapped={0}, fsync={1}")
    @MethodSource("configurations")
    void appendingReadingAcknowledgingAndDroppingOnThreeThreadsLosesOnlyWhatWasDropped(boolean mapped,
            FsyncPolicy fsync) throws Exception {
        long records = records(fsync);
        RecordingListener listener = new RecordingListener();
        SpoolConfig config = config(listener, mapped, fsync);
        Ledger ledger = new Ledger(records * 6 / 10);
        try (Spool spool = Spool.open(config)) {
            Traffic traffic = new Traffic(spool, ledger, 1, records);
            // The reader waits until the dropper has dropped: a reader that keeps up leaves nothing to drop (seen
            // on a loaded machine), and a run without drops would test less than it says.
            traffic.readerHeld = true;
            traffic.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> ledger.dropped.get() > 0 || !ledger.problems.isEmpty()
                    || traffic.appender.getState() == Thread.State.TERMINATED);
            traffic.readerHeld = false;
            await().atMost(Duration.ofSeconds(60)).until(() -> traffic.appender.getState() == Thread.State.TERMINATED
                    || !ledger.problems.isEmpty());
            traffic.stopDropping();
            // The last segment is never dropped, so the reader gets to the last record.
            await().atMost(Duration.ofSeconds(60)).until(() -> ledger.lastRead.get() == records
                    || !ledger.problems.isEmpty());
            traffic.stop();
            assertThat(ledger.problems).isEmpty();
            assertThat(ledger.lastAppended.get()).isEqualTo(records);
            assertThat(ledger.dropped.get()).as("some drops happened").isPositive();
            assertThat(spool.pendingRecords()).isEqualTo(ledger.readAfter(ledger.acknowledged.get()).size());
        }
        assertThat(listener.events).filteredOn(e -> !e.startsWith("refused")).isEmpty();
        try (Spool spool = Spool.open(config)) {
            List<Long> left = Records.readAll(spool);
            assertThat(left).isEqualTo(ledger.readAfter(ledger.acknowledged.get()));
            ledger.assertAccountedFor(left);
            assertThat(spool.highestSequenceId()).isEqualTo(records);
        }
        assertThat(listener.events).filteredOn(e -> !e.startsWith("refused")).isEmpty();
    }

    @ParameterizedTest(name = "memoryMapped={0}, fsync={1}")
    @MethodSource("configurations")
    void closingUnderAppendsReadsAcknowledgementsAndDropsThenReopeningLosesOnlyWhatWasDropped(boolean mapped,
            FsyncPolicy fsync) throws Exception {
        long perRound = records(fsync) / 4;
        RecordingListener listener = new RecordingListener();
        SpoolConfig config = config(listener, mapped, fsync);
        Ledger ledger = new Ledger(Long.MAX_VALUE);
        for (int round = 0; round < 4; round++) {
            long from = ledger.lastAppended.get() + 1;
            ledger.newSpool();
            Spool spool = Spool.open(config);
            assertThat(spool.highestSequenceId()).isEqualTo(from - 1);
            Traffic traffic = new Traffic(spool, ledger, from, Long.MAX_VALUE);
            // The reader waits until the dropper has dropped in this round: a reader that keeps up leaves nothing
            // to drop, and a round without drops would test less than it says.
            traffic.readerHeld = true;
            long droppedBefore = ledger.dropped.get();
            traffic.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> ledger.dropped.get() > droppedBefore
                    || !ledger.problems.isEmpty());
            traffic.readerHeld = false;
            // Close somewhere in the middle of it all: appends, reads, acknowledgements and drops still going.
            long until = ledger.lastAppended.get() + perRound;
            await().atMost(Duration.ofSeconds(60)).until(() -> ledger.lastAppended.get() >= until
                    || !ledger.problems.isEmpty());
            spool.close();
            traffic.stop();
            assertThat(ledger.problems).isEmpty();
            assertThat(listener.events).filteredOn(e -> !e.startsWith("refused")).isEmpty();
        }
        try (Spool spool = Spool.open(config)) {
            List<Long> left = Records.readAll(spool);
            ledger.assertAccountedFor(left);
            assertThat(spool.highestSequenceId()).isEqualTo(ledger.lastAppended.get());
        }
        assertThat(listener.events).filteredOn(e -> !e.startsWith("refused")).isEmpty();
        assertThat(ledger.dropped.get()).as("some drops happened").isPositive();
    }

    /** What the three threads did, across reopens. */
    static final class Ledger {
        final Queue<String> problems = new ConcurrentLinkedQueue<>();
        /** The reader acknowledges up to here, then only reads. */
        final long acknowledgeUpTo;
        final AtomicLong lastAppended = new AtomicLong();
        final AtomicLong lastRead = new AtomicLong();
        /** The highest id acknowledged (acknowledge returned). */
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();
        /** Every id the reader has read, from any spool. */
        final Set<Long> read = ConcurrentHashMap.newKeySet();

        Ledger(long acknowledgeUpTo) {
            this.acknowledgeUpTo = acknowledgeUpTo;
        }

        /** What was read and not acknowledged is read again from a new spool, if it was not dropped. */
        void newSpool() {
            long acked = acknowledged.get();
            read.removeIf(i -> i > acked);
        }

        List<Long> readAfter(long id) {
            return read.stream().filter(i -> i > id).sorted().toList();
        }

        /**
         * What a reopen found ({@code left}, in order) is after the last acknowledged id; every id up to that was
         * read (and acknowledged) or dropped; every id after it is left or was dropped; and the drops reported as
         * many records as are missing.
         */
        void assertAccountedFor(List<Long> left) {
            long acked = acknowledged.get();
            long last = lastAppended.get();
            assertThat(left).isSorted().doesNotHaveDuplicates().allMatch(i -> i > acked && i <= last);
            long droppedBefore = 0;
            for (long i = 1; i <= acked; i++) {
                if (!read.contains(i)) {
                    droppedBefore++;
                }
            }
            long droppedAfter = (last - acked) - left.size();
            assertThat(droppedBefore + droppedAfter).as("records missing").isEqualTo(dropped.get());
        }
    }

    /**
     * The engine's three threads on one spool: appender, reader (reads and acknowledges as the delivery thread
     * does), dropper (as {@code overflow=dropOldest} does on an application thread). The reader publishes the last
     * record it read and the dropper takes it as its bound, both under {@code inFlight}, as in the engine. Each stops
     * at the first IOException once the spool is closed; anything else is a problem.
     */
    static final class Traffic {
        private final Spool spool;
        private final Ledger ledger;
        private final Object inFlight = new Object();
        private SpoolRecord lastRead;
        private volatile boolean dropping = true;
        private volatile boolean running = true;
        /** While set, the reader does not read: segments pile up, so the dropper has whole ones to drop. */
        volatile boolean readerHeld;
        final Thread appender;
        final Thread reader;
        final Thread dropper;

        Traffic(Spool spool, Ledger ledger, long from, long to) {
            this.spool = spool;
            this.ledger = ledger;
            appender = new Thread(() -> append(from, to), "appender");
            reader = new Thread(this::read, "reader");
            dropper = new Thread(this::drop, "dropper");
        }

        void start() {
            appender.start();
            reader.start();
            dropper.start();
        }

        void stopDropping() throws InterruptedException {
            dropping = false;
            dropper.join();
        }

        void stop() throws InterruptedException {
            running = false;
            dropping = false;
            appender.join();
            reader.join();
            dropper.join();
        }

        /** The spool was closed under the thread: it stops. Any other IOException is a problem. */
        private void closedNow(IOException e, String who) {
            if (e.getMessage() == null || !e.getMessage().endsWith(" is closed")) {
                ledger.problems.add(who + ": " + e);
            }
        }

        private void append(long from, long to) {
            try {
                for (long seq = from; seq <= to && running && ledger.problems.isEmpty(); seq++) {
                    AppendResult r = spool.append(seq, Records.time(seq), Records.message(seq));
                    if (r != AppendResult.APPENDED) {
                        ledger.problems.add("append " + seq + ": " + r);
                        return;
                    }
                    ledger.lastAppended.set(seq);
                }
            } catch (IOException e) {
                closedNow(e, "appender");
            } catch (RuntimeException | AssertionError e) {
                ledger.problems.add("appender: " + e);
            }
        }

        private void read() {
            long previous = ledger.acknowledged.get();
            try {
                while (running && ledger.problems.isEmpty()) {
                    if (readerHeld) {
                        Thread.yield();
                        continue;
                    }
                    List<SpoolRecord> batch;
                    synchronized (inFlight) {
                        batch = spool.peekAfter(lastRead, 64);
                        if (!batch.isEmpty()) {
                            lastRead = batch.get(batch.size() - 1);
                        }
                    }
                    if (batch.isEmpty()) {
                        Thread.yield();
                        continue;
                    }
                    SpoolRecord ack = null;
                    for (SpoolRecord r : batch) {
                        if (r.sequenceId() <= previous) {
                            ledger.problems.add("read " + r.sequenceId() + " after " + previous);
                        }
                        Records.check(r);
                        previous = r.sequenceId();
                        ledger.read.add(r.sequenceId());
                        if (r.sequenceId() <= ledger.acknowledgeUpTo) {
                            ack = r;
                        }
                    }
                    ledger.lastRead.set(previous);
                    if (ack != null) {
                        spool.acknowledge(ack);
                        ledger.acknowledged.set(ack.sequenceId());
                    }
                }
            } catch (IOException e) {
                closedNow(e, "reader");
            } catch (RuntimeException | AssertionError e) {
                ledger.problems.add("reader: " + e);
            }
        }

        private void drop() {
            try {
                while (dropping && ledger.problems.isEmpty()) {
                    if (spool.pendingRecords() <= BACKLOG) {
                        Thread.yield();
                        continue;
                    }
                    synchronized (inFlight) {
                        ledger.dropped.addAndGet(spool.dropOldestSegmentAfter(lastRead));
                    }
                    Thread.yield();
                }
            } catch (IOException e) {
                closedNow(e, "dropper");
            } catch (RuntimeException | AssertionError e) {
                ledger.problems.add("dropper: " + e);
            }
        }
    }
}
