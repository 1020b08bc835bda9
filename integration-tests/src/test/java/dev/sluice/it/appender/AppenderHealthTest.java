package dev.sluice.it.appender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.relp.server.RelpTestServer;
import dev.sluice.transport.health.DeliveryState;
import dev.sluice.transport.health.Health;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * "Is logging working?" answered by the appender an application configured, in both front-ends: the appender found
 * through the framework's own API, {@code health()} on it, through a receiver that goes away and comes back.
 */
class AppenderHealthTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @RegisterExtension
    static final RelpTestServer SERVER = RelpTestServer.builder().build();

    @TempDir
    Path spool;

    private FrontEnd front;

    static Stream<Arguments> frontEnds() {
        BiFunction<String, String, FrontEnd> log4j2 = FrontEnd::log4j2;
        BiFunction<String, String, FrontEnd> logback = FrontEnd::logback;
        return Stream.of(Arguments.of("load-log4j2", "/load-log4j2.xml", "health.log4j2", log4j2),
                Arguments.of("load-logback", "/load-logback.xml", "health.logback", logback));
    }

    @AfterEach
    void closeFrontEnd() {
        if (front != null) {
            front.close();
        }
        System.clearProperty("sluice.it.target");
        System.clearProperty("sluice.it.spool");
    }

    @org.junit.jupiter.api.Test
    void anAppenderNotStartedSaysStopped() {
        assertThat(new dev.sluice.logback.RemoteSyslogAppender().health().state()).isEqualTo(DeliveryState.STOPPED);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frontEnds")
    void theAppenderSaysWhetherLoggingWorks(String appender, String config, String logger,
            BiFunction<String, String, FrontEnd> frontEnd) {
        System.setProperty("sluice.it.target", SERVER.target());
        System.setProperty("sluice.it.spool", spool.toString());
        front = frontEnd.apply(config, logger);
        Supplier<Health> health = front.health(appender);

        for (int i = 0; i < 50; i++) {
            front.info("before " + i);
        }
        await().atMost(PATIENCE).untilAsserted(() -> {
            Health h = health.get();
            assertThat(h.state()).isEqualTo(DeliveryState.DELIVERING);
            assertThat(h.counters().acknowledged()).isEqualTo(50);
            assertThat(h.spoolRecords()).isZero();
            assertThat(h.lastAcknowledgedTime()).isPresent();
        });

        SERVER.stop();
        for (int i = 0; i < 30; i++) {
            front.info("while down " + i);
        }
        await().atMost(PATIENCE).untilAsserted(() -> {
            Health h = health.get();
            assertThat(h.state()).isEqualTo(DeliveryState.DISCONNECTED);
            assertThat(h.spoolRecords()).isEqualTo(30);
            assertThat(h.oldestUndelivered()).isPresent();
            assertThat(h.counters().accepted()).isEqualTo(80);
        });

        SERVER.start();
        SERVER.awaitMessages(80, PATIENCE);
        await().atMost(PATIENCE).untilAsserted(() -> {
            Health h = health.get();
            assertThat(h.state()).isEqualTo(DeliveryState.DELIVERING);
            assertThat(h.spoolRecords()).isZero();
            assertThat(h.oldestUndelivered()).isEmpty();
            assertThat(h.counters().droppedTotal()).isZero();
        });

        front.close();
        front = null;
        Health h = health.get();
        assertThat(h.state()).isEqualTo(DeliveryState.STOPPED);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frontEnds")
    void anAppenderAReconfigurationReplacedSaysStoppedWhileItsSuccessorDelivers(String appender, String config,
            String logger, BiFunction<String, String, FrontEnd> frontEnd) {
        System.setProperty("sluice.it.target", SERVER.target());
        System.setProperty("sluice.it.spool", spool.toString());
        front = frontEnd.apply(config, logger);
        Supplier<Health> old = front.health(appender);
        front.info("before the reconfiguration");
        SERVER.awaitMessages(1, PATIENCE);

        // the same file again: the new appender, named and configured alike, goes on with the same engine
        front.reconfigure();
        Supplier<Health> successor = front.health(appender);
        front.info("after the reconfiguration");
        SERVER.awaitMessages(2, PATIENCE);
        assertThat(successor.get().state()).isEqualTo(DeliveryState.DELIVERING);
        assertThat(old.get().state()).isEqualTo(DeliveryState.STOPPED);
    }
}
