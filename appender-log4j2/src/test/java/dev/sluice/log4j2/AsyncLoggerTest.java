package dev.sluice.log4j2;

import dev.sluice.relp.server.ReceivedMessage;
import dev.sluice.relp.server.RelpTestServer;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The appender behind Log4j2's async loggers, where the event handed to an appender is a reused ring-buffer
 * slot: every event must arrive with its own message, MDC and level.
 */
class AsyncLoggerTest {

    @RegisterExtension
    static final RelpTestServer server = RelpTestServer.builder().build();

    @Test
    void everyEventArrivesWithItsOwnContentBehindAsyncLoggers() throws Exception {
        System.setProperty("sluice.test.target", server.target());
        LoggerContext context = Configurator.initialize("async-test", getClass().getClassLoader(),
                getClass().getResource("/log4j2-async.xml").toURI());
        try {
            Logger logger = context.getLogger("async.test");
            for (int i = 0; i < 5000; i++) {
                ThreadContext.put("order", Integer.toString(i));
                if (i % 2 == 0) {
                    logger.info("event {}", i);
                } else {
                    logger.warn("event {}", i);
                }
            }
            ThreadContext.clearMap();
            List<ReceivedMessage> received = server.awaitMessages(5000, Duration.ofSeconds(60));
            Set<Integer> seen = new HashSet<>();
            for (ReceivedMessage m : received) {
                int i = Integer.parseInt(m.message().substring(m.message().indexOf("event ") + 6).trim());
                assertThat(seen.add(i)).as("event %d once", i).isTrue();
                assertThat(m.sdParam("mdc@32473", "order")).as("MDC of event %d", i).contains(Integer.toString(i));
                assertThat(m.severity()).as("severity of event %d", i).isEqualTo(i % 2 == 0 ? 6 : 4);
                assertThat(m.appName()).isEqualTo("async-app");
            }
            assertThat(seen).hasSize(5000);
        } finally {
            Configurator.shutdown(context);
            System.clearProperty("sluice.test.target");
        }
    }
}
