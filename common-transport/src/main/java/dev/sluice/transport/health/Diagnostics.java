package dev.sluice.transport.health;

/**
 * Where the core's own diagnostics go: the front-end's status channel (Log4j2's {@code StatusLogger}, Logback's
 * status manager). Never the application's loggers, never {@code System.out}/{@code System.err}.
 */
public interface Diagnostics {

    /** Diagnostics that go nowhere; for tests and embedded use. */
    Diagnostics NONE = new Diagnostics() {
        @Override
        public void warn(String message, Throwable cause) {
        }

        @Override
        public void error(String message, Throwable cause) {
        }
    };

    /** Something the user should know about; delivery goes on. {@code cause} may be {@code null}. */
    void warn(String message, Throwable cause);

    /** Something is failing. {@code cause} may be {@code null}. */
    void error(String message, Throwable cause);

    /**
     * Something is failing that the engine survives and handles itself, the appender running on: a spool it cannot
     * use yet (it keeps events in memory and tries again), a spool record it quarantines, a spool operation that
     * failed, a TLS handshake it retries. Reported as {@link #error} unless overridden: a front-end whose status
     * channel fails the application's start on an error (Logback's status manager under Spring Boot) reports it as a
     * warning, keeping errors for a configuration the appender cannot start with. {@code cause} may be {@code null}.
     */
    default void survivedError(String message, Throwable cause) {
        error(message, cause);
    }

    /** Something worth knowing but not wrong (a reconnect that succeeded). Ignored unless overridden. */
    default void info(String message) {
    }
}
