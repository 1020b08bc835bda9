package dev.sluice.relp.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Starts {@code target/sluice-relp-test-server.jar} as a user would, after {@code mvn package}. */
class CommandLineIT {

    private static final Pattern LISTENING = Pattern.compile("listening on [^:]+:(\\d+)");
    private static final Path JAR = Path.of("target", "sluice-relp-test-server.jar");

    @TempDir
    Path dir;

    private Process process;

    @AfterEach
    void stopProcess() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void helpPrintsEveryOption() throws Exception {
        Process help = new ProcessBuilder(java(), "-jar", JAR.toString(), "--help").redirectErrorStream(true).start();
        String text = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(help.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(help.exitValue()).isZero();
        assertThat(text).contains("--port", "--bind", "--tls", "--ca", "--cert", "--key", "--key-password",
                "--auth-mode", "--permitted-peer", "--max-frame", "--out");
    }

    @Test
    void anUnknownOptionIsAnErrorWithExitStatus2() throws Exception {
        Process bad = new ProcessBuilder(java(), "-jar", JAR.toString(), "--prot", "1").redirectErrorStream(true).start();
        String text = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bad.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isEqualTo(2);
        assertThat(text).contains("unknown option: --prot");
    }

    @Test
    void writesEveryAcknowledgedMessageToTheOutFileEvenWhenKilled() throws Exception {
        Path out = dir.resolve("received.log");
        int port = start("--port", "0", "--out", out.toString());
        int count = 500;
        try (BlockingRelpClient client = BlockingRelpClient.open(port)) {
            for (int i = 0; i < count; i++) {
                client.send("syslog", "<13>1 - - - - - - line " + i + (i == 7 ? "\nsecond line" : ""));
            }
            for (int i = 0; i < count; i++) {
                assertThat(client.read().data()).isEqualTo("200 OK");
            }
        }
        // Every message was acknowledged: a kill -9 now must not lose any of them.
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(count);
        assertThat(lines.get(7)).isEqualTo("<13>1 - - - - - - line 7\\nsecond line");
        assertThat(lines.get(count - 1)).endsWith("line " + (count - 1));
    }

    @Test
    void printsReceivedMessagesAndARunningCount() throws Exception {
        List<String> stdout = new ArrayList<>();
        int port = start(stdout, "--port", "0");
        try (BlockingRelpClient client = BlockingRelpClient.open(port)) {
            assertThat(client.command("syslog", "<13>1 - - - - - - printed").data()).isEqualTo("200 OK");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            synchronized (stdout) {
                return stdout.contains("<13>1 - - - - - - printed");
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            synchronized (stderrLines) {
                return stderrLines.stream().anyMatch(l -> l.contains("received 1 messages"));
            }
        });
    }

    @Test
    void servesTlsToClientsMatchingAWildcardPermittedPeer() throws Exception {
        TestCertificates.Authority ca = TestCertificates.newAuthority("CLI Test CA");
        TestCertificates.PemFiles serverPem = ca.issue("localhost").sans("localhost", "127.0.0.1").build()
                .writePem(dir, "server");
        TestCertificates.PemFiles good = ca.issue("app.example.com").sans("app.example.com").build()
                .writePem(dir, "good");
        TestCertificates.PemFiles other = ca.issue("other.example.com").sans("other.example.com").build()
                .writePem(dir, "other");
        Path out = dir.resolve("tls.log");
        int port = start("--port", "0", "--tls", "--ca", serverPem.caFile().toString(),
                "--cert", serverPem.certFile().toString(), "--key", serverPem.keyFile().toString(),
                "--auth-mode", "x509/name", "--permitted-peer", "*.example.com",
                "--out", out.toString());
        assertThat(sClient(port, serverPem.caFile(), good)).contains("200 OK");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(out) && Files.readAllLines(out).size() == 1);
        assertThat(Files.readAllLines(out)).containsExactly("<13>1 - - - - - - over tls");
        assertThat(sClient(port, serverPem.caFile(), other)).contains("200 OK");
    }

    @Test
    void refusesAClientThatIsNotPermitted() throws Exception {
        TestCertificates.Authority ca = TestCertificates.newAuthority("CLI Test CA");
        TestCertificates.PemFiles serverPem = ca.issue("localhost").sans("localhost", "127.0.0.1").build()
                .writePem(dir, "server");
        TestCertificates.PemFiles other = ca.issue("other.example.org").sans("other.example.org").build()
                .writePem(dir, "other");
        Path out = dir.resolve("tls.log");
        int port = start("--port", "0", "--tls", "--ca", serverPem.caFile().toString(),
                "--cert", serverPem.certFile().toString(), "--key", serverPem.keyFile().toString(),
                "--permitted-peer", "app.example.com", "--out", out.toString());
        assertThat(sClient(port, serverPem.caFile(), other)).doesNotContain("200 OK");
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            synchronized (stderrLines) {
                return stderrLines.stream().anyMatch(l -> l.contains("TLS handshake failed")
                        && l.contains("other.example.org"));
            }
        });
        assertThat(!Files.exists(out) || Files.readAllLines(out).isEmpty()).isTrue();
    }

    @Test
    void aMissingCaFileIsAnErrorNamingTheFile() throws Exception {
        Process bad = new ProcessBuilder(java(), "-jar", JAR.toString(), "--port", "0", "--tls",
                "--ca", dir.resolve("nope.pem").toString(), "--cert", dir.resolve("c.pem").toString(),
                "--key", dir.resolve("k.pem").toString(), "--permitted-peer", "x").redirectErrorStream(true).start();
        String text = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bad.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isEqualTo(1);
        assertThat(text).contains("nope.pem");
    }

    /** One RELP session through {@code openssl s_client}: open, one syslog frame, close. */
    private static String sClient(int port, Path ca, TestCertificates.PemFiles client) throws Exception {
        String session = frame(1, "open", "relp_version=0\nrelp_software=s_client\ncommands=syslog")
                + frame(2, "syslog", "<13>1 - - - - - - over tls") + frame(3, "close", "");
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername",
                "localhost", "-CAfile", ca.toString(), "-verify_return_error", "-quiet",
                "-cert", client.certFile().toString(), "-key", client.keyFile().toString())
                .redirectErrorStream(true).start();
        try (java.io.OutputStream in = p.getOutputStream()) {
            in.write(session.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException closedEarly) {
            // a refused client may be gone already
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private static String frame(int txnr, String command, String data) {
        int length = data.getBytes(StandardCharsets.UTF_8).length;
        return txnr + " " + command + " " + length + (length > 0 ? " " + data : "") + "\n";
    }

    private final List<String> stderrLines = new ArrayList<>();

    private int start(String... args) throws IOException {
        return start(new ArrayList<>(), args);
    }

    private int start(List<String> stdout, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).start();
        pump(process.getInputStream(), stdout);
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread err = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (stderrLines) {
                        stderrLines.add(line);
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
                port.completeExceptionally(new IOException("server ended: " + stderrLines));
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
        });
        err.setDaemon(true);
        err.start();
        return port.orTimeout(30, TimeUnit.SECONDS).join();
    }

    private static void pump(java.io.InputStream in, List<String> lines) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                // process ended
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
