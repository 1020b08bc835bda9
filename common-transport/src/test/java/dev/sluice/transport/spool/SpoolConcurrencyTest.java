package dev.sluice.transport.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool used as the engine uses it: the application's thread appends while the delivery thread reads and
 * acknowledges, with segments small enough (16 KiB, ~70 records) that rolls, segments prepared ahead by the
 * preallocation thread, acknowledged segments kept as the spare and the spare reused all interleave.
 *
 * <p>Found by this test (records lost): the preallocation thread's segment made ahead and the roll's own used the
 * same {@code segment-N.spool.tmp}, so a preparation that came too late truncated the new active segment; and the
 * spare was renamed outside the monitor, so a spare made meanwhile lent its name to the active segment's file (on
 * disk 0 octets, in memory 16,272).
 *
 * <p>The reader reads as soon as there is something to read, so that it keeps reading the active segment while it
 * is written and rolled; when it has caught up it waits for the writer's next append rather than spinning (a spin
 * took one of the build machine's two cores from the writer and the preallocation thread).
 */
class SpoolConcurrencyTest {

    private static final long RECORDS = 100_000;
    /** The reader acknowledges up to here, then only reads: what follows must survive a reopen. */
    private static final long ACKNOWLEDGED = 60_000;
    /** A liveness bound, not a figure: the writer appends all the records in a few seconds. */
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "memoryMapped={0}")
    @ValueSource(booleans = {true, false})
    void appendingWhileAnotherThreadReadsAndAcknowledgesLosesNothing(boolean mapped) throws Exception {
        RecordingListener listener = new RecordingListener();
        SpoolConfig config = SpoolConfig.builder(dir).listener(listener).minFreeDiskSpace(0)
                .segmentSize(16 * 1024).memoryMapped(mapped).build();
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicLong read = new AtomicLong();
        // one permit per append; the reader takes one when it has read everything there was
        Semaphore appendedSince = new Semaphore(0);
        try (Spool spool = Spool.open(config)) {
            Thread reader = new Thread(() -> {
                SpoolRecord last = null;
                long expected = 1;
                try {
                    while (expected <= RECORDS && problems.isEmpty()) {
                        List<SpoolRecord> batch = spool.peekAfter(last, 256);
                        if (batch.isEmpty()) {
                            // Caught up: wait for the next append. A permit taken here was released after an append
                            // that the next peek sees; those drained were released before it, for records it sees
                            // too: no append goes unnoticed. Bounded, so that a writer that failed cannot hold it.
                            if (!appendedSince.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                                problems.add("reader: nothing after " + (expected - 1) + " for " + WAIT);
                            }
                            appendedSince.drainPermits();
                            continue;
                        }
                        SpoolRecord ack = null;
                        for (SpoolRecord r : batch) {
                            if (r.sequenceId() != expected) {
                                problems.add("expected " + expected + ", read " + r);
                            }
                            Records.check(r);
                            expected = r.sequenceId() + 1;
                            if (r.sequenceId() <= ACKNOWLEDGED) {
                                ack = r;
                            }
                        }
                        if (ack != null) {
                            spool.acknowledge(ack);
                        }
                        last = batch.get(batch.size() - 1);
                        read.set(last.sequenceId());
                    }
                } catch (Exception | AssertionError e) {
                    problems.add("reader: " + e);
                }
            }, "reader");
            reader.start();
            try {
                for (long seq = 1; seq <= RECORDS; seq++) {
                    Records.append(spool, seq, seq);
                    appendedSince.release();
                }
                await().atMost(WAIT).until(() -> !reader.isAlive() || read.get() == RECORDS || !problems.isEmpty());
            } finally {
                reader.interrupt(); // ends its wait if the writer failed; a no-op once it is done
                reader.join(WAIT.toMillis());
            }
            assertThat(problems).isEmpty();
            assertThat(read.get()).isEqualTo(RECORDS);
            assertThat(spool.pendingRecords()).isEqualTo(RECORDS - ACKNOWLEDGED);
        }
        assertThat(listener.events).filteredOn(e -> !e.startsWith("refused")).isEmpty();
        try (Spool spool = Spool.open(config)) {
            assertThat(Records.readAll(spool)).isEqualTo(Records.range(ACKNOWLEDGED + 1, RECORDS));
        }
        assertThat(listener.events).filteredOn(e -> !e.startsWith("refused")).isEmpty();
    }
}
