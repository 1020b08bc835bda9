package dev.sluice.log4j2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.transport.event.AppendGuard;
import dev.sluice.transport.health.Jmx;

import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ignoreExceptions="false"} as Log4j2 means it: an event the appender does not take throws, so that a
 * {@code <Failover>} writes it elsewhere.
 */
class FailoverTest {

    @Test
    void eventsBeyondAFullQueueReachTheFailoverAppenderButNotOurOwn(@TempDir Path dir) throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // the receiver is down: nothing listens there once it is closed
        }
        Path fallback = dir.resolve("fallback.log");
        System.setProperty("sluice.test.target", "relp://127.0.0.1:" + closedPort);
        System.setProperty("sluice.test.fallback", fallback.toString());
        long accepted;
        try (ConfigFiles files = new ConfigFiles("log4j2-failover.xml")) {
            Logger logger = files.context.getLogger("failover.test");
            // our own noise is refused, not failed: it must not go to the failover appender
            Thread io = new Thread(() -> logger.info("logged on our I/O thread"), AppendGuard.THREAD_PREFIX + "io-1");
            io.start();
            io.join();
            for (int i = 0; i < 20; i++) {
                logger.info("event {}", i);
            }
            accepted = (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(Jmx.objectName("central"),
                    "Accepted");
        } finally {
            System.clearProperty("sluice.test.target");
            System.clearProperty("sluice.test.fallback");
        }
        // what the engine took stayed with it (the queue holds 2, and what was taken out to send); the rest
        // failed over, in order
        assertThat(accepted).isBetween(1L, 19L);
        List<String> expected = IntStream.range((int) accepted, 20).mapToObj(i -> "event " + i).toList();
        assertThat(Files.readAllLines(fallback)).isEqualTo(expected);
    }
}
