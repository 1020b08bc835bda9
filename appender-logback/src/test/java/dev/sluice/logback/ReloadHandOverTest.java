package dev.sluice.logback;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;

import dev.sluice.transport.health.Jmx;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * What {@link ReloadHandOver} does with an appender stopped outside a reconfiguration. The reconfigurations
 * themselves (reset, reload, fallback, rename) run against a real receiver in the integration tests'
 * {@code FrontEndLifecycleTest}.
 */
class ReloadHandOverTest {

    private static long accepted(String appender) throws Exception {
        return (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(Jmx.objectName(appender), "Accepted");
    }

    private static boolean deliveryThreadAlive(String appender) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("sluice-delivery-" + appender) && t.isAlive());
    }

    /** A started context whose root logger has a started appender of {@code name}, to a UDP port of its own. */
    private static LoggerContext withRootAppender(String name, int port) {
        LoggerContext context = new LoggerContext();
        context.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(started(context, name, port));
        return context;
    }

    /** An appender to a UDP port of its own (engines are shared by target). */
    private static RemoteSyslogAppender started(LoggerContext context, String name, int port) {
        RemoteSyslogAppender appender = new RemoteSyslogAppender();
        appender.setContext(context);
        appender.setName(name);
        appender.setTarget("udp://127.0.0.1:" + port);
        appender.start();
        assertThat(appender.isStarted()).as(context.getStatusManager().getCopyOfStatusList().toString()).isTrue();
        assertThat(deliveryThreadAlive(name)).isTrue();
        return appender;
    }

    /**
     * An {@code AsyncAppender}'s worker stops its appenders itself, and may do so after the context's stop has
     * returned (it flushed for longer than {@code maxFlushTime}). Nothing will take the engine over then: it is
     * stopped at once, on the stopping thread, not parked for the grace.
     */
    @Test
    void anAppenderStoppedAfterItsContextStoppedStopsItsEngineAtOnce() {
        LoggerContext context = new LoggerContext();
        context.start();
        // attached to no logger, like an AsyncAppender's child: the context's stop does not stop it
        RemoteSyslogAppender appender = started(context, "late-child", 9);
        context.stop();
        assertThat(appender.isStarted()).isTrue();

        appender.stop();

        assertThat(deliveryThreadAlive("late-child")).isFalse();
    }

    /**
     * After a stop, the context may be configured and used again: once an appender starts in it, an appender stopped
     * by its next reset parks.
     */
    @Test
    void aContextStartedAgainAfterAStopParksAtItsResetsAgain() {
        LoggerContext context = withRootAppender("before-stop", 18);
        context.stop(); // the hand-over knows the context stopped
        assertThat(deliveryThreadAlive("before-stop")).isFalse();
        context.start();
        RemoteSyslogAppender appender = started(context, "restarted", 19);
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
        try {
            context.reset(); // stops the appender: parked, its engine runs on for the next configuration
            assertThat(appender.isStarted()).isFalse();
            assertThat(deliveryThreadAlive("restarted")).isTrue();
        } finally {
            context.stop(); // closes what is parked before it returns
        }
        assertThat(deliveryThreadAlive("restarted")).isFalse();
    }

    /**
     * Spring Boot's logging initialisation stops the context, resets it and configures it again: the stop is
     * handled as a reset (the engine is parked, not drained: with a receiver down, the drain held the application's
     * start for up to {@code shutdownTimeout}), and the configuration that follows takes the engine over. Spring
     * Boot's shutdown, from another method, still stops it.
     */
    @Test
    void springBootsLoggingInitialisationHandsTheEngineToTheConfigurationThatFollows() throws Exception {
        LoggerContext context = withRootAppender("boot", 29);
        RemoteSyslogAppender appender = (RemoteSyslogAppender) context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                .getAppender("boot");
        for (int i = 0; i < 3; i++) {
            context.getLogger("app").info("before Spring Boot configures logging");
        }
        assertThat(accepted("boot")).isEqualTo(3);

        org.springframework.boot.logging.logback.LogbackLoggingSystem.stopAndReset(context);
        assertThat(appender.isStarted()).isFalse();
        assertThat(deliveryThreadAlive("boot")).isTrue();
        ReloadHandOver handOver = ReloadHandOver.of(context);
        assertThat(handOver.closesAtExit()).isTrue(); // should the configuration fail and the JVM exit

        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(new ByteArrayInputStream("""
                <configuration>
                  <appender name="boot" class="dev.sluice.logback.RemoteSyslogAppender">
                    <target>udp://127.0.0.1:29</target>
                  </appender>
                  <root level="INFO"><appender-ref ref="boot"/></root>
                </configuration>
                """.getBytes(StandardCharsets.UTF_8)));
        context.start();
        context.getLogger("app").info("after");
        // the same engine: its counters run on (a new one would have started at zero)
        assertThat(accepted("boot")).isEqualTo(4);
        assertThat(handOver.closesAtExit()).isFalse();

        org.springframework.boot.logging.logback.LogbackLoggingSystem.shutdown(context);
        assertThat(deliveryThreadAlive("boot")).isFalse();
    }

    /**
     * A parked engine is hidden from the framework's own stop (a Spring Boot start that fails after its stop leaves
     * the context stopped, and a stopped context ignores the shutdown's stop): while one is parked, a JVM shutdown
     * hook closes it, draining, at exit.
     */
    @Test
    void whileAnEngineIsParkedTheJvmsExitClosesIt() {
        LoggerContext context = withRootAppender("parked", 39);
        ReloadHandOver handOver = ReloadHandOver.of(context);
        assertThat(handOver.closesAtExit()).isFalse();

        context.reset(); // parks it
        assertThat(deliveryThreadAlive("parked")).isTrue();
        assertThat(handOver.closesAtExit()).isTrue();

        handOver.closeAtExit(); // what the hook runs
        assertThat(deliveryThreadAlive("parked")).isFalse();
        assertThat(handOver.closesAtExit()).isFalse();
        context.stop();
    }
}
