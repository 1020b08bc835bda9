package dev.sluice.it.rsyslog;

import static dev.sluice.it.rsyslog.RsyslogConfigs.RAW_TEMPLATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.relp.server.ParsedSyslog;
import dev.sluice.relp.server.SyslogFormat;
import dev.sluice.relp.server.SyslogParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proves the omrelp (a, b) and imrelp (c) snippets of {@link RsyslogConfigs} rsyslog to rsyslog:
 * Java socket → imptcp → omrelp → imrelp → file, read back with {@link SyslogParser}.
 */
@RequiresRsyslog
class RsyslogRelpInteropTest {

    private static final int MANY = 20_000;
    private static final Duration LONG = Duration.ofSeconds(60);

    @TempDir
    static Path pki;
    static OpensslCertificates certs;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeCertificates() {
        certs = OpensslCertificates.create(pki);
    }

    private Rsyslogd receiver(int relpPort, RsyslogConfigs.Tls tls, String tlsLib, Path out) throws IOException {
        return Rsyslogd.create(Files.createDirectories(dir.resolve("receiver")),
                RsyslogConfigs.DIRECT_MAIN_QUEUE // the kill test counts on what was acknowledged being written
                + RsyslogConfigs.templates()
                + RsyslogConfigs.imrelpModule(tlsLib)
                + RsyslogConfigs.imrelpInput(relpPort, "store", tls)
                + RsyslogConfigs.fileRuleset("store", out, RAW_TEMPLATE));
    }

    private Rsyslogd sender(int tcpPort, int relpPort, RsyslogConfigs.Tls tls, String tlsLib) throws IOException {
        return Rsyslogd.create(Files.createDirectories(dir.resolve("sender")),
                RsyslogConfigs.imptcp(tcpPort, "fwd")
                + RsyslogConfigs.omrelpModule(tlsLib)
                + RsyslogConfigs.ruleset("fwd", RsyslogConfigs.omrelpAction(relpPort, tls, 100_000)));
    }

    /** The sequence numbers found in the receiver's file; every line must parse as omrelp's format. */
    private static List<Integer> sequenceNumbers(Path out) {
        return Rsyslogd.lines(out).stream().map(SyslogParser::parse).map(p -> {
            assertThat(p.format()).as("format of %s", p).isEqualTo(SyslogFormat.RFC3164);
            assertThat(p.message()).startsWith("seq=");
            return Integer.parseInt(p.message().substring(4));
        }).toList();
    }

    private static Set<Integer> distinct(Path out) {
        return new TreeSet<>(sequenceNumbers(out));
    }

