package dev.sluice.it.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.relp.server.RelpServer;
import dev.sluice.relp.server.TestCertificates;
import dev.sluice.relp.server.TestCertificates.Authority;
import dev.sluice.relp.server.TestCertificates.PemFiles;
import dev.sluice.transport.net.Backoff;
import dev.sluice.transport.net.SyslogTransport;
import dev.sluice.transport.net.SyslogTransports;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.net.TransportSettings;
import dev.sluice.transport.tls.AuthMode;
import dev.sluice.transport.tls.TlsConfigException;
import dev.sluice.transport.tls.TlsSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELP over TLS from the client side: mutual authentication works, every refusal of the server's certificate is
 * reported through {@code tlsFailure} with no message octet reaching the server, rotated client files are used
 * from the next session on, and rotated files that cannot be used stop connections until they can.
 */
class RelpTlsTransportTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;

    private static Authority ca;
    private static PemFiles client;
    private static PemFiles foreignCa;
    private static String serverFingerprint;
    private static RelpServer server;
    private static RelpServer expiredServer;
    /** Certificate from the trusted CA with the DNS name {@code localhost} only: no IP address to fall back on. */
    private static RelpServer dnsOnlyServer;
    /** Certificate from the trusted CA for {@code logs.example.com}, not the host the tests connect to. */
    private static RelpServer otherHostServer;

    private final RecordingListener listener = new RecordingListener();
    private SyslogTransport transport;

    @BeforeAll
    static void startServers() {
        ca = TestCertificates.newAuthority("Sluice Test CA");
        TestCertificates.Issued serverCert = ca.issue("localhost").sans("localhost", "127.0.0.1").build();
        serverFingerprint = serverCert.sha256Fingerprint();
        PemFiles serverFiles = serverCert.writePem(dir.resolve("server"));
        PemFiles expiredFiles = ca.issue("localhost").sans("localhost", "127.0.0.1").expired().build()
                .writePem(dir.resolve("expired"));
        client = ca.issue("app.example.com").sans("app.example.com").build().writePem(dir.resolve("client"));
        foreignCa = TestCertificates.newAuthority("Unrelated CA").issue("x").build().writePem(dir.resolve("foreign"));
        server = RelpServer.builder().tls(serverTls(serverFiles)).build().start();
        expiredServer = RelpServer.builder().tls(serverTls(expiredFiles)).build().start();
        dnsOnlyServer = RelpServer.builder().tls(serverTls(ca.issue("localhost").sans("localhost").build()
                .writePem(dir.resolve("dns-only")))).build().start();
        otherHostServer = RelpServer.builder().tls(serverTls(ca.issue("logs.example.com").sans("logs.example.com")
                .build().writePem(dir.resolve("other-host")))).build().start();
    }

    private static TlsSettings serverTls(PemFiles files) {
        return TlsSettings.builder().caFile(files.caFile()).certFile(files.certFile()).keyFile(files.keyFile())
                .authMode(AuthMode.X509_NAME).permittedPeers("app.example.com", "app2.example.com").build();
    }

    @AfterAll
    static void stopServers() {
        server.close();
        expiredServer.close();
        dnsOnlyServer.close();
        otherHostServer.close();
    }

    @BeforeEach
    void clearServers() {
        server.faults().reset();
        server.clear();
        expiredServer.clear();
        dnsOnlyServer.clear();
        otherHostServer.clear();
    }

    @AfterEach
    void closeTransport() {
        if (transport != null) {
            transport.close(Duration.ofSeconds(2));
        }
    }

    private static TlsSettings.Builder clientTls() {
        return TlsSettings.builder().caFile(client.caFile()).certFile(client.certFile()).keyFile(client.keyFile());
    }

    private SyslogTransport start(RelpServer to, TlsSettings tls) {
        TransportSettings settings = TransportSettings.builder().tls(tls)
                .backoff(() -> Backoff.fixed(Duration.ofMillis(100))).build();
        transport = SyslogTransports.create(Target.parse("relp+tls://localhost:" + to.port()), settings, listener);
        return transport;
    }

    /** The client refused the server: reported as a TLS failure, and not one message reached the server. */
    private void assertRefused(RelpServer to, String expectedReason) {
        Messages.offerRange(transport, 0, 10);
        await().atMost(WAIT).until(() -> listener.tlsFailures.size() >= 2); // refused again on the retry
        assertThat(listener.tlsFailures.get(0)).contains(expectedReason);
        assertThat(listener.disconnects).isNotEmpty()
                .allMatch(r -> r.startsWith("TLS handshake with relp+tls://localhost:" + to.port() + " failed: "));
        assertThat(listener.connected).hasValue(0);
        assertThat(listener.delivered).hasValue(0);
        assertThat(to.messageCount()).isZero();
        assertThat(transport.pending()).isEqualTo(10);
        System.out.println("refused as expected: " + listener.tlsFailures.get(0));
    }

    @Test
    void deliversOverMutuallyAuthenticatedTls() {
        start(server, clientTls().build());
        Messages.offerRange(transport, 0, 100);
        server.awaitMessages(100, WAIT);
        await().atMost(WAIT).until(() -> listener.delivered.get() == 100);
        assertThat(server.messages()).allMatch(m -> m.peerSubject().contains("CN=app.example.com"));
        assertThat(listener.tlsFailures).isEmpty();
        assertThat(server.tlsFailures()).isEmpty();
    }

    @Test
    void refusesAServerCertificateFromAnUnknownCa() {
        start(server, clientTls().caFile(foreignCa.caFile()).build());
        assertRefused(server, "peer certificate not trusted");
    }

    @Test
    void refusesAServerWhoseNameIsNotInPermittedPeers() {
        start(server, clientTls().permittedPeers("logs.example.com").build());
        assertRefused(server, "peer name not permitted");
        assertThat(listener.tlsFailures.get(0)).contains("logs.example.com");
    }

    /**
     * Without {@code permittedPeers} the expected name is the target's host as configured, not the address it
     * resolves to: a certificate that names {@code localhost} and no IP address is accepted.
     */
    @Test
    void withoutPermittedPeersAcceptsAServerCertificateThatNamesTheTargetHost() {
        start(dnsOnlyServer, clientTls().build());
        Messages.offerRange(transport, 0, 10);
        dnsOnlyServer.awaitMessages(10, WAIT);
        await().atMost(WAIT).until(() -> listener.delivered.get() == 10);
        assertThat(listener.tlsFailures).isEmpty();
    }

    /** Without {@code permittedPeers}, a trusted certificate for another host is refused, naming the target host. */
    @Test
    void withoutPermittedPeersRefusesATrustedServerCertificateForAnotherHost() {
        start(otherHostServer, clientTls().build());
        assertRefused(otherHostServer, "peer name not permitted");
        assertThat(listener.tlsFailures).allMatch(r -> r.equals("peer name not permitted: subject"
                + " CN=logs.example.com, SAN [logs.example.com], expected one of [localhost]"));
    }

    @Test
    void refusesAServerWithAnotherFingerprint() {
        String wrong = "SHA256:" + "AB:".repeat(31) + "AB";
        assertThat(wrong).isNotEqualTo(serverFingerprint);
        start(server, clientTls().authMode(AuthMode.X509_FINGERPRINT).permittedPeers(wrong).build());
        assertRefused(server, "peer fingerprint not permitted");
    }

    @Test
    void acceptsAServerWithThePermittedFingerprint() {
        start(server, clientTls().authMode(AuthMode.X509_FINGERPRINT).permittedPeers(serverFingerprint).build());
        Messages.offerRange(transport, 0, 10);
        server.awaitMessages(10, WAIT);
        assertThat(listener.tlsFailures).isEmpty();
    }

    @Test
    void refusesAnExpiredServerCertificate() {
        start(expiredServer, clientTls().build());
        assertRefused(expiredServer, "peer certificate expired");
    }

    @Test
    void failsAtConfigurationWhenTheCaFileIsMissing() {
        Path missing = dir.resolve("no-such-ca.pem");
        TransportSettings settings = TransportSettings.builder().tls(clientTls().caFile(missing).build()).build();
        assertThatThrownBy(() -> SyslogTransports.create(Target.parse("relp+tls://localhost:" + server.port()),
                settings, listener))
                .isInstanceOf(TlsConfigException.class)
                .hasMessageStartingWith("caFile: ")
                .hasMessageContaining(missing.toString());
    }

    @Test
    void failsAtConfigurationWhenATlsTargetHasNoTlsSettings() {
        assertThatThrownBy(() -> SyslogTransports.create(Target.parse("relp+tls://localhost:" + server.port()),
                TransportSettings.defaults(), listener))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("tls: required for target relp+tls://localhost:");
    }

    @Test
    void usesRotatedClientKeyAndCertificateAfterTheNextReconnect() throws IOException {
        Path rotating = dir.resolve("rotating");
        Files.createDirectories(rotating);
        Path certFile = rotating.resolve("client.crt");
        Path keyFile = rotating.resolve("client.key");
        Files.copy(client.certFile(), certFile, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(client.keyFile(), keyFile, StandardCopyOption.REPLACE_EXISTING);
        start(server, TlsSettings.builder().caFile(client.caFile()).certFile(certFile).keyFile(keyFile).build());
        Messages.offerRange(transport, 0, 10);
        server.awaitMessages(10, WAIT);
        assertThat(server.messages()).allMatch(m -> m.peerSubject().contains("CN=app.example.com"));

        PemFiles next = ca.issue("app2.example.com").sans("app2.example.com").build()
                .writePem(dir.resolve("client2"));
        Files.copy(next.certFile(), certFile, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(next.keyFile(), keyFile, StandardCopyOption.REPLACE_EXISTING);
        // still connected with the old certificate until the session ends
        Messages.offerRange(transport, 10, 20);
        server.awaitMessages(20, WAIT);
        assertThat(server.messages().get(19).peerSubject()).contains("CN=app.example.com");

        server.faults().sendServerClose();
        await().atMost(WAIT).until(() -> listener.connected.get() == 2);
        Messages.offerRange(transport, 20, 30);
        server.awaitMessages(30, WAIT);
        assertThat(server.messages().subList(20, 30)).allMatch(m -> m.peerSubject().contains("CN=app2.example.com"));
        assertThat(listener.warnings).anyMatch(w -> w.contains("changed: reloaded"));
        assertThat(listener.tlsFailures).isEmpty();
    }

    @Test
    void doesNotConnectWhileARotatedCaFileCannotBeReadAndResumesOnceItCan() throws IOException {
        Path rotating = dir.resolve("rotating-ca");
        Files.createDirectories(rotating);
        Path caFile = rotating.resolve("ca.pem");
        Files.copy(client.caFile(), caFile, StandardCopyOption.REPLACE_EXISTING);
        start(server, TlsSettings.builder().caFile(caFile).certFile(client.certFile()).keyFile(client.keyFile())
                .build());
        Messages.offerRange(transport, 0, 10);
        server.awaitMessages(10, WAIT);
        await().atMost(WAIT).until(() -> listener.delivered.get() == 10);
        long sessions = server.sessionsOpened();

        // A truncated CA file: the previous trust anchors must not be used for the next connection.
        Files.writeString(caFile, "-----BEGIN CERTIFICATE-----\nMIIB");
        server.faults().sendServerClose();
        await().atMost(WAIT).until(() -> listener.disconnects.size() >= 1);
        Messages.offerRange(transport, 10, 20);
        await().atMost(WAIT).until(() -> listener.tlsFailures.size() >= 3); // each attempt reads the file again
        assertThat(listener.tlsFailures).allMatch(r -> r.startsWith("TLS settings cannot be used: caFile: " + caFile));
        assertThat(listener.connected).hasValue(1);
        assertThat(server.sessionsOpened()).isEqualTo(sessions); // not even a TCP connection
        assertThat(server.messageCount()).isEqualTo(10);
        assertThat(listener.delivered).hasValue(10);
        assertThat(transport.pending()).isEqualTo(10);

        // Good again, and not the bytes of before: the next attempt must build a context from them.
        Files.writeString(caFile, Files.readString(client.caFile()) + Files.readString(foreignCa.caFile()));
        server.awaitMessages(20, WAIT);
        await().atMost(WAIT).until(() -> listener.delivered.get() == 20);
        assertThat(listener.connected).hasValue(2);
        assertThat(listener.warnings).anyMatch(w -> w.contains("changed: reloaded"));
    }
}
