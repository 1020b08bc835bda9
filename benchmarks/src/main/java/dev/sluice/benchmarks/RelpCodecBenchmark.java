package dev.sluice.benchmarks;

import dev.sluice.transport.relp.RelpCommands;
import dev.sluice.transport.relp.RelpFrame;
import dev.sluice.transport.relp.RelpFrameDecoder;
import dev.sluice.transport.relp.RelpFrameEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The RELP codec per frame, as one window of 128 arrives in one read: {@code decodeSyslog} decodes 128
 * {@code syslog} frames of ~200 octets (what the RELP test server reads), {@code decodeAnswers} 128
 * {@code rsp 6 200 OK} answers (what our client reads), {@code encodeSyslog} writes 128 {@code syslog} frames into
 * one buffer (what our client writes), {@code encodeAnswers} 128 answers (what the test server writes).
 * {@code encodeSyslogPooled} is {@code encodeSyslog} as the client's I/O thread does it: into a buffer taken from
 * Netty's default allocator for each window, sized as the transport sizes it, and released after.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar RelpCodecBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RelpCodecBenchmark {

    static final int WINDOW = 128;

    private final byte[] message = ("<14>1 2026-11-28T10:00:00.123Z localhost bench - - [log@32473 logger=\"bench\""
            + " thread=\"main\" level=\"INFO\"][meta sequenceId=\"123456\"] event 123456 " + "x".repeat(70))
            .getBytes(StandardCharsets.UTF_8);
    private ByteBuf syslogWindow;
    private ByteBuf answerWindow;
    private ByteBuf out;
    private EmbeddedChannel channel;
    private final RelpFrame[] ok = new RelpFrame[WINDOW];

    @Setup
    public void setUp() {
        syslogWindow = Unpooled.directBuffer();
        answerWindow = Unpooled.directBuffer();
        for (int i = 0; i < WINDOW; i++) {
            RelpFrameEncoder.writeFrame(syslogWindow, 100_000 + i, RelpCommands.SYSLOG, message);
            ok[i] = RelpFrame.of(100_000 + i, RelpCommands.RSP, "200 OK");
            RelpFrameEncoder.writeFrame(answerWindow, ok[i]);
        }
        out = Unpooled.directBuffer(64 * 1024);
        channel = new EmbeddedChannel(new RelpFrameDecoder());
    }

    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
        syslogWindow.release();
        answerWindow.release();
        out.release();
    }

    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public int decodeSyslog() {
        return decode(syslogWindow);
    }

    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public int decodeAnswers() {
        return decode(answerWindow);
    }

    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public int encodeSyslog() {
        out.clear();
        for (int i = 0; i < WINDOW; i++) {
            RelpFrameEncoder.writeFrame(out, 100_000 + i, RelpCommands.SYSLOG, message);
        }
        return out.writerIndex();
    }

    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public int encodeSyslogPooled() {
        ByteBuf batch = ByteBufAllocator.DEFAULT.ioBuffer(windowBufferSize());
        try {
            for (int i = 0; i < WINDOW; i++) {
                RelpFrameEncoder.writeFrame(batch, 100_000 + i, RelpCommands.SYSLOG, message);
            }
            return batch.writerIndex();
        } finally {
            batch.release();
        }
    }

    /** The first capacity of a window's buffer, as {@code RelpTransport.pump} asks for it. */
    int windowBufferSize() {
        return Math.min(64 * 1024, WINDOW * (message.length + 32));
    }

    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public int encodeAnswers() {
        out.clear();
        for (int i = 0; i < WINDOW; i++) {
            RelpFrameEncoder.writeFrame(out, ok[i]);
        }
        return out.writerIndex();
    }

    private int decode(ByteBuf window) {
        channel.writeInbound(window.retainedDuplicate());
        int n = 0;
        Object frame;
        while ((frame = channel.readInbound()) != null) {
            n += ((RelpFrame) frame).txnr();
            ReferenceCountUtil.release(frame);
        }
        return n;
    }
}
