package dev.sluice.benchmarks;

import dev.sluice.transport.event.EventMapper;
import dev.sluice.transport.event.LogEventView;
import dev.sluice.transport.syslog.SdElement;
import dev.sluice.transport.syslog.StructuredData;
import dev.sluice.transport.syslog.SyslogBuffer;
import dev.sluice.transport.syslog.SyslogEncoder;
import dev.sluice.transport.syslog.SyslogMessage;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Formatting one event as the engine does ({@code SyslogEncoder.encodeTo} with a sequence id into a reused
 * {@link SyslogBuffer}): an RFC 5424 message like the appenders' (header, {@code [log@32473 logger thread level]},
 * {@code [meta sequenceId]}, ~70-char MSG; ~267 octets), in ASCII or with a few non-ASCII chars in MSG.
 *
 * <p>{@code encode}: a built {@link SyslogMessage}. {@code captureAndEncode}: what the spool path does on the
 * application's thread for a framework event, copy it ({@link EventMapper#capture}) and format its own fields.
 * {@code captureBuildAndEncode}: the same through a {@code SyslogMessage} with its {@code SdElement}s, as the
 * appenders did before 2026-11-28.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar EncodeBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EncodeBenchmark {

    @Param({"ascii", "accents"})
    public String text;

    private final SyslogEncoder encoder = SyslogEncoder.builder().build();
    private final SyslogBuffer buffer = new SyslogBuffer();
    private SyslogMessage message;
    private long seq;
    private final EventMapper mapper = EventMapper.builder().hostname("localhost").appName("bench").procId("1234")
            .build();
    private LogEventView event;

    @org.openjdk.jmh.annotations.Setup
    public void setUp() {
        String msg = "event 123456 " + "x".repeat(54) + (text.equals("ascii") ? "" : " déjà vu €");
        message = SyslogMessage.builder().timestamp(Instant.parse("2026-11-27T09:00:00.123456Z"), ZoneOffset.UTC)
                .hostname("localhost").appName("bench").procId("1234")
                .structuredData(StructuredData.of(SdElement.of("log@32473", "logger", "bench", "thread",
                        "dev.sluice.benchmarks.CallerCostBenchmark.info-jmh-worker-1", "level", "INFO")))
                .message(msg).build();
        Instant time = Instant.parse("2026-11-27T09:00:00.123456Z");
        String thread = "dev.sluice.benchmarks.CallerCostBenchmark.info-jmh-worker-1";
        event = new LogEventView() {
            @Override
            public Instant timestamp() {
                return time;
            }

            @Override
            public String levelName() {
                return "INFO";
            }

            @Override
            public String loggerName() {
                return "bench";
            }

            @Override
            public String threadName() {
                return thread;
            }

            @Override
            public String message() {
                return msg;
            }

            @Override
            public Throwable thrown() {
                return null;
            }

            @Override
            public Map<String, String> mdc() {
                return Map.of();
            }

            @Override
            public List<String> markers() {
                return List.of();
            }
        };
    }

    @Benchmark
    public int encode() {
        buffer.reset();
        encoder.encodeTo(message, ++seq, buffer);
        return buffer.size();
    }

    @Benchmark
    public int captureAndEncode() {
        buffer.reset();
        encoder.encodeTo(mapper.capture(event).fields(), ++seq, buffer);
        return buffer.size();
    }

    @Benchmark
    public int captureBuildAndEncode() {
        buffer.reset();
        encoder.encodeTo(mapper.capture(event).fields().toMessage(), ++seq, buffer);
        return buffer.size();
    }
}
