package dev.sluice.benchmarks;

import dev.sluice.transport.spool.FsyncPolicy;
import dev.sluice.transport.spool.Spool;
import dev.sluice.transport.spool.SpoolConfig;
import dev.sluice.transport.spool.SpoolRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Replay: reading every pending record of a spool of 100,000 records (~23 MB, in the page cache) in batches of
 * 1,000 with {@link Spool#peekAfter}, CRC checked and copied into records; against a raw sequential FileChannel
 * read of the same file in 256 KiB chunks. Scores are records per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class SpoolReplayBenchmark {

    static final int RECORDS = 100_000;

    Path dir;
    Spool spool;
    Path segment;
    /** Octets of the records: while the spool is open its segment file is longer (mapped, zeros after them). */
    long recordsEnd;
    final ByteBuffer chunk = ByteBuffer.allocate(256 * 1024);

    @Setup(Level.Trial)
    public void fill() throws IOException {
        dir = Files.createTempDirectory("sluice-bench-replay");
        spool = Spool.open(SpoolConfig.builder(dir).fsync(FsyncPolicy.NEVER).segmentSize(1L << 30).maxSize(4L << 30)
                .minFreeDiskSpace(0).build());
        byte[] message = Files2.message();
        Instant time = Instant.parse("2024-03-01T09:00:00.123456Z");
        for (int i = 1; i <= RECORDS; i++) {
            spool.append(i, time, message);
        }
        segment = dir.resolve("segment-0000000000000000001.spool");
        recordsEnd = 32 + (long) RECORDS * (message.length + 32);
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        spool.close();
        Files2.deleteTree(dir);
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long spoolReplay() throws IOException {
        long sum = 0;
        SpoolRecord last = null;
        while (true) {
            List<SpoolRecord> batch = spool.peekAfter(last, 1000);
            if (batch.isEmpty()) {
                return sum;
            }
            for (SpoolRecord r : batch) {
                sum += r.sequenceId();
            }
            last = batch.get(batch.size() - 1);
        }
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long rawFileChannelRead() throws IOException {
        long sum = 0;
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
            long pos = 0;
            while (true) {
                chunk.clear();
                chunk.limit((int) Math.min(chunk.capacity(), recordsEnd - pos));
                int n = chunk.hasRemaining() ? ch.read(chunk, pos) : 0;
                if (n <= 0) {
                    return sum;
                }
                pos += n;
                sum += chunk.get(0);
            }
        }
    }
}
