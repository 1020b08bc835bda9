package dev.sluice.transport.relp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when Netty's leak detector reports a leak.
 *
 * <p>Netty reports a leak when a tracked buffer has been garbage collected without being released, and only on a
 * later allocation of a tracked buffer (buffers of {@code ByteBufAllocator.DEFAULT} and the pooled allocator, and
 * direct buffers; not unpooled heap buffers, so tests allocate their input through {@code ByteBufAllocator.DEFAULT}). So after each test this runs a collection and then allocates (and
 * releases) tracked buffers, and fails with the report if the detector's logger received one. The detector logs
 * through {@code java.util.logging} here (no SLF4J or Log4j on this module's test class path; checked below), so
 * a handler on its logger sees every report. {@link NettyLeakWatchTest} proves the whole chain with a deliberate
 * leak.
 */
final class NettyLeakWatch implements BeforeAllCallback, AfterEachCallback {

    private static final List<String> REPORTS = new CopyOnWriteArrayList<>();
    /** Held strongly: java.util.logging keeps loggers only weakly. */
    private static final Logger DETECTOR_LOGGER = Logger.getLogger(ResourceLeakDetector.class.getName());

    static {
        DETECTOR_LOGGER.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.SEVERE.intValue()
                        && String.valueOf(record.getMessage()).contains("LEAK")) {
                    REPORTS.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        assertThat(InternalLoggerFactory.getDefaultFactory())
                .as("Netty must log through java.util.logging for the leak watch to see reports")
                .isInstanceOf(JdkLoggerFactory.class);
        assertThat(ResourceLeakDetector.getLevel())
                .as("surefire sets io.netty.leakDetection.level=paranoid")
                .isEqualTo(ResourceLeakDetector.Level.PARANOID);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        provokeReports();
        List<String> reports = drain();
        assertThat(reports).as("Netty leak reports after %s", context.getDisplayName()).isEmpty();
    }

    /** Collects garbage, then allocates tracked buffers so the detector reports what was collected unreleased. */
    static void provokeReports() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            // Only buffers from pooling/adaptive allocators (and direct ones) are tracked; unpooled heap ones are not.
            ByteBuf probe = ByteBufAllocator.DEFAULT.heapBuffer(1);
            probe.release();
            probe = PooledByteBufAllocator.DEFAULT.directBuffer(1);
            probe.release();
        }
    }

    /** Runs {@code action} without printing the detector's reports to the console (they are still captured). */
    static void quietly(Runnable action) {
        boolean before = DETECTOR_LOGGER.getUseParentHandlers();
        DETECTOR_LOGGER.setUseParentHandlers(false);
        try {
            action.run();
        } finally {
            DETECTOR_LOGGER.setUseParentHandlers(before);
        }
    }

    /** The reports seen so far, which are then forgotten. */
    static List<String> drain() {
        List<String> copy = new ArrayList<>(REPORTS);
        REPORTS.removeAll(copy);
        return copy;
    }
}
