package dev.sluice.logback;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import dev.sluice.transport.event.EventMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How Logback's levels map to syslog severities. The contract that both front-ends send the same octets for the
 * same events runs against both, through the real appenders, in integration-tests
 * ({@code dev.sluice.it.appender.FrontEndContractTest}).
 */
class LevelMappingTest {

    private static final EventMapper MAPPER = EventMapper.builder().appName("billing").hostname("host1")
            .procId("4242").build();

    @ParameterizedTest
    @CsvSource({"TRACE, 7", "DEBUG, 7", "INFO, 6", "WARN, 4", "ERROR, 3"})
    void levelsMapToTheSeverityTable(String level, int severity) {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        Logger logger = context.getLogger("com.acme.Billing");
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.toLevel(level), "", null, null);
        assertThat(MAPPER.map(new LogbackEventView(event, null)).severity().code()).isEqualTo(severity);
    }
}
