package dev.sluice.transport.relp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Proves that {@link NettyLeakWatch} is not a placebo: a buffer dropped unreleased is reported. */
class NettyLeakWatchTest {

    @Test
    void runsWithParanoidDetectionAndJdkLogging() {
        new NettyLeakWatch().beforeAll(null);
    }

    @Test
    void reportsBufferDroppedWithoutRelease() {
        NettyLeakWatch.drain();
        leakOneBuffer();
        List<String> seen = new ArrayList<>();
        // The deliberate leak's report is expected: keep it off the console.
        NettyLeakWatch.quietly(() -> await().atMost(Duration.ofSeconds(20)).until(() -> {
            NettyLeakWatch.provokeReports();
            seen.addAll(NettyLeakWatch.drain());
            return !seen.isEmpty();
        }));
        assertThat(seen).anySatisfy(report -> assertThat(report).contains("LEAK").contains("release()"));
    }

    private static void leakOneBuffer() {
        ByteBuf leaked = ByteBufAllocator.DEFAULT.heapBuffer(16);
        leaked.writeInt(42);
    }
}
