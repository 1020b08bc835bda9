package dev.sluice.relp.server;

import dev.sluice.transport.tls.AuthMode;
import dev.sluice.transport.tls.TlsSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The RELP test server over TLS ({@code x509/name}, client certificates required) with OpenSSL's
 * {@code s_client} as the client: a trusted, permitted client is served; an untrusted CA, a name that is not
 * permitted and a missing client certificate are each refused, and nothing of theirs is recorded.
 */
class OpensslClientTlsTest {

    private static final String CLIENT = "client.sluice.test";
    private static final String RELP_SESSION = frame(1, "open", "relp_version=0\nrelp_software=s_client\ncommands=syslog")
            + frame(2, "syslog", "<13>1 - - - - - - from s_client")
            + frame(3, "close", "");

    @TempDir
    static Path dir;
    static TestCertificates.PemFiles server;
    static TestCertificates.PemFiles goodClient;
    static TestCertificates.PemFiles strangerClient;
    static TestCertificates.PemFiles evilClient;
    static RelpServer relp;

    @BeforeAll
    static void start() {
        assumeThat(openssl()).as("openssl is needed for this test").isTrue();
        TestCertificates.Authority ca = TestCertificates.newAuthority("Sluice Test CA");
        TestCertificates.Authority otherCa = TestCertificates.newAuthority("Some Other CA");
        server = ca.issue("localhost").sans("localhost", "127.0.0.1").build().writePem(dir, "server");
        goodClient = ca.issue(CLIENT).sans(CLIENT).build().writePem(dir, "good");
        strangerClient = otherCa.issue(CLIENT).sans(CLIENT).build().writePem(dir, "stranger");
        evilClient = ca.issue("evil.example.com").sans("evil.example.com").build().writePem(dir, "evil");
        relp = RelpServer.builder().tls(TlsSettings.builder()
                .caFile(server.caFile()).certFile(server.certFile()).keyFile(server.keyFile())
                .authMode(AuthMode.X509_NAME).permittedPeers(List.of(CLIENT)).build()).build().start();
    }

    @AfterAll
    static void stop() {
        if (relp != null) {
            relp.close();
        }
    }

    @BeforeEach
    void clear() {
        relp.clear();
    }

    @Test
    void servesAPermittedClientWithATrustedCertificate() throws Exception {
        String out = sClient(goodClient.certFile(), goodClient.keyFile());
        assertThat(out).contains("1 rsp ").contains("200 OK").contains("2 rsp 6 200 OK");
        List<ReceivedMessage> received = relp.awaitMessages(1, Duration.ofSeconds(10));
        assertThat(received.get(0).message()).isEqualTo("from s_client");
        assertThat(received.get(0).peerSubject()).isEqualTo("CN=" + CLIENT);
    }

    @Test
    void refusesAClientCertificateFromAnUntrustedCa() throws Exception {
        String out = sClient(strangerClient.certFile(), strangerClient.keyFile());
        assertRefused(out);
    }

    @Test
    void refusesAClientWhoseNameIsNotPermitted() throws Exception {
        String out = sClient(evilClient.certFile(), evilClient.keyFile());
        assertRefused(out);
        assertThat(relp.tlsFailures()).singleElement().asString().contains("evil.example.com");
    }

    @Test
    void refusesAClientWithoutCertificate() throws Exception {
        String out = sClient(null, null);
        assertRefused(out);
    }

    private static void assertRefused(String sClientOutput) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !relp.tlsFailures().isEmpty());
        assertThat(sClientOutput).doesNotContain("200 OK");
        assertThat(relp.messageCount()).isZero();
        assertThat(relp.messages()).isEmpty();
    }

    /** Runs one RELP session through {@code openssl s_client}; returns what it printed. */
    private static String sClient(Path cert, Path key) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + relp.port(),
                "-servername", "localhost", "-CAfile", server.caFile().toString(), "-verify_return_error",
                "-verify_hostname", "localhost", "-quiet"));
        if (cert != null) {
            command.addAll(List.of("-cert", cert.toString(), "-key", key.toString()));
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(RELP_SESSION.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException closedEarly) {
            // s_client may already have exited after a refused handshake
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("s_client ends").isTrue();
        return out;
    }

    private static String frame(int txnr, String command, String data) {
        int length = data.getBytes(StandardCharsets.UTF_8).length;
        return txnr + " " + command + " " + length + (length > 0 ? " " + data : "") + "\n";
    }

    private static boolean openssl() {
        try {
            return new ProcessBuilder("openssl", "version").start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
