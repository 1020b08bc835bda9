package dev.sluice.logback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;

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
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RemoteSyslogAppenderConfigTest {

    private static LoggerContext load(String resource) throws Exception {
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(RemoteSyslogAppenderConfigTest.class.getResource("/" + resource));
        return context;
    }

    private static RemoteSyslogAppender appender(LoggerContext context) {
        return (RemoteSyslogAppender) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("CENTRAL");
    }

    private static List<String> errors(LoggerContext context) {
        return context.getStatusManager().getCopyOfStatusList().stream().filter(s -> s.getLevel() == Status.ERROR)
                .map(Status::getMessage).toList();
    }

    @Test
    void everyOptionOfTheConfigFileReachesTheEngineSettings() throws Exception {
        LoggerContext context = load("logback-full.xml");
        try {
            RemoteSyslogAppender appender = appender(context);
            assertThat(errors(context)).isEmpty();
            assertThat(appender.isStarted()).isTrue();
            EngineSettings s = appender.engineSettings();
            assertThat(s.name()).isEqualTo("CENTRAL");
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
            assertThat(s.spool().directory().toString()).endsWith("sluice-logback-test-spool");
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
        } finally {
            context.stop();
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
            LoggerContext context = load("logback-full.xml");
            context.getLogger("com.acme.Billing").warn("payment {} failed", 42, new IllegalStateException());
            context.stop();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertThat(printed.toString()).isEmpty();
    }

    @Test
    void aSecondAppenderOfTheSameNameReplacesTheFirstAndNoEngineOutlivesTheContext() throws Exception {
        LoggerContext context = load("logback-duplicate-name.xml");
        try {
            RemoteSyslogAppender attached = (RemoteSyslogAppender) context.getLogger(Logger.ROOT_LOGGER_NAME)
                    .getAppender("TWICE");
            assertThat(attached.isStarted()).isTrue();
            assertThat(attached.engineSettings().targets()).hasToString("[udp://127.0.0.1:10]");
            assertThat(context.getStatusManager().getCopyOfStatusList()).filteredOn(s -> s.getLevel() == Status.WARN)
                    .extracting(Status::getMessage).anySatisfy(m -> assertThat(m)
                            .startsWith("another appender named TWICE was started before this one"));
        } finally {
            context.stop();
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.isAlive() && t.getName().equals("sluice-delivery-TWICE")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "logback-bad-attribute.xml | overflow: 'sometimes' (expected one of: dropNewest, dropOldest, block)",
        "logback-bad-attribute.xml | connectTimeout: 'soon' (expected a duration such as",
        "logback-bad-target.xml    | target: 'http://logs.example.com': unknown scheme 'http'",
        "logback-bad-tls.xml       | Tls.caFile: /nonexistent/ca.pem: no such file",
        "logback-bad-spool.xml     | Spool.maxSize: '1 XB' (expected a size such as 512, 64 KB, 1 GB)",
        "logback-bad-window.xml    | DeliveryWindow.end: '25:00' (expected a time of day HH:mm",
        "logback-bad-window.xml    | DeliveryWindow.urgentLevel: 'SEVERE' (expected a level: TRACE, DEBUG, INFO,",
    })
    void aBadOptionIsReportedToTheStatusManagerAndTheApplicationStartsAnyway(String file, String message)
            throws Exception {
        LoggerContext context = load(file);
        try {
            assertThat(errors(context)).anySatisfy(e -> assertThat(e).startsWith(message));
            assertThat(appender(context).isStarted()).isFalse();
            context.getLogger("app").error("the application still logs");
        } finally {
            context.stop();
        }
    }

    @Test
    void aTlsFileThatIsNoPathIsReportedToTheStatusManagerAndTheApplicationStartsAnyway() throws Exception {
        System.setProperty("sluice.test.badPath", "ca\u0000.pem");
        try {
            aBadOptionIsReportedToTheStatusManagerAndTheApplicationStartsAnyway("logback-bad-tls-path.xml",
                    "Tls.caFile: 'ca\u0000.pem' (expected: a valid path; ");
        } finally {
            System.clearProperty("sluice.test.badPath");
        }
    }
}
