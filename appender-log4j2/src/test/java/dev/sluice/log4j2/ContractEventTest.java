package dev.sluice.log4j2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.transport.event.EventMapper;
import dev.sluice.transport.syslog.SyslogEncoder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.MarkerManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.impl.ContextDataFactory;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.core.time.MutableInstant;
import org.apache.logging.log4j.message.SimpleMessage;
import org.apache.logging.log4j.util.StringMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The contract of both front-ends: the same event gives the same octets. The Logback module holds the same test
 * and the same golden file, {@code contract/warn-event.golden}.
 */
class ContractEventTest {

    private static final EventMapper MAPPER = EventMapper.builder().appName("billing").hostname("host1")
            .procId("4242").build();

    @Test
    void theContractEventEncodesToTheGoldenOctets() throws IOException {
        MutableInstant instant = new MutableInstant();
        instant.initFromEpochSecond(1_700_000_000L, 123_456_789);
        StringMap mdc = ContextDataFactory.createContextData();
        mdc.putValue("user", "alice");
        mdc.putValue("request id", "r-1 \"x\"");
        LogEvent event = Log4jLogEvent.newBuilder().setInstant(instant).setLevel(Level.WARN)
                .setLoggerName("com.acme.Billing").setThreadName("main")
                .setMessage(new SimpleMessage("payment failed\n")).setContextData(mdc)
                .setMarker(MarkerManager.getMarker("AUDIT")).setThrown(exception()).build();

        byte[] octets = SyslogEncoder.builder().build().encode(MAPPER.map(new Log4jEventView(event, null))).payload();

        assertThat(new String(octets, StandardCharsets.UTF_8)).isEqualTo(new String(golden(), StandardCharsets.UTF_8));
        assertThat(octets).isEqualTo(golden());
    }

    @ParameterizedTest
    @CsvSource({"TRACE, 7", "DEBUG, 7", "INFO, 6", "WARN, 4", "ERROR, 3", "FATAL, 2"})
    void levelsMapToTheSeverityTable(String level, int severity) {
        LogEvent event = Log4jLogEvent.newBuilder().setLevel(Level.getLevel(level)).setMessage(new SimpleMessage(""))
                .build();
        assertThat(MAPPER.map(new Log4jEventView(event, null)).severity().code()).isEqualTo(severity);
    }

    @Test
    void aCustomLevelMapsAsTheStandardLevelLog4j2RanksItWith() {
        LogEvent event = Log4jLogEvent.newBuilder().setLevel(Level.forName("NOTICE_ME", 350)) // between WARN 300 and INFO 400: WARN
                .setMessage(new SimpleMessage("")).build();
        assertThat(MAPPER.map(new Log4jEventView(event, null)).severity().code()).isEqualTo(4);
    }

    static Throwable exception() {
        StackTraceElement[] frames = {
            new StackTraceElement("com.acme.Billing", "charge", "Billing.java", 42),
            new StackTraceElement("com.acme.Main", "main", "Main.java", 7),
        };
        IllegalStateException e = new IllegalStateException("card declined", new IOException("timeout"));
        e.addSuppressed(new RuntimeException("rollback failed"));
        e.setStackTrace(frames);
        e.getCause().setStackTrace(frames);
        e.getSuppressed()[0].setStackTrace(frames);
        return e;
    }

    private static byte[] golden() throws IOException {
        try (InputStream in = ContractEventTest.class.getResourceAsStream("/contract/warn-event.golden")) {
            return in.readAllBytes();
        }
    }
}
