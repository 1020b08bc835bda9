package dev.sluice.it.rsyslog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Decides whether tests that need a real {@code rsyslogd} run, are skipped or fail.
 *
 * <p>System property {@value #MODE_PROPERTY}:
 * <ul>
 *   <li>{@code auto} (default): without rsyslogd the tests are <em>skipped</em>, with a reason that says how
 *       to install it (shown in the Surefire report and once on stderr);</li>
 *   <li>{@code required}: without rsyslogd the tests <em>fail</em>; CI uses this so that a broken image
 *       cannot turn the interop suite green by skipping it.</li>
 * </ul>
 * The executable is {@value #EXECUTABLE_PROPERTY} if set, else {@code /usr/sbin/rsyslogd}, else
 * {@code rsyslogd} on {@code PATH}.
 */
public final class RsyslogGate implements ExecutionCondition {

    public static final String MODE_PROPERTY = "sluice.rsyslog";
    public static final String EXECUTABLE_PROPERTY = "sluice.rsyslog.executable";
    static final String INSTALL_HINT = "rsyslogd is not installed (looked for -D" + EXECUTABLE_PROPERTY
            + ", /usr/sbin/rsyslogd and rsyslogd on PATH). Install it with "
            + "'apt-get install rsyslog rsyslog-relp rsyslog-openssl rsyslog-gnutls' (Debian/Ubuntu) or "
            + "'dnf install rsyslog rsyslog-relp rsyslog-openssl rsyslog-gnutls' (Fedora/RHEL)";

    private static volatile boolean warned;

    /** What to do when rsyslogd is missing. */
    public enum Mode {
        AUTO, REQUIRED;

        static Mode parse(String value) {
            if (value == null || value.isBlank()) {
                return AUTO;
            }
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        MODE_PROPERTY + ": '" + value + "' (expected: auto or required)", e);
            }
        }
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        ConditionEvaluationResult result = evaluate(Mode.parse(System.getProperty(MODE_PROPERTY)), findExecutable());
        if (result.isDisabled() && !warned) {
            // Surefire shows a skip only as a count; say once, where a developer looks, why it happened.
            warned = true;
            System.err.println("[sluice] " + result.getReason().orElse(""));
        }
        return result;
    }

    /**
     * The decision, separated from the environment so that it can be tested.
     *
     * @throws AssertionError in {@code REQUIRED} mode without an executable: JUnit reports the test as failed
     */
    static ConditionEvaluationResult evaluate(Mode mode, Optional<Path> executable) {
        if (executable.isPresent()) {
            return ConditionEvaluationResult.enabled("rsyslogd found at " + executable.get());
        }
        if (mode == Mode.REQUIRED) {
            throw new AssertionError(INSTALL_HINT + ". " + MODE_PROPERTY + "=required, so this is a failure.");
        }
        return ConditionEvaluationResult.disabled(
                INSTALL_HINT + "; skipping (set -D" + MODE_PROPERTY + "=required to fail instead)");
    }

    /** The rsyslogd executable, if there is one. */
    public static Optional<Path> findExecutable() {
        String configured = System.getProperty(EXECUTABLE_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        Path standard = Path.of("/usr/sbin/rsyslogd");
        if (Files.isExecutable(standard)) {
            return Optional.of(standard);
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    Path candidate = Path.of(dir, "rsyslogd");
                    if (Files.isExecutable(candidate)) {
                        return Optional.of(candidate);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