    @Test
    void omrelpSendsForwardFormatWithoutTrailingLf() throws IOException {
        int relpPort = FreePorts.freePort();
        int tcpPort = FreePorts.freePort();
        Path out = dir.resolve("received.log");
        try (Rsyslogd rx = receiver(relpPort, null, null, out).start();
                Rsyslogd tx = sender(tcpPort, relpPort, null, null).start()) {
            rx.awaitListening(relpPort);
            tx.awaitListening(tcpPort);

            RsyslogFeeder.sendLf(tcpPort, 1, RsyslogFeeder::numbered);

            await().atMost(Rsyslogd.DEFAULT_TIMEOUT).until(() -> Rsyslogd.lines(out).size() == 1);
            String raw = Rsyslogd.lines(out).get(0);
            ParsedSyslog p = SyslogParser.parse(raw);
            // <13>2026-01-01T00:00:00+00:00 feedhost feeder seq=0 : RSYSLOG_ForwardFormat; the 5424 tag had no pid,
            // so there is neither [pid] nor colon, and MSGID and SD are lost on the way.
            assertThat(raw).startsWith("<13>2026-01-01T00:00:00").endsWith(" feedhost feeder seq=0");
            assertThat(p.hostname()).isEqualTo("feedhost");
            assertThat(p.appName()).isEqualTo("feeder");
            assertThat(p.timestampValue()).isEqualTo(OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
            assertThat(p.message()).isEqualTo("seq=0");
        }
    }

    @Test
    void omrelpBuffersWhileTheReceiverIsDownAndDeliversAllOfThemWhenItComesUp() throws IOException {
        int relpPort = FreePorts.freePort();
        int tcpPort = FreePorts.freePort();
        Path out = dir.resolve("received.log");
        try (Rsyslogd tx = sender(tcpPort, relpPort, null, null).start();
                Rsyslogd rx = receiver(relpPort, null, null, out)) {
            tx.awaitListening(tcpPort);
            RsyslogFeeder.sendLf(tcpPort, MANY, RsyslogFeeder::numbered);
            tx.awaitLogged("action 'action-"); // "... suspended (module 'omrelp')": nobody listens yet

            rx.start().awaitListening(relpPort);

            await().atMost(LONG).pollInterval(Duration.ofMillis(200)).until(() -> distinct(out).size() == MANY);
            assertThat(distinct(out)).first().isEqualTo(0);
            assertThat(distinct(out)).last().isEqualTo(MANY - 1);
        }
    }

    @Test
    void omrelpResendsWhatWasUnacknowledgedWhenTheReceiverIsKilledMidStream() throws IOException {
        int relpPort = FreePorts.freePort();
        int tcpPort = FreePorts.freePort();
        Path out = dir.resolve("received.log");
        try (Rsyslogd rx = receiver(relpPort, null, null, out).start();
                Rsyslogd tx = sender(tcpPort, relpPort, null, null).start()) {
            rx.awaitListening(relpPort);
            tx.awaitListening(tcpPort);

            RsyslogFeeder.sendLf(tcpPort, MANY, RsyslogFeeder::numbered);
            await().atMost(LONG).pollInterval(Duration.ofMillis(5)).until(() -> Rsyslogd.lines(out).size() > 0);
            rx.kill9();
            int beforeKill = Rsyslogd.lines(out).size();
            rx.restart().awaitListening(relpPort);

            await().atMost(LONG).pollInterval(Duration.ofMillis(200)).until(() -> distinct(out).size() == MANY);
            List<Integer> all = sequenceNumbers(out);
            // Duplicates are allowed around the kill (acks lost with the receiver), losses are not.
            assertThat(all.size()).as("lines (received before kill: %d)", beforeKill).isGreaterThanOrEqualTo(MANY);
        }
    }

    @ParameterizedTest(name = "tls.tlslib={0}")
    @ValueSource(strings = {"openssl", "gnutls"})
    void omrelpOverTlsWithMutualX509NameReachesImrelp(String tlsLib) throws IOException {
        int relpPort = FreePorts.freePort();
        int tcpPort = FreePorts.freePort();
        Path out = dir.resolve("received.log");
        try (Rsyslogd rx = receiver(relpPort, certs.serverTls(), tlsLib, out).start();
                Rsyslogd tx = sender(tcpPort, relpPort, certs.clientTls(), tlsLib).start()) {
            rx.awaitListening(relpPort);
            tx.awaitListening(tcpPort);

            RsyslogFeeder.sendLf(tcpPort, 1_000, RsyslogFeeder::numbered);

            await().atMost(LONG).pollInterval(Duration.ofMillis(100)).until(() -> distinct(out).size() == 1_000);
            assertThat(rx.diagnostics()).doesNotContain("error");
            assertThat(tx.diagnostics()).doesNotContain("error");
        }
    }

    @Test
    void imrelpOverTlsRefusesAClientWithoutCertificate() throws IOException {
        int relpPort = FreePorts.freePort();
        int tcpPort = FreePorts.freePort();
        Path out = dir.resolve("received.log");
        RsyslogConfigs.Tls noClientCert = new RsyslogConfigs.Tls(certs.ca(), null, null, OpensslCertificates.SERVER_NAME);
        try (Rsyslogd rx = receiver(relpPort, certs.serverTls(), "openssl", out).start();
                Rsyslogd tx = sender(tcpPort, relpPort, noClientCert, "openssl").start()) {
            rx.awaitListening(relpPort);
            tx.awaitListening(tcpPort);

            RsyslogFeeder.sendLf(tcpPort, 1, RsyslogFeeder::numbered);

            rx.awaitLogged("peer did not return a certificate");
            tx.awaitLogged("certificate required");
            assertThat(Rsyslogd.lines(out)).isEmpty();
        }
    }

    @Test
    void omrelpRefusesAServerWhoseNameIsNotPermitted() throws IOException {
        int relpPort = FreePorts.freePort();
        int tcpPort = FreePorts.freePort();
        Path out = dir.resolve("received.log");
        RsyslogConfigs.Tls wrongPeer = new RsyslogConfigs.Tls(certs.ca(), certs.clientCert(), certs.clientKey(),
                "logs.example.com");
        try (Rsyslogd rx = receiver(relpPort, certs.serverTls(), "openssl", out).start();
                Rsyslogd tx = sender(tcpPort, relpPort, wrongPeer, "openssl").start()) {
            rx.awaitListening(relpPort);
            tx.awaitListening(tcpPort);

            RsyslogFeeder.sendLf(tcpPort, 1, RsyslogFeeder::numbered);

            tx.awaitLogged("suspended (module 'omrelp')");
            assertThat(Rsyslogd.lines(out)).isEmpty();
        }
    }
}
