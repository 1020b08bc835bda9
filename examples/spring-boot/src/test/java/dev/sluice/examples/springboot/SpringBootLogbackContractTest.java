package dev.sluice.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;

import java.lang.reflect.Method;

import org.junit.jupiter.api.Test;
import org.springframework.boot.logging.logback.LogbackLoggingSystem;

/**
 * What Sluice's Logback appender assumes of the Spring Boot it is built against: its logging initialisation stops
 * the context through {@code LogbackLoggingSystem.stopAndReset(LoggerContext)} before it configures it again, and
 * the appender hands its engine over there instead of draining it (see {@code ReloadHandOver}). A Spring Boot that
 * renamed the method would make that stop drain again: this test is there to say so at the upgrade.
 */
class SpringBootLogbackContractTest {

    @Test
    void springBootStopsTheContextForItsConfigurationThroughStopAndReset() throws Exception {
        Method stopAndReset = LogbackLoggingSystem.class.getDeclaredMethod("stopAndReset", LoggerContext.class);
        assertThat(stopAndReset.getReturnType()).isEqualTo(void.class);
    }
}
