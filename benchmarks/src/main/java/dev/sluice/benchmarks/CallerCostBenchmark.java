package dev.sluice.benchmarks;

import java.util.concurrent.TimeUnit;
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
 * What one {@code logger.info} costs the calling thread, per appender, with the receiver up and down. SampleTime
 * mode, so JMH reports the percentiles; run with {@code -t 1} and {@code -t 4}.
 *
 * <p>The loop logs as fast as it can, so every asynchronous appender soon runs at its saturation point: ours and
 * logstash's then drop (overflow {@code dropNewest} / ring buffer full) once their queue is full, Log4j2's
 * AsyncAppender blocks (its default). The tear-down prints the share of events our engine dropped, so a cheap
 * score that is a cheap drop can be told apart. {@code e2e.CallerLatency} measures the same appenders at a fixed
 * rate below saturation.
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) org.openjdk.jmh.Main \
 *     CallerCostBenchmark -f 1 -wi 2 -i 3 -w 2s -r 3s -t 1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CallerCostBenchmark {

    private static final String PAD = "x".repeat(100);

    /** One of {@link BenchAppenders#NAMES}; see there. */
    @Param({"sluiceRelp", "sluiceRelpSpool", "asyncNull", "log4j2SyslogTcp", "logbackSyslogUdp", "logstashTcp"})
    public String appender;

    /** {@code up}: a receiver listens; {@code down}: the port is closed (nothing listens). */
    @Param({"up", "down"})
    public String receiver;

    private BenchAppenders out;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        out = new BenchAppenders(appender, receiver.equals("up"));
    }

    @Benchmark
    public void info() {
        out.info(PAD);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        String counters = out.counters();
        if (!counters.isEmpty()) {
            System.out.printf("%n[%s/%s] %s%n", appender, receiver, counters);
        }
        out.close();
    }
}
