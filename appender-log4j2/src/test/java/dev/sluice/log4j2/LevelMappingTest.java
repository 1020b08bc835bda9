package dev.sluice.log4j2;

import dev.sluice.transport.event.EventMapper;
import dev.sluice.transport.syslog.SdParam;
import dev.sluice.transport.syslog.SyslogMessage;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How Log4j2's levels map to syslog severities. The contract that both front-ends send the same octets for the
 * same events runs against both, through the real appenders, in integration-tests
 * ({@code dev.sluice.it.appender.FrontEndContractTest}).
 */
class LevelMappingTest {

    private static final EventMapper MAPPER = EventMapper.builder().appName("billing").hostname("host1")
            .procId("4242").build();

    @ParameterizedTest
    @CsvSource({"TRACE, 7", "DEBUG, 7", "INFO, 6", "WARN, 4", "ERROR, 3", "FATAL, 2"})
    void levelsMapToTheSeverityTable(String level, int severity) {
        LogEvent event = Log4jLogEvent.newBuilder().setLevel(Level.getLevel(level)).setMessage(new SimpleMessage(""))
                .build();
        assertThat(MAPPER.map(new Log4jEventView(event, null)).severity().code()).isEqualTo(severity);
    }

    @Test
    void aCustomLevelMapsAsTheStandardLevelLog4j2RanksItWith() {
        // 350 lies between WARN (300) and INFO (400): Log4j2 ranks it with WARN
        LogEvent event = Log4jLogEvent.newBuilder().setLevel(Level.forName("NOTICE_ME", 350))
                .setMessage(new SimpleMessage("")).build();
        assertThat(MAPPER.map(new Log4jEventView(event, null)).severity().code()).isEqualTo(4);
    }

    @Test
    void aCustomLevelKeepsItsOwnNameInTheLogElement() {
        LogEvent event = Log4jLogEvent.newBuilder().setLevel(Level.forName("NOTICE_ME", 350))
                .setMessage(new SimpleMessage("")).build();
        SyslogMessage m = MAPPER.map(new Log4jEventView(event, null));
        assertThat(m.structuredData().element(EventMapper.LOG_ID).orElseThrow().params())
                .contains(new SdParam("level", "NOTICE_ME"));
        assertThat(m.severity().code()).as("ranked with WARN").isEqualTo(4);
    }
}
