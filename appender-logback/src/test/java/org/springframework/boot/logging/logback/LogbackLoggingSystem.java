package org.springframework.boot.logging.logback;

import ch.qos.logback.classic.LoggerContext;

/**
 * Stands in for Spring Boot's class of this name (not on this module's class path) in {@code ReloadHandOverTest}:
 * its logging initialisation goes through a method of this name, which stops the context and resets it before it
 * configures it again.
 */
public final class LogbackLoggingSystem {

    private LogbackLoggingSystem() {
    }

    /** What Spring Boot's {@code stopAndReset} does. */
    public static void stopAndReset(LoggerContext context) {
        context.stop();
        context.reset();
    }

    /** What Spring Boot's shutdown handler does, from another method. */
    public static void shutdown(LoggerContext context) {
        context.stop();
    }
}
