package dev.sluice.it.appender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.joran.ReconfigureOnChangeTask;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.status.Status;

import dev.sluice.relp.server.ReceivedMessage;
import dev.sluice.relp.server.RelpTestServer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.status.StatusData;
import org.apache.logging.log4j.status.StatusListener;
import org.apache.logging.log4j.status.StatusLogger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What an application does to a configured appender besides logging through it, run against both front-ends:
 * reconfigure the logging context (Log4j2 builds and starts the new configuration before it stops the old one;
 * Logback resets the context, stopping the old appenders, and runs Joran again), and configure two appenders or
 * two contexts that clash (one spool directory, one JMX name). Options come from system properties
 * ({@code lifecycle-*.xml}), so that a reconfiguration can change them.
 */
class FrontEndLifecycleTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final RelpTestServer first = RelpTestServer.builder().build();

    @RegisterExtension
    static final RelpTestServer second = RelpTestServer.builder().build();

    @TempDir
    Path spool;

    private final List<Context> opened = new ArrayList<>();

    @AfterEach
    void closeContexts() {
        opened.forEach(Context::close);
        for (String p : new String[] {"name", "target", "target2", "app", "format", "spool",
                "shutdownTimeout"}) {
            System.clearProperty("sluice.lc." + p);
        }
    }

    private static void options(String name, String target, String format) {
        System.setProperty("sluice.lc.name", name);
        System.setProperty("sluice.lc.target", target);
        System.setProperty("sluice.lc.app", "billing");
        System.setProperty("sluice.lc.format", format);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"log4j2", "logback"})
    void aReconfigurationToAnotherTargetDeliversThereWhatTheSpoolHeldAndWhatFollows(String frontEnd) {
        Context context = centralWithSpool(frontEnd);
        context.info("before the reconfiguration");
        assertThat(first.awaitMessages(1, WAIT).get(0).message()).isEqualTo("before the reconfiguration");
        first.stop();
        context.info("while the first server is down");

        System.setProperty("sluice.lc.target", second.target());
        reconfigureAndExpectTheSpoolAndWhatFollowsAtTheSecondServer(context, "central");
        await().atMost(WAIT).untilAsserted(() -> assertThat(deliveryThreads("central")).isEqualTo(1));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"log4j2", "logback"})
    void aReconfigurationWithOtherOptionsAppliesThem(String frontEnd) {
        Context context = centralWithSpool(frontEnd);
        context.info("in RFC 5424");
        assertThat(first.awaitMessages(1, WAIT).get(0).format()).hasToString("RFC5424");

        System.setProperty("sluice.lc.format", "RFC3164");
        context.reconfigure();
        context.info("in RFC 3164");

        List<ReceivedMessage> received = first.awaitMessages(2, WAIT);
        assertThat(received.get(1).format()).as(received.get(1).text()).hasToString("RFC3164");
        await().atMost(WAIT).untilAsserted(() -> assertThat(deliveryThreads("central")).isEqualTo(1));
        // a new engine, and the appender's JMX counters go on from the old one's
        Health health = new Health("central");
        await().atMost(WAIT).untilAsserted(() -> assertThat(health.number("Acknowledged")).as(health.toString())
                .isEqualTo(2));
        assertThat(health.number("Accepted")).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"log4j2", "logback"})
    void aReconfigurationWithTheSameOptionsDeliversOnWithOneDeliveryThread(String frontEnd) {
        Context context = centralWithSpool(frontEnd);
        context.info("one");
        context.reconfigure();
        context.info("two");

        assertThat(first.awaitMessages(2, WAIT)).extracting(ReceivedMessage::message).containsExactly("one", "two");
        await().atMost(WAIT).untilAsserted(() -> assertThat(deliveryThreads("central")).isEqualTo(1));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"log4j2", "logback"})
    void whatTheServerDidNotTakeBeforeStopIsDeliveredByTheNextStartFromTheSpool(String frontEnd) {
        first.stop();
        Context context = centralWithSpool(frontEnd);
        context.info("one");
        context.info("two");
        context.close(); // drains for at most shutdownTimeout (2s), then leaves the rest in the spool
        opened.remove(context);
        await().atMost(WAIT).untilAsserted(() -> assertThat(deliveryThreads("central")).isZero());

        first.start();
        open(frontEnd, "lifecycle-spool");

        assertThat(first.awaitMessages(2, WAIT)).extracting(ReceivedMessage::message).containsExactly("one", "two");
    }

    /**
     * Log4j2 starts the new configuration before it stops the old one, so the new appender's events wait in memory
     * while the old engine stops: with a spool it stops without draining (the new engine replays the spool first),
     * not after its shutdownTimeout. (Logback stops the old appender first: see the Logback tests below.)
     */
    @Test
    void aLog4j2ReconfigurationWithASpoolDoesNotWaitForTheOldEngineToDrain() {
        first.faults().withholdAcks();
        System.setProperty("sluice.lc.shutdownTimeout", "30s");
        Context context = centralWithSpool("log4j2");
        context.info("before the reconfiguration");
        first.awaitMessages(1, WAIT); // received, never acknowledged: draining would wait out the 30 s

        System.setProperty("sluice.lc.format", "RFC3164");
        Thread reconfiguration = new Thread(context::reconfigure, "reconfiguration");
        reconfiguration.start();
        context.info("during the reconfiguration");
        await().atMost(Duration.ofSeconds(15)).until(() -> !reconfiguration.isAlive());
        context.info("after the reconfiguration");

        Health health = new Health("central");
        await().atMost(WAIT).untilAsserted(() -> assertThat(health.number("SpoolRecords")).as("%s", health)
                .isEqualTo(3));
        first.faults().resumeAcks();
        await().atMost(WAIT).untilAsserted(() -> assertThat(first.messages()).extracting(ReceivedMessage::message)
                .contains("before the reconfiguration", "during the reconfiguration", "after the reconfiguration"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(health.number("SpoolRecords")).isZero());
        assertThat(context.errors()).isEmpty();
        assertThat(health.number("Dropped")).isZero();
        await().atMost(WAIT).untilAsserted(() -> assertThat(deliveryThreads("central")).isEqualTo(1));
    }

    /**
     * Logback resets the context, stopping the old appender, before it reads the configuration again: the engine
     * runs on through the reset and the new appender takes it over (with other options, as its successor: on a spool
     * without draining; with the same ones, sharing it, counters and connection included), so the reset does not wait
     * for a drain. Logback itself discards events logged between its reset and the new appender's start.
     */
    @ParameterizedTest(name = "to {0}")
    @ValueSource(strings = {"RFC3164", "RFC5424"})
    void aLogbackReconfigurationHandsTheRunningEngineOverInsteadOfDrainingIt(String format) {
        first.faults().withholdAcks();
        System.setProperty("sluice.lc.shutdownTimeout", "30s");
        Context context = centralWithSpool("logback");
        context.info("before the reconfiguration");
        first.awaitMessages(1, WAIT); // received, never acknowledged: draining would wait out the 30 s

        System.setProperty("sluice.lc.format", format);
        Thread reconfiguration = new Thread(context::reconfigure, "reconfiguration");
        reconfiguration.start();
        await().atMost(Duration.ofSeconds(15)).until(() -> !reconfiguration.isAlive());
        context.info("after the reconfiguration");

        Health health = new Health("central");
        await().atMost(WAIT).untilAsserted(() -> assertThat(health.number("SpoolRecords")).as("%s", health)
                .isEqualTo(2));
        if (format.equals("RFC5424")) {
            assertThat(health.number("Accepted")).as("the same engine, its count running on").isEqualTo(2);
            assertThat(health.number("Reconnects")).as("%s", health).isZero();
        }
        first.faults().resumeAcks();
        await().atMost(WAIT).untilAsserted(() -> assertThat(first.messages()).extracting(ReceivedMessage::message)
                .contains("before the reconfiguration", "after the reconfiguration"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(health.number("SpoolRecords")).isZero());
        assertThat(context.errors()).isEmpty();
        assertThat(health.number("Dropped")).isZero();
        assertThat(context.isStarted("central")).isTrue();
        await().atMost(WAIT).untilAsserted(() -> assertThat(deliveryThreads("central")).isEqualTo(1));
    }

    /**
     * Renamed and sent elsewhere at once, on the same spool: the old engine (parked by Logback's front-end, retired by
     * Log4j2's) lets go of the spool for it.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"log4j2", "logback"})
    void aReconfigurationThatRenamesAndRetargetsOnTheSameSpoolStartsTheNewAppender(String frontEnd) {
        Context context = centralWithSpool(frontEnd);
        first.stop();
        context.info("while the first server is down");

        options("moved", second.target(), "RFC5424");
        reconfigureAndExpectTheSpoolAndWhatFollowsAtTheSecondServer(context, "moved");
        await().atMost(WAIT).untilAsserted(() -> assertThat(deliveryThreads("central")).isZero());
    }

    /** A reset with no configuration after it: the engine stops on its own, after a grace of a few seconds. */
    @Test
    void aLogbackResetWithoutAConfigurationStopsTheEngineAfterAGrace() {
        LogbackContext context = (LogbackContext) centralWithSpool("logback");
        context.info("one");
        first.awaitMessages(1, WAIT);

        context.context.reset();

        assertThat(context.infos()).anySatisfy(i -> assertThat(i).contains("stopped by a reset"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(deliveryThreads("central")).isZero());
    }

    /** A stop of the context may be the application's last: it stops the engine, parked or not, before it returns. */
    @ParameterizedTest(name = "after a reset: {0}")
    @ValueSource(booleans = {false, true})
    void aLogbackContextStopStopsTheEngineBeforeItReturns(boolean afterAReset) {
        first.faults().withholdAcks();
        LogbackContext context = (LogbackContext) centralWithSpool("logback");
        context.info("one");
        first.awaitMessages(1, WAIT);
        if (afterAReset) {
            context.context.reset(); // parks the engine
        }

        context.close(); // drains for at most shutdownTimeout (2 s): acks are withheld
        opened.remove(context);

        assertThat(deliveryThreads("central")).isZero();
        assertThat(context.context.getStatusManager().getCopyOfStatusList()).noneMatch(
                s -> s.getLevel() >= Status.ERROR);
    }

    /** Stopped by the application itself, not by a reset, the appender stops its engine before it returns. */
    @Test
    void aLogbackAppenderStoppedByTheApplicationStopsItsEngineAtOnce() {
        LogbackContext context = (LogbackContext) centralWithSpool("logback");
        context.info("one");
        first.awaitMessages(1, WAIT);

        context.context.getLogger("ROOT").getAppender("central").stop();

        assertThat(deliveryThreads("central")).isZero();
        assertThat(context.infos()).noneSatisfy(i -> assertThat(i).contains("stopped by a reset"));
    }

    /**
     * Logback's own reload: {@code scan="true"}, run on Logback's scheduler when the file changes. The new options
     * apply and the engine is handed over, as after a reset and a configuration made by hand.
     */
    @Test
    void aLogbackScanReloadAppliesTheNewOptionsThroughTheHandOver(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("logback.xml");
        Files.writeString(file, scanned("RFC5424"));
        LogbackContext context = new LogbackContext(file.toUri().toURL());
        opened.add(context);
        context.info("before the reload");
        assertThat(first.awaitMessages(1, WAIT).get(0).format()).hasToString("RFC5424");

        Files.writeString(file, scanned("RFC3164"));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5))); // a change, whatever the clock
        await().atMost(WAIT).untilAsserted(() -> {
            context.info("after the reload");
            List<ReceivedMessage> received = first.messages();
            assertThat(received.get(received.size() - 1).format()).hasToString("RFC3164");
        });

        assertThat(context.infos()).anySatisfy(i -> assertThat(i).contains("stopped by a reset"));
        assertThat(context.errors()).isEmpty();
        assertThat(context.isStarted("central")).isTrue();
        await().atMost(WAIT).untilAsserted(() -> assertThat(deliveryThreads("central")).isEqualTo(1));
    }

    /**
     * A reload whose included file is broken: Logback's configuration ends with XML errors, then it falls back to
     * the last good configuration, whose appender takes the parked engine over (no drain, the count running on).
     */
    @Test
    void aLogbackReloadThatFallsBackAfterXmlErrorsHandsTheEngineOverToTheFallback(@TempDir Path dir)
            throws IOException {
        first.faults().withholdAcks(); // a drain would wait out the 30 s shutdownTimeout
        Path part = dir.resolve("part.xml");
        Files.writeString(part, """
                <included>
                  <appender name="central" class="dev.sluice.logback.RemoteSyslogAppender">
                    <target>%s</target>
                    <shutdownTimeout>30s</shutdownTimeout>
                    <spool><directory>%s</directory></spool>
                  </appender>
                </included>
                """.formatted(first.target(), spool));
        Path file = dir.resolve("logback.xml");
        Files.writeString(file, """
                <configuration scan="true" scanPeriod="100 milliseconds">
                  <include file="%s"/>
                  <root level="INFO"><appender-ref ref="central"/></root>
                </configuration>
                """.formatted(part));
        LogbackContext context = new LogbackContext(file.toUri().toURL());
        opened.add(context);
        context.info("before the reload");
        first.awaitMessages(1, WAIT);

        Files.writeString(part, "<included><appender name=\"central\"");
        Files.setLastModifiedTime(part, FileTime.from(Instant.now().plusSeconds(5)));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(context.infos())
                .contains(ReconfigureOnChangeTask.RE_REGISTERING_PREVIOUS_SAFE_CONFIGURATION));
        context.info("after the fallback");

        Health health = new Health("central");
        await().atMost(WAIT).untilAsserted(() -> assertThat(health.number("Accepted")).as("%s", health)
                .isEqualTo(2));
        assertThat(first.awaitMessages(2, WAIT)).extracting(ReceivedMessage::message)
                .containsExactly("before the reload", "after the fallback");
        assertThat(context.isStarted("central")).isTrue();
        assertThat(deliveryThreads("central")).isEqualTo(1);
        first.faults().resumeAcks();
        await().atMost(WAIT).untilAsserted(() -> assertThat(health.number("SpoolRecords")).isZero());
    }

    /** Renamed, with other options, on the same target and spool: the new name's engine runs with its options. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"log4j2", "logback"})
    void aReconfigurationThatRenamesOnTheSameTargetAndSpoolRunsTheNewOptions(String frontEnd) {
        Context context = centralWithSpool(frontEnd);
        context.info("before the reconfiguration");
        first.awaitMessages(1, WAIT);

        options("moved", first.target(), "RFC3164");
        context.reconfigure();
        context.info("after the reconfiguration");

        List<ReceivedMessage> received = first.awaitMessages(2, WAIT);
        assertThat(received.get(1).message()).isEqualTo("after the reconfiguration");
        assertThat(received.get(1).format()).hasToString("RFC3164");
        assertThat(context.errors()).isEmpty();
        assertThat(context.reports()).noneSatisfy(r -> assertThat(r).contains("shares the delivery engine"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(deliveryThreads("central")).isZero());
        assertThat(deliveryThreads("moved")).isEqualTo(1);
        assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(
                dev.sluice.transport.health.Jmx.objectName("moved"))).isTrue();
    }

    private String scanned(String format) {
        return """
                <configuration scan="true" scanPeriod="100 milliseconds">
                  <appender name="central" class="dev.sluice.logback.RemoteSyslogAppender">
                    <target>%s</target>
                    <format>%s</format>
                    <spool><directory>%s</directory></spool>
                  </appender>
                  <root level="INFO"><appender-ref ref="central"/></root>
                </configuration>
                """.formatted(first.target(), format, spool);
    }

    /** After "while the first server is down" was logged to the first server, reconfigured to the second. */
    private static void reconfigureAndExpectTheSpoolAndWhatFollowsAtTheSecondServer(Context context, String appender) {
        context.reconfigure();
        context.info("after the reconfiguration");

        assertThat(second.awaitMessages(2, WAIT)).extracting(ReceivedMessage::message)
                .containsExactly("while the first server is down", "after the reconfiguration");
        assertThat(context.errors()).isEmpty();
        assertThat(context.isStarted(appender)).isTrue();
    }

    /** Appender {@code central} to the first server, RFC 5424, with a spool. */
    private Context centralWithSpool(String frontEnd) {
        options("central", first.target(), "RFC5424");
        System.setProperty("sluice.lc.spool", spool.toString());
        return open(frontEnd, "lifecycle-spool");
    }

    private static long deliveryThreads(String appender) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("sluice-delivery-" + appender) && t.isAlive()).count();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"log4j2", "logback"})
    void aSecondAppenderOnTheSameSpoolDirectoryIsReportedAndNotStarted(String frontEnd) {
        System.setProperty("sluice.lc.target", first.target());
        System.setProperty("sluice.lc.target2", second.target());
        System.setProperty("sluice.lc.spool", spool.toString());
        Context context = open(frontEnd, "lifecycle-shared-spool");

        assertThat(context.errors()).anySatisfy(e -> assertThat(e).contains("Spool.directory: " + spool)
                .contains("is in use by appender first"));
        assertThat(context.isStarted("first")).isTrue();
        assertThat(context.isStarted("second")).isFalse();
        context.info("to the first only");
        assertThat(first.awaitMessages(1, WAIT).get(0).message()).isEqualTo("to the first only");
        // and the event the second could not take is reported, not discarded in silence
        assertThat(context.reports()).anySatisfy(e -> assertThat(e).contains("second").contains("started"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"log4j2", "logback"})
    void twoContextsWithAnAppenderOfTheSameNameLeaveTheRemainingOneInJmx(String frontEnd) {
        options("twin", first.target(), "RFC5424");
        Context one = open(frontEnd, "lifecycle");
        System.setProperty("sluice.lc.target", second.target());
        Context two = open(frontEnd, "lifecycle");
        two.info("from the second context");
        second.awaitMessages(1, WAIT);

        two.close();
        opened.remove(two);
        one.info("from the first context");
        first.awaitMessages(1, WAIT);

        Health health = new Health("twin");
        assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(
                dev.sluice.transport.health.Jmx.objectName("twin"))).as("MBean of the running appender").isTrue();
        await().atMost(WAIT).untilAsserted(() -> assertThat(health.number("Acknowledged")).isEqualTo(1));
    }

    // ---- the two front-ends, configured from a file as an application does --------------------------------------

    private Context open(String frontEnd, String resource) {
        Context c = frontEnd.equals("log4j2") ? new Log4j2Context("/" + resource + "-log4j2.xml")
                : new LogbackContext("/" + resource + "-logback.xml");
        opened.add(c);
        return c;
    }

    private interface Context {
        void info(String message);

        /** Reads the same file again, as a change of it (or Spring Boot's initialisation) would. */
        void reconfigure();

        boolean isStarted(String appender);

        /** The warnings and errors reported through the framework's status channel. */
        List<String> reports();

        /** The errors reported through the framework's status channel. */
        List<String> errors();

        void close();
    }

    private static final AtomicInteger CONTEXTS = new AtomicInteger();

    private static final class Log4j2Context implements Context {
        private final org.apache.logging.log4j.core.LoggerContext context;
        private final List<StatusData> reports = new CopyOnWriteArrayList<>();
        private final StatusListener status = new StatusListener() {
            @Override
            public void log(StatusData data) {
                reports.add(data);
            }

            @Override
            public Level getStatusLevel() {
                return Level.WARN;
            }

            @Override
            public void close() {
            }
        };

        Log4j2Context(String resource) {
            StatusLogger.getLogger().registerListener(status);
            try {
                // a context of its own, not the class loader's: two of them may be open at once
                context = new org.apache.logging.log4j.core.LoggerContext("sluice-lifecycle-"
                        + CONTEXTS.incrementAndGet(), null, url(resource).toURI());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(e);
            }
            context.start();
        }

        @Override
        public void info(String message) {
            context.getLogger("com.acme.Billing").info(message);
        }

        @Override
        public void reconfigure() {
            context.reconfigure();
        }

        @Override
        public boolean isStarted(String appender) {
            Appender a = context.getConfiguration().getAppender(appender);
            return a != null && a.isStarted();
        }

        @Override
        public List<String> reports() {
            return reports.stream().map(d -> d.getMessage().getFormattedMessage()).toList();
        }

        @Override
        public List<String> errors() {
            return reports.stream().filter(d -> d.getLevel().isMoreSpecificThan(Level.ERROR))
                    .map(d -> d.getMessage().getFormattedMessage()).toList();
        }

        @Override
        public void close() {
            context.stop();
            StatusLogger.getLogger().removeListener(status);
        }
    }

    private static final class LogbackContext implements Context {
        final ch.qos.logback.classic.LoggerContext context = new ch.qos.logback.classic.LoggerContext();
        private final URL url;

        LogbackContext(String resource) {
            this(url(resource));
        }

        LogbackContext(URL url) {
            this.url = url;
            context.setName("sluice-lifecycle-" + CONTEXTS.incrementAndGet());
            context.setMDCAdapter(new LogbackMDCAdapter());
            configure();
        }

        private void configure() {
            FrontEnd.configureLogback(context, url);
        }

        @Override
        public void info(String message) {
            context.getLogger("com.acme.Billing").info(message);
        }

        @Override
        public void reconfigure() {
            // what Logback's own scan (ReconfigureOnChangeTask) and Spring Boot's re-initialisation do
            context.reset();
            configure();
        }

        @Override
        public boolean isStarted(String appender) {
            ch.qos.logback.core.Appender<?> a = context.getLogger("ROOT").getAppender(appender);
            return a != null && a.isStarted();
        }

        @Override
        public List<String> reports() {
            return context.getStatusManager().getCopyOfStatusList().stream()
                    .filter(s -> s.getLevel() >= Status.WARN).map(Status::getMessage).toList();
        }

        @Override
        public List<String> errors() {
            return context.getStatusManager().getCopyOfStatusList().stream()
                    .filter(s -> s.getLevel() >= Status.ERROR).map(Status::getMessage).toList();
        }

        List<String> infos() {
            return context.getStatusManager().getCopyOfStatusList().stream()
                    .filter(s -> s.getLevel() == Status.INFO).map(Status::getMessage).toList();
        }

        @Override
        public void close() {
            context.stop();
        }
    }

    private static URL url(String resource) {
        return Objects.requireNonNull(FrontEndLifecycleTest.class.getResource(resource), resource);
    }
}
