package dev.sluice.it.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.relp.server.TestCertificates;
import dev.sluice.relp.server.TestCertificates.Authority;
import dev.sluice.relp.server.TestCertificates.PemFiles;
import dev.sluice.transport.net.Backoff;
import dev.sluice.transport.net.SyslogTransport;
import dev.sluice.transport.net.SyslogTransports;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.net.TransportSettings;
import dev.sluice.transport.tls.AuthMode;
import dev.sluice.transport.tls.TlsSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Syslog over TLS ({@code tls://}) from the client side, against plain TLS receivers: mutual authentication works, and
 * a TLS 1.3 server that refuses our certificate, which it checks only after our side of the handshake completed, is
 * a TLS failure with no message counted delivered.
 */
class TlsTransportTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;

    private static PemFiles client;
    private static PemFiles server;

    private final RecordingListener listener = new RecordingListener();
    private SyslogTransport transport;

    @BeforeAll
    static void issueCertificates() {
        Authority ca = TestCertificates.newAuthority("Sluice Test CA");
        server = ca.issue("localhost").sans("localhost", "127.0.0.1").build().writePem(dir.resolve("server"));
        client = ca.issue("app.example.com").sans("app.example.com").build().writePem(dir.resolve("client"));
    }

    @AfterEach
    void closeTransport() {
        if (transport != null) {
            transport.close(Duration.ofSeconds(2));
        }
    }

    /** A TLS 1.3 receiver that requires a client certificate from our CA, for one of {@code permittedPeers}. */
    private static PlainReceivers.Tcp receiver(String... permittedPeers) {
        TlsSettings tls = TlsSettings.builder().caFile(server.caFile()).certFile(server.certFile())
                .keyFile(server.keyFile()).authMode(AuthMode.X509_NAME).permittedPeers(permittedPeers)
                .protocols("TLSv1.3").build();
        return PlainReceivers.Tcp.tls(tls);
    }

    private SyslogTransport start(PlainReceivers.Tcp to) {
        TlsSettings tls = TlsSettings.builder().caFile(client.caFile()).certFile(client.certFile())
                .keyFile(client.keyFile()).build();
        TransportSettings settings = TransportSettings.builder().tls(tls)
                .backoff(() -> Backoff.fixed(Duration.ofMillis(100))).build();
        transport = SyslogTransports.create(Target.parse("tls://localhost:" + to.port()), settings, listener);
        return transport;
    }

    @Test
    void deliversOverMutuallyAuthenticatedTls() {
        try (PlainReceivers.Tcp receiver = receiver("app.example.com")) {
            Messages.offerRange(start(receiver), 0, 100);
            await().atMost(WAIT).until(() -> listener.delivered.get() == 100);
            await().atMost(WAIT).until(() -> receiver.octetCounted().size() == 100);
            List<String> messages = receiver.octetCounted();
            for (int i = 0; i < messages.size(); i++) {
                assertThat(messages.get(i)).endsWith(" message " + i);
            }
            assertThat(listener.tlsFailures).isEmpty();
            assertThat(listener.connected).hasValue(1);
        }
    }

    /**
     * With TLS 1.3 the server checks our certificate (here: its name is not a permitted peer) after our side of the
     * handshake completed, and answers with an alert. That is a TLS failure, reported as one, and no session. Before,
     * the messages written at once were counted delivered (into the void) and the alert was a plain disconnect, again
     * every few hundred milliseconds.
     */
    @Test
    void aServerThatRefusesOurCertificateAfterTheHandshakeIsATlsFailure() {
        try (PlainReceivers.Tcp receiver = receiver("someone-else.example.com")) {
            Messages.offerRange(start(receiver), 0, 10);
            await().atMost(WAIT).until(() -> listener.tlsFailures.size() >= 2); // refused again on the retry
            assertThat(listener.tlsFailures.get(0)).containsIgnoringCase("alert"); // in the TLS provider's words
            assertThat(listener.disconnects).isNotEmpty()
                    .allMatch(r -> r.startsWith("TLS handshake with tls://localhost:" + receiver.port() + " failed: "));
            assertThat(listener.connected).hasValue(0);
            assertThat(listener.delivered).hasValue(0);
            assertThat(receiver.octetCounted()).isEmpty();
            assertThat(transport.pending()).isEqualTo(10);
        }
    }
}
