package dev.sluice.benchmarks;

import dev.sluice.transport.spool.AppendResult;
import dev.sluice.transport.spool.FsyncPolicy;
import dev.sluice.transport.spool.Spool;
import dev.sluice.transport.spool.SpoolConfig;
import dev.sluice.transport.spool.SpoolRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Spool append of ~200-octet messages (232-octet records) against the floor: a raw positional FileChannel write of
 * the same number of octets per operation, one write call each, never forced. Each is measured twice: throughput
 * (appends per second) and, because the engine appends on the application's logging thread, the latency of one
 * append as the caller sees it ({@code SampleTime}: p50, p99, p99.99 in nanoseconds). With {@code delivered}, a
 * second thread reads and acknowledges what was appended, 64 records at a time, as the engine's delivery thread
 * does when the server keeps up: the steady state, where acknowledged segments are deleted (or reused). Without
 * it the spool only grows, as while the server is down.
 */
public class SpoolAppendBenchmark {

    @State(Scope.Thread)
    public static class SpoolState {
        @Param({"INTERVAL", "NEVER", "ALWAYS"})
        public FsyncPolicy fsync;

        @Param({"false", "true"})
        public boolean delivered;

        Thread deliverer;
        volatile boolean running;

        Path dir;
        Spool spool;
        long seq;
        final byte[] message = Files2.message();
        final Instant time = Instant.parse("2024-03-01T09:00:00.123456Z");

        @Setup(Level.Iteration)
        public void open() throws IOException {
            dir = Files.createTempDirectory("sluice-bench-append");
            spool = Spool.open(SpoolConfig.builder(dir).fsync(fsync).maxSize(1L << 40).minFreeDiskSpace(256L << 20)
                    .build());
            seq = 0;
            if (delivered) {
                running = true;
                deliverer = new Thread(this::deliver, "bench-deliverer");
                deliverer.setDaemon(true);
                deliverer.start();
            }
        }

        private void deliver() {
            try {
                SpoolRecord last = null;
                while (running) {
                    List<SpoolRecord> batch = spool.peekAfter(last, 64);
                    if (batch.isEmpty()) {
                        LockSupport.parkNanos(1_000_000);
                        continue;
                    }
                    last = batch.get(batch.size() - 1);
                    spool.acknowledge(last);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @TearDown(Level.Iteration)
        public void close() throws IOException, InterruptedException {
            if (deliverer != null) {
                running = false;
                deliverer.join();
                deliverer = null;
            }
            spool.close();
            Files2.deleteTree(dir);
        }
    }

    @State(Scope.Thread)
    public static class RawState {
        Path dir;
        FileChannel channel;
        long position;
        final ByteBuffer record = ByteBuffer.allocate(Files2.message().length + 32);

        @Setup(Level.Iteration)
        public void open() throws IOException {
            dir = Files.createTempDirectory("sluice-bench-raw");
            channel = FileChannel.open(dir.resolve("raw"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ);
            position = 0;
        }

        @TearDown(Level.Iteration)
        public void close() throws IOException {
            channel.close();
            Files2.deleteTree(dir);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public AppendResult spoolAppend(SpoolState s) throws IOException {
        return append(s);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public AppendResult spoolAppendLatency(SpoolState s) throws IOException {
        return append(s);
    }

    private static AppendResult append(SpoolState s) throws IOException {
        AppendResult r = s.spool.append(++s.seq, s.time, s.message);
        if (r != AppendResult.APPENDED) {
            throw new IllegalStateException(r.toString());
        }
        return r;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public int rawFileChannelWrite(RawState s) throws IOException {
        return write(s);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int rawFileChannelWriteLatency(RawState s) throws IOException {
        return write(s);
    }

    private static int write(RawState s) throws IOException {
        s.record.clear();
        int n = s.channel.write(s.record, s.position);
        s.position += n;
        return n;
    }
}
