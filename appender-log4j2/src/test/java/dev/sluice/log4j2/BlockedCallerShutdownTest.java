package dev.sluice.log4j2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.transport.delivery.DeliveryEngine;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code overflow="block"} does not hang Log4j2's stop: Log4j2 stops a configuration's appenders only once every call
 * inside them has returned ({@code AwaitCompletionReliabilityStrategy}, with no time limit), so a thread blocked in
 * the appender by a full queue or spool, the receiver being down, held its shutdown hook (and
 * {@code LogManager.shutdown()}, a reconfiguration) for ever. The configuration stopping now releases it.
 */
class BlockedCallerShutdownTest {

    @Test
    void stoppingTheContextReleasesACallerBlockedByAFullQueue() throws Exception {
        System.setProperty("sluice.test.target", deadTarget());
        try {
            stopWhileBlocked("log4j2-block.xml");
        } finally {
            System.clearProperty("sluice.test.target");
        }
    }

    @Test
    void stoppingTheContextReleasesACallerBlockedByAFullSpool(@TempDir Path dir) throws Exception {
        System.setProperty("sluice.test.target", deadTarget());
        System.setProperty("sluice.test.spool", dir.resolve("spool").toString());
        try {
            stopWhileBlocked("log4j2-block-spool.xml");
        } finally {
            System.clearProperty("sluice.test.target");
            System.clearProperty("sluice.test.spool");
        }
    }

    /** A RELP target where nothing listens: the receiver is down, nothing leaves the queue or the spool. */
    private static String deadTarget() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return "relp://127.0.0.1:" + s.getLocalPort();
        }
    }

    private static void stopWhileBlocked(String resource) throws Exception {
        ConfigFiles files = new ConfigFiles(resource);
        Logger logger = files.context.getLogger("blocked.caller");
        String padding = "x".repeat(200);
        // daemon threads: without the fix they stay blocked, and must not keep the test JVM alive
        Thread logging = new Thread(() -> {
            for (int i = 0; i < 100_000; i++) {
                logger.info("event {} {}", i, padding);
            }
        }, "blocked-caller");
        logging.setDaemon(true);
        logging.start();
        await("the logging thread blocked in the engine").atMost(Duration.ofSeconds(30))
                .until(() -> blockedInEngine(logging));

        Thread stopping = new Thread(files::close, "context-stop");
        stopping.setDaemon(true);
        stopping.start();
        await("the context's stop returns").atMost(Duration.ofSeconds(30)).until(() -> !stopping.isAlive());
        await("the blocked logging thread returns").atMost(Duration.ofSeconds(30)).until(() -> !logging.isAlive());
        assertThat(files.errors()).isEmpty();
    }

    private static boolean blockedInEngine(Thread t) {
        Thread.State state = t.getState();
        return (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING)
                && Arrays.stream(t.getStackTrace())
                        .anyMatch(f -> f.getClassName().equals(DeliveryEngine.class.getName()));
    }
}
