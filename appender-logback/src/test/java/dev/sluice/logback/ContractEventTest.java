package dev.sluice.logback;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;

import dev.sluice.transport.event.EventMapper;
import dev.sluice.transport.syslog.SyslogEncoder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.MarkerFactory;

/**
 * The contract of both front-ends: the same event gives the same octets. The Log4j2 module holds the same test and
 * the same golden file, {@code contract/warn-event.golden}.
 */
class ContractEventTest {

    private static final EventMapper MAPPER = EventMapper.builder().appName("billing").hostname("host1")
            .procId("4242").build();
    private static final Logger LOGGER = context().getLogger("com.acme.Billing");

    @Test
    void theContractEventEncodesToTheGoldenOctets() throws IOException {
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), LOGGER, Level.WARN, "payment failed\n",
                exception(), null);
        event.setInstant(Instant.ofEpochSecond(1_700_000_000L, 123_456_789));
        event.setThreadName("main");
        event.setMDCPropertyMap(Map.of("user", "alice", "request id", "r-1 \"x\""));
        event.addMarker(MarkerFactory.getMarker("AUDIT"));

        byte[] octets = SyslogEncoder.builder().build().encode(MAPPER.map(new LogbackEventView(event, null)))
                .payload();

        assertThat(new String(octets, StandardCharsets.UTF_8)).isEqualTo(new String(golden(), StandardCharsets.UTF_8));
        assertThat(octets).isEqualTo(golden());
    }

    @ParameterizedTest
    @CsvSource({"TRACE, 7", "DEBUG, 7", "INFO, 6", "WARN, 4", "ERROR, 3"})
    void levelsMapToTheSeverityTable(String level, int severity) {
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), LOGGER, Level.toLevel(level), "", null, null);
        assertThat(MAPPER.map(new LogbackEventView(event, null)).severity().code()).isEqualTo(severity);
    }

    private static LoggerContext context() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        return context;
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
