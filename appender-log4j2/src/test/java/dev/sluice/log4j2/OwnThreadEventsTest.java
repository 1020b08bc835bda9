package dev.sluice.log4j2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.relp.server.ReceivedMessage;
import dev.sluice.relp.server.RelpTestServer;
import dev.sluice.transport.event.AppendGuard;

import java.time.Duration;
import java.util.List;

import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What Sluice's own threads log (Netty's DEBUG lines through SLF4J, say) stays out of the appender also when the
 * framework hands it over on a thread of its own: the event's thread, not the appending one, says whose it is.
 */
class OwnThreadEventsTest {

    @RegisterExtension
    static final RelpTestServer server = RelpTestServer.builder().build();

    @Test
    void anEventLoggedOnSluicesOwnThreadIsNotSentBehindAnAsyncAppender() throws Exception {
        System.setProperty("sluice.test.target", server.target());
        try (ConfigFiles files = new ConfigFiles("log4j2-async-appender.xml")) {
            Logger logger = files.context.getLogger("io.netty.handler.ssl.SslHandler");
            Thread io = new Thread(() -> logger.info("logged on our I/O thread"), AppendGuard.THREAD_PREFIX + "io-1");
            io.start();
            io.join();
            logger.info("logged by the application");

            // in order: had the first been sent, it would be the first to arrive
            List<ReceivedMessage> received = server.awaitMessages(1, Duration.ofSeconds(30));
            assertThat(received.get(0).message()).isEqualTo("logged by the application");
            assertThat(received.get(0).sdParam("log@32473", "thread")).contains(Thread.currentThread().getName());
            assertThat(files.errors()).isEmpty();
        } finally {
            System.clearProperty("sluice.test.target");
        }
        assertThat(server.messages()).extracting(ReceivedMessage::message).containsExactly("logged by the application");
    }
}
