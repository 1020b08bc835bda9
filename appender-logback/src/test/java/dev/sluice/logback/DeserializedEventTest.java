package dev.sluice.logback;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.spi.LoggingEventVO;
import ch.qos.logback.classic.util.LogbackMDCAdapter;

import dev.sluice.transport.event.EventMapper;

import org.junit.jupiter.api.Test;

/**
 * An event that arrived serialized (a {@code LoggingEventVO}, as Logback's socket receivers make) has only a
 * description of its exception: its MSG is laid out as the live event's.
 */
class DeserializedEventTest {

    private static final EventMapper MAPPER = EventMapper.builder().appName("billing").hostname("host1")
            .procId("4242").build();

    @Test
    void theStackTraceOfADeserializedEventEndsWithoutALineBreak() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        Logger logger = context.getLogger("com.acme.Billing");
        LoggingEvent live = new LoggingEvent(Logger.class.getName(), logger, Level.ERROR, "charge failed",
                new IllegalStateException("boom"), null);

        String msg = MAPPER.map(new LogbackEventView(LoggingEventVO.build(live), null)).message();

        assertThat(msg).startsWith("charge failed\njava.lang.IllegalStateException: boom\n")
                .doesNotEndWith("\n").doesNotEndWith("\r");
        assertThat(msg.substring(msg.lastIndexOf('\n') + 1)).contains("at ");
    }
}
