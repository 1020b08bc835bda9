package dev.sluice.it.rlp01;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.teragrep.rlp_01.RelpBatch;
import com.teragrep.rlp_01.RelpConnection;

import dev.sluice.relp.server.ReceivedMessage;
import dev.sluice.relp.server.RelpServer;
import dev.sluice.relp.server.SyslogFormat;
import dev.sluice.relp.server.TestCertificates;
import dev.sluice.transport.tls.AuthMode;
import dev.sluice.transport.tls.TlsSettings;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Teragrep rlp_01 4.1.0, a third-party Java RELP client, sends to our RELP test server with its batch API, plain
 * and over TLS ({@code x509/name} on the server's side). rlp_01 writes its {@code open} offers in the
 * specification's form, each after an LF ({@code "\nrelp_version=0\nrelp_software=RLP-01\ncommands=syslog\n"}),
 * which the server must accept as librelp does; then every message must arrive once and every frame be
 * acknowledged with {@code 200 OK}.
 */
class Rlp01ToTestServerInteropTest {

    private static final int MESSAGES = 10_000;
    private static final int BATCH = 1_024;
    private static final Duration LONG = Duration.ofSeconds(60);
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final String CLIENT_NAME = "rlp01-client";

    @TempDir
    static Path pki;
    static TestCertificates.PemFiles serverPem;
    static SSLContext clientContext;

    private RelpServer server;
    private RelpConnection relp;

    @BeforeAll
    static void makeCertificates() throws Exception {
        TestCertificates.Authority ca = TestCertificates.newAuthority("rlp01 interop CA");
        serverPem = ca.issue("localhost").sans("localhost", "127.0.0.1").build().writePem(pki, "server");
        Path clientStore = ca.issue(CLIENT_NAME).sans(CLIENT_NAME).build()
                .writePkcs12(pki.resolve("client.p12"), PASSWORD);
        Path trustStore = ca.writeTrustStore(pki.resolve("trust.p12"), "PKCS12", PASSWORD);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(KeyStore.getInstance(clientStore.toFile(), PASSWORD), PASSWORD);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(KeyStore.getInstance(trustStore.toFile(), PASSWORD));
        clientContext = SSLContext.getInstance("TLS");
        clientContext.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    }

    @AfterEach
    void tearDown() {
        if (relp != null) {
            relp.tearDown();
        }
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void receivesAndAcknowledgesEveryMessageRlp01SendsInBatches(boolean tls) throws Exception {
        RelpServer.Builder builder = RelpServer.builder();
        if (tls) {
            builder.tls(TlsSettings.builder().caFile(serverPem.caFile()).certFile(serverPem.certFile())
                    .keyFile(serverPem.keyFile()).authMode(AuthMode.X509_NAME)
                    .permittedPeers(List.of(CLIENT_NAME)).build());
        }
        server = builder.build().start();
        relp = tls ? new RelpConnection(this::clientEngine) : new RelpConnection();
        relp.setConnectionTimeout(10_000);
        relp.setReadTimeout(30_000);
        relp.setWriteTimeout(30_000);

        assertThat(relp.connect("127.0.0.1", server.port())).as("rlp_01 open accepted").isTrue();
        for (int from = 0; from < MESSAGES; from += BATCH) {
            RelpBatch batch = new RelpBatch();
            List<Long> ids = new ArrayList<>();
            for (int i = from; i < Math.min(from + BATCH, MESSAGES); i++) {
                ids.add(batch.insert(message(i)));
            }
            relp.commit(batch);
            assertThat(batch.verifyTransactionAll()).as("batch from %d acknowledged", from).isTrue();
            assertThat(ids).allSatisfy(id -> assertThat(batch.getResponse(id).getResponseCode()).isEqualTo(200));
        }
        assertThat(relp.disconnect()).as("rlp_01 close answered").isTrue();

        List<ReceivedMessage> received = server.awaitMessages(MESSAGES, LONG);
        await().atMost(LONG).until(() -> server.activeSessions() == 0);
        assertThat(sequenceNumbers(received)).hasSize(MESSAGES).first().isEqualTo(0);
        assertThat(sequenceNumbers(received)).last().isEqualTo(MESSAGES - 1);
        assertThat(server.messageCount()).isEqualTo(MESSAGES);
        assertThat(server.duplicateCount()).isZero();
        ReceivedMessage first = received.get(0);
        assertThat(first.format()).isEqualTo(SyslogFormat.RFC5424);
        assertThat(first.appName()).isEqualTo("rlp01");
        assertThat(first.sdParam("meta", "sequenceId")).contains("0");
        if (tls) {
            assertThat(first.peerSubject()).contains("CN=" + CLIENT_NAME);
        }
        assertThat(server.sessionsOpened()).isEqualTo(1);
        assertThat(server.protocolErrors()).isEmpty();
        assertThat(server.tlsFailures()).isEmpty();
    }

    private SSLEngine clientEngine() {
        SSLEngine engine = clientContext.createSSLEngine("localhost", server.port());
        engine.setUseClientMode(true);
        return engine;
    }

    private static byte[] message(int i) {
        return ("<14>1 2026-11-27T09:00:00.000Z host1 rlp01 - - [meta sequenceId=\"" + i + "\"] event " + i)
                .getBytes(StandardCharsets.UTF_8);
    }

    private static Set<Integer> sequenceNumbers(List<ReceivedMessage> messages) {
        Set<Integer> seen = new TreeSet<>();
        for (ReceivedMessage m : messages) {
            seen.add(Integer.parseInt(m.sdParam("meta", "sequenceId").orElseThrow()));
        }
        return seen;
    }
}
