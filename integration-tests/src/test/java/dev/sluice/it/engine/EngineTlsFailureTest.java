package dev.sluice.it.engine;

import static dev.sluice.it.engine.NumberedEvents.distinctNumbers;
import static dev.sluice.it.engine.NumberedEvents.event;
import static dev.sluice.it.engine.NumberedEvents.quickTransport;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.relp.server.RelpServer;
import dev.sluice.relp.server.TestCertificates;
import dev.sluice.relp.server.TestCertificates.Authority;
import dev.sluice.relp.server.TestCertificates.PemFiles;
import dev.sluice.transport.delivery.DeliveryEngine;
import dev.sluice.transport.delivery.EngineSettings;
import dev.sluice.transport.health.AppenderListener;
import dev.sluice.transport.health.DeliveryState;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.tls.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Every TLS failure is counted" at the engine, not only at the transport: a {@code relp+tls://} target whose
 * certificate the client does not trust raises {@code tlsFailures} once per refused handshake, makes health say
 * FAILING, and is reported through the status channel with the reason; no event reaches the refused server. Once
 * a server the client trusts takes the same port, the events kept meanwhile are delivered and health recovers.
 */
class EngineTlsFailureTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int EVENTS = 100;

    @TempDir
    Path dir;

    private final RecordingDiagnostics diagnostics = new RecordingDiagnostics();
    /** What the engine told its listener: {@code "<target>: <reason>"}. */
    private final List<String> tlsFailures = new CopyOnWriteArrayList<>();
    private DeliveryEngine engine;
    private RelpServer untrusted;
    private RelpServer trusted;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
        for (RelpServer server : new RelpServer[] {untrusted, trusted}) {
            if (server != null) {
                server.close();
            }
        }
    }

    private static TlsSettings serverTls(PemFiles serverFiles, Path clientCa) {
        return TlsSettings.builder().certFile(serverFiles.certFile()).keyFile(serverFiles.keyFile()).caFile(clientCa)
                .permittedPeers("app.example.com").build();
    }

    @Test
    void anUntrustedServerIsCountedReportedAndFailingUntilATrustedOneTakesThePortAndGetsTheEvents() {
        Authority ca = TestCertificates.newAuthority("Sluice Test CA");
        Authority rogueCa = TestCertificates.newAuthority("Rogue CA");
        PemFiles client = ca.issue("app.example.com").sans("app.example.com").build().writePem(dir.resolve("client"));
        // the right name, from a CA the client does not trust: only the chain is wrong
        PemFiles rogue = rogueCa.issue("localhost").sans("localhost").build().writePem(dir.resolve("rogue"));
        PemFiles good = ca.issue("localhost").sans("localhost").build().writePem(dir.resolve("good"));

        untrusted = RelpServer.builder().tls(serverTls(rogue, client.caFile())).build().start();
        int port = untrusted.port();
        String target = "relp+tls://localhost:" + port;
        TlsSettings clientTls = TlsSettings.builder().caFile(client.caFile()).certFile(client.certFile())
                .keyFile(client.keyFile()).build(); // x509/name, no permittedPeers
        engine = DeliveryEngine.start(EngineSettings.builder("tls-failure")
                .targets(List.of(Target.parse(target)))
                .transport(quickTransport().toBuilder().tls(clientTls).build())
                .shutdownTimeout(Duration.ofSeconds(2)).diagnostics(diagnostics)
                .listener(new AppenderListener() {
                    @Override
                    public void tlsFailure(String failedTarget, String reason) {
                        tlsFailures.add(failedTarget + ": " + reason);
                    }
                }).build());
        for (long i = 0; i < EVENTS; i++) {
            assertThat(engine.append(event(i))).isTrue();
        }

        // Refused again on every retry, and each refusal counted: the counter keeps up with the handshakes the
        // server saw fail (it stops accepting first, so that both sides have seen the same ones).
        await().atMost(WAIT).until(() -> untrusted.tlsFailures().size() >= 3);
        assertThat(engine.health().state()).isEqualTo(DeliveryState.FAILING);
        untrusted.close();
        int refusedByServer = untrusted.tlsFailures().size();
        await().atMost(WAIT).until(() -> engine.health().counters().tlsFailures() >= refusedByServer);
        assertThat(tlsFailures).hasSizeGreaterThanOrEqualTo(refusedByServer)
                .allMatch(f -> f.startsWith(target + ": peer certificate not trusted: subject CN=localhost, issuer"
                        + " CN=Rogue CA has no valid path to a trusted CA [CN=Sluice Test CA]"));
        assertThat(diagnostics.messages).filteredOn(m -> m.contains("TLS with " + target)).isNotEmpty()
                .allMatch(m -> m.startsWith("ERROR RemoteSyslog[tls-failure]: TLS with " + target + " failed: peer"
                        + " certificate not trusted: subject CN=localhost, issuer CN=Rogue CA"));
        assertThat(untrusted.messageCount()).isZero();
        assertThat(engine.health().counters().delivered()).isZero();
        // still FAILING while the port is closed: a refused connection is not a successful session
        assertThat(engine.health().state()).isEqualTo(DeliveryState.FAILING);

        // A server the client trusts on the same port: what was kept is delivered, and health recovers.
        trusted = RelpServer.builder().port(port).tls(serverTls(good, client.caFile())).build().start();
        trusted.awaitMessages(EVENTS, WAIT);
        assertThat(distinctNumbers(trusted.messages())).containsExactlyElementsOf(
                LongStream.range(0, EVENTS).boxed().toList());
        await().atMost(WAIT).until(() -> engine.health().counters().acknowledged() == EVENTS);
        assertThat(engine.health().state()).isEqualTo(DeliveryState.DELIVERING);
        assertThat(trusted.tlsFailures()).isEmpty();

        // Delivering does not count failures: the counter stands while more events go through.
        long failuresBefore = engine.health().counters().tlsFailures();
        for (long i = EVENTS; i < 2 * EVENTS; i++) {
            assertThat(engine.append(event(i))).isTrue();
        }
        await().atMost(WAIT).until(() -> engine.health().counters().acknowledged() == 2 * EVENTS);
        assertThat(engine.health().counters().tlsFailures()).isEqualTo(failuresBefore);
        assertThat(engine.health().state()).isEqualTo(DeliveryState.DELIVERING);
    }
}
