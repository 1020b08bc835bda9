package dev.sluice.it.rsyslog;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One private {@code rsyslogd} for a test: its own config, work directory, pid file and log, never the
 * system's service. {@link AutoCloseable}; use it in try-with-resources or close it in {@code @AfterEach}.
 *
 * <pre>{@code
 * int port = FreePorts.freePort();
 * Path out = dir.resolve("out.log");
 * try (Rsyslogd rsyslogd = Rsyslogd.create(dir, RsyslogConfigs.imudp(port) + RsyslogConfigs.toFile(out, ...))) {
 *     rsyslogd.start();
 *     rsyslogd.awaitListening(port);
 *     ...
 * }
 * }</pre>
 *
 * <p>Layout of {@code dir}: {@code rsyslog.conf} (the body wrapped in the header below), {@code work/}
 * (rsyslog's {@code workDirectory}: queue and state files), {@code rsyslogd.pid}, {@code rsyslogd.out}
 * (stdout and stderr of every run, appended), {@code rsyslogd-internal.log} (rsyslog's own messages).
 *
 * <p>The header sets {@code global(workDirectory=… processInternalMessages="on")} and, first in the default
 * ruleset, sends rsyslog's own messages ({@code $inputname == "rsyslogd"}) to {@code rsyslogd-internal.log}
 * and stops them there, so that errors are visible to the test and never reach the body's actions or the
 * system log. No system inputs (imuxsock, imklog, imjournal) are loaded. The body must not set
 * {@code workDirectory} again; it may add its own {@code global(...)} with other parameters.
 *
 * <p>rsyslogd runs in the foreground ({@code -n}) as a direct child of the JVM, so {@link #kill9()} kills
 * rsyslogd itself. The config is checked with {@code rsyslogd -N1} before every start, and an invalid one
 * fails with rsyslog's own messages.
 */
public final class Rsyslogd implements AutoCloseable {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path executable;
    private final Path dir;
    private final Path config;
    private final Path workDir;
    private final Path pidFile;
    private final Path output;
    private final Path internalLog;
    private Process process;

    private Rsyslogd(Path executable, Path dir, String body) {
        this.executable = executable;
        this.dir = dir;
        this.config = dir.resolve("rsyslog.conf");
        this.workDir = dir.resolve("work");
        this.pidFile = dir.resolve("rsyslogd.pid");
        this.output = dir.resolve("rsyslogd.out");
        this.internalLog = dir.resolve("rsyslogd-internal.log");
        try {
            Files.createDirectories(workDir);
            Files.writeString(config, header() + body + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write rsyslog config in " + dir, e);
        }
    }

    /**
     * Writes the config into {@code dir} (created if needed; use a fresh one per instance) without starting.
     * {@code body} holds module loads, inputs, templates, rulesets and actions.
     */
    public static Rsyslogd create(Path dir, String body) {
        Objects.requireNonNull(body, "body");
        Path exe = RsyslogGate.findExecutable().orElseThrow(() -> new IllegalStateException(RsyslogGate.INSTALL_HINT));
        return new Rsyslogd(exe, dir, body);
    }

    private String header() {
        return "# Written by the Sluice test harness; private instance, not the system's rsyslog.\n"
                + "global(workDirectory=\"" + workDir + "\" processInternalMessages=\"on\")\n"
                + "if $inputname == \"rsyslogd\" then {\n"
                + "    action(type=\"omfile\" file=\"" + internalLog + "\" template=\"RSYSLOG_FileFormat\")\n"
                + "    stop\n"
                + "}\n";
    }

    public Path directory() {
        return dir;
    }

    public Path configFile() {
        return config;
    }

    public Path workDirectory() {
        return workDir;
    }

    /** A path inside this instance's directory, for output files named in the config. */
    public Path file(String name) {
        return dir.resolve(name);
    }

    /**
     * Checks the config ({@code rsyslogd -N1}) and starts rsyslogd; returns when rsyslog has logged its
     * {@code start} message. Inputs may still be binding: use {@link #awaitListening(int)} for their ports.
     *
     * @throws IllegalStateException with rsyslog's messages if the config is invalid or rsyslogd exits
     */
    public Rsyslogd start() {
        if (isRunning()) {
            throw new IllegalStateException("rsyslogd already running, pid " + process.pid());
        }
        checkConfig();
        try {
            Files.deleteIfExists(pidFile); // a stale file after kill9() would make rsyslogd refuse to start
            ProcessBuilder pb = new ProcessBuilder(executable.toString(), "-n", "-f", config.toString(),
                    "-i", pidFile.toString())
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + executable, e);
        }
        long pid = process.pid();
        String startMarker = "x-pid=\"" + pid + "\"";
        await("rsyslogd pid " + pid + " to start").atMost(DEFAULT_TIMEOUT).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("rsyslogd exited with " + process.exitValue()
                                + " during start:\n" + diagnostics());
                    }
                    String internal = read(internalLog);
                    return internal.lines().anyMatch(l -> l.contains(startMarker) && l.endsWith("start"));
                });
        return this;
    }

    private void checkConfig() {
        try {
            Process check = new ProcessBuilder(executable.toString(), "-N1", "-f", config.toString())
                    .directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!check.waitFor(60, TimeUnit.SECONDS)) {
                check.destroyForcibly();
                throw new IllegalStateException("rsyslogd -N1 did not finish within 60s");
            }
            if (check.exitValue() != 0) {
                throw new IllegalStateException("invalid rsyslog config " + config + " (rsyslogd -N1 exit "
                        + check.exitValue() + "):\n" + out + "\n--- config ---\n" + read(config));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + executable + " -N1", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the rsyslog config", e);
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Process id of the running rsyslogd. */
    public long pid() {
        if (process == null) {
            throw new IllegalStateException("never started");
        }
        return process.pid();
    }

    /** Waits until something listens on TCP {@code port} or has bound UDP {@code port} (read from /proc/net). */
    public Rsyslogd awaitListening(int port) {
        await("port " + port + " bound").atMost(DEFAULT_TIMEOUT).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (!isRunning()) {
                        throw new IllegalStateException("rsyslogd is not running:\n" + diagnostics());
                    }
                    return isBound(port);
                });
        return this;
    }

    /** Whether a TCP socket is in LISTEN, or a UDP socket is bound, on {@code port} on this host. */
    static boolean isBound(int port) {
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        for (String table : List.of("tcp", "tcp6", "udp", "udp6")) {
            boolean tcp = table.startsWith("tcp");
            for (String line : read(Path.of("/proc/net", table)).lines().skip(1).toList()) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].endsWith(hexPort) && (!tcp || "0A".equals(f[3]))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Waits until {@code text} appears in rsyslog's own messages or its stdout/stderr. */
    public Rsyslogd awaitLogged(String text) {
        await("rsyslogd to log '" + text + "'").atMost(DEFAULT_TIMEOUT).pollInterval(Duration.ofMillis(20))
                .until(() -> diagnostics().contains(text));
        return this;
    }

    /** rsyslog's own messages followed by its stdout/stderr, of every run so far. */
    public String diagnostics() {
        return "--- " + internalLog + " ---\n" + read(internalLog) + "--- " + output + " ---\n" + read(output);
    }

    /** SIGKILL: no queue is saved, no session is closed. Waits until the process is gone. */
    public void kill9() {
        if (process != null) {
            process.destroyForcibly();
            waitForExit(STOP_TIMEOUT);
        }
    }

    /** SIGTERM and wait for rsyslogd to shut down (queues drained or saved per their config). */
    public void stop() {
        if (isRunning()) {
            process.destroy();
            if (!waitForExit(STOP_TIMEOUT)) {
                process.destroyForcibly();
                waitForExit(STOP_TIMEOUT);
                throw new IllegalStateException("rsyslogd did not stop within " + STOP_TIMEOUT
                        + " after SIGTERM; killed it:\n" + diagnostics());
            }
        }
    }

    /** Stops rsyslogd if it runs, then starts it again with the same config, so on the same ports. */
    public Rsyslogd restart() {
        stop();
        return start();
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            if (isRunning()) {
                process.destroyForcibly();
            }
        }
    }

    private boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The lines of a file, or none if it does not exist yet. Partial last lines are left out. */
    public static List<String> lines(Path file) {
        String text = read(file);
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return List.of();
        }
        return new ArrayList<>(text.substring(0, end).lines().toList());
    }

    /** A file's text as UTF-8, or {@code ""} if it does not exist yet. */
    public static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "Rsyslogd[" + dir + (isRunning() ? ", pid " + process.pid() : ", stopped") + "]";
    }
}
