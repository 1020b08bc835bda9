package dev.sluice.log4j2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.transport.delivery.DeliveryWindows;
import dev.sluice.transport.delivery.EngineSettings;
import dev.sluice.transport.delivery.FailoverPolicy;
import dev.sluice.transport.delivery.OverflowPolicy;
import dev.sluice.transport.spool.FsyncPolicy;
import dev.sluice.transport.syslog.Facility;
import dev.sluice.transport.syslog.Framing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RemoteSyslogConfigTest {

    @Test
    void everyOptionOfTheConfigFileReachesTheEngineSettings() throws Exception {
        try (ConfigFiles files = new ConfigFiles("log4j2-full.xml")) {
            RemoteSyslogAppender appender = files.context.getConfiguration().getAppender("central");
            assertThat(files.errors()).isEmpty();
            assertThat(appender.isStarted()).isTrue();
            EngineSettings s = appender.engineSettings();
            assertThat(s.name()).isEqualTo("central");
            assertThat(s.targets()).hasToString("[tcp://logs.example.com:1514, tcp://backup.example.com:1514]");
            assertThat(s.encoder().formatter().getClass().getSimpleName()).isEqualTo("Rfc3164Formatter");
            assertThat(s.encoder().framing()).isEqualTo(Framing.LF);
            assertThat(s.encoder().maxMessageSize()).isEqualTo(4096);
            assertThat(s.sequenceIds()).isFalse();
            assertThat(s.heartbeat()).isEqualTo(Duration.ofMinutes(1));
            assertThat(s.queueCapacity()).isEqualTo(100);
            assertThat(s.overflow()).isEqualTo(OverflowPolicy.DROP_OLDEST);
            assertThat(s.maxBytesPerSecond()).isEqualTo(65536);
            assertThat(s.transport().windowSize()).isEqualTo(16);
            assertThat(s.transport().connectTimeout()).isEqualTo(Duration.ofSeconds(2));
            assertThat(s.transport().ackTimeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(s.transport().reconnectDelay()).isEqualTo(Duration.ofSeconds(10));
            assertThat(s.transport().rebindInterval()).isEqualTo(1000);
            assertThat(s.failover()).isEqualTo(FailoverPolicy.ROUND_ROBIN);
            assertThat(s.primaryRetry()).isEqualTo(Duration.ofMinutes(1));
            assertThat(s.connectionTtl()).isEqualTo(Duration.ofHours(1));
            assertThat(s.shutdownTimeout()).isEqualTo(Duration.ofSeconds(1));
            assertThat(s.spool().directory().toString()).endsWith("sluice-log4j2-test-spool");
            assertThat(s.spool().maxSize()).isEqualTo(10L << 20);
            assertThat(s.spool().fsync()).isEqualTo(FsyncPolicy.ALWAYS);
            assertThat(s.spool().fsyncInterval()).isEqualTo(Duration.ofSeconds(1));
            DeliveryWindows windows = (DeliveryWindows) s.schedule();
            assertThat(windows.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
            assertThat(windows.windows()).hasToString("[22:00-04:00 MON,TUE,WED,THU,FRI, 00:00-00:00 SAT,SUN]");
            assertThat(windows.stagger().stagger()).isEqualTo(Duration.ofMinutes(30));
            assertThat(s.urgency().isUrgent(4)).isTrue();
            assertThat(appender.mapper().facility()).isEqualTo(Facility.LOCAL3);
            assertThat(appender.mapper().appName()).isEqualTo("billing");
            assertThat(appender.mapper().hostname()).isEqualTo("host1");
            assertThat(appender.mapper().mdcId()).isEqualTo("ctx@12345");
        }
    }

    @Test
    void loggingThroughTheAppenderPrintsNothing() throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(printed, true)) {
            System.setOut(capture);
            System.setErr(capture);
            try (ConfigFiles files = new ConfigFiles("log4j2-full.xml")) {
                files.context.getLogger("com.acme.Billing").warn("payment {} failed", 42, new IllegalStateException());
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertThat(printed.toString()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "log4j2-bad-attribute.xml | overflow: 'sometimes' (expected one of: dropNewest, dropOldest, block)",
        "log4j2-bad-attribute.xml | connectTimeout: 'soon' (expected a duration such as",
        "log4j2-bad-target.xml    | target: 'http://logs.example.com': unknown scheme 'http'",
        "log4j2-bad-tls.xml       | Tls.caFile: /nonexistent/ca.pem: no such file",
        "log4j2-bad-spool.xml     | Spool.maxSize: '1 XB' (expected a size such as 512, 64 KB, 1 GB)",
        "log4j2-bad-window.xml    | DeliveryWindow.end: '25:00' (expected a time of day HH:mm",
        "log4j2-bad-window.xml    | DeliveryWindow.urgentLevel: 'SEVERE' (expected a level: TRACE, DEBUG, INFO,",
    })
    void aBadOptionIsReportedThroughTheStatusLoggerAndTheApplicationStartsAnyway(String file, String message)
            throws Exception {
        try (ConfigFiles files = new ConfigFiles(file)) {
            assertThat(files.errors()).anySatisfy(e -> assertThat(e).startsWith("RemoteSyslog central: " + message));
            assertThat(files.context.getConfiguration().<RemoteSyslogAppender>getAppender("central")).isNull();
            files.context.getLogger("app").error("the application still logs");
            assertThat(files.context.isStarted()).isTrue();
        }
    }

    @Test
    void aTlsFileThatIsNoPathIsReportedThroughTheStatusLoggerAndTheApplicationStartsAnyway() throws Exception {
        System.setProperty("sluice.test.badPath", "ca\u0000.pem");
        try {
            aBadOptionIsReportedThroughTheStatusLoggerAndTheApplicationStartsAnyway("log4j2-bad-tls-path.xml",
                    "Tls.caFile: 'ca\u0000.pem' (expected: a valid path; ");
        } finally {
            System.clearProperty("sluice.test.badPath");
        }
    }
}
