package dev.sluice.it.rsyslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.relp.server.ParsedSyslog;
import dev.sluice.relp.server.SyslogParser;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Proves the imptcp (d) and imtcp TLS (e) snippets of {@link RsyslogConfigs} with a Java client. */
@RequiresRsyslog
class RsyslogTcpInputTest {

    @TempDir
    static Path pki;
    static OpensslCertificates certs;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeCertificates() {
        certs = OpensslCertificates.create(pki);
    }

    @Test
    void imptcpAcceptsLfAndOctetCountedFramesOnTheSamePort() throws IOException {
        int port = FreePorts.freePort();
        Path out = dir.resolve("out.log");
        try (Rsyslogd rsyslogd = Rsyslogd.create(dir, RsyslogConfigs.templates() + RsyslogConfigs.imptcp(port, "in")
                + RsyslogConfigs.fileRuleset("in", out, RsyslogConfigs.RAW_TEMPLATE)).start()) {
            rsyslogd.awaitListening(port);

            RsyslogFeeder.sendLf(port, 2, i -> "<13>1 - h lf - - - line " + i);
            RsyslogFeeder.sendOctetCounted(port, 2, i -> "<13>1 - h oc - - - frame " + i + " grüße");

            await().atMost(Rsyslogd.DEFAULT_TIMEOUT).until(() -> Rsyslogd.lines(out).size() == 4);
            assertThat(Rsyslogd.lines(out)).containsExactlyInAnyOrder(
                    "<13>1 - h lf - - - line 0", "<13>1 - h lf - - - line 1",
                    "<13>1 - h oc - - - frame 0 grüße", "<13>1 - h oc - - - frame 1 grüße");
        }
    }

    @Test
    void twentyThousandNumberedMessagesThroughImptcpAllArrive() throws IOException {
        int port = FreePorts.freePort();
        Path out = dir.resolve("out.log");
        try (Rsyslogd rsyslogd = Rsyslogd.create(dir, RsyslogConfigs.templates() + RsyslogConfigs.imptcp(port, "in")
                + RsyslogConfigs.fileRuleset("in", out, RsyslogConfigs.MSG_TEMPLATE)).start()) {
            rsyslogd.awaitListening(port);

            RsyslogFeeder.sendLf(port, 20_000, RsyslogFeeder::numbered);

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Rsyslogd.lines(out).size() == 20_000);
            assertThat(Rsyslogd.lines(out).stream().distinct().count()).isEqualTo(20_000);
        }
    }

    @ParameterizedTest(name = "streamDriver.name={0}")
    @ValueSource(strings = {"ossl", "gtls"})
    void imtcpOverTlsWithMutualX509NameAcceptsAJavaClient(String driver) throws IOException {
        int port = FreePorts.freePort();
        Path out = dir.resolve("out.log");
        try (Rsyslogd rsyslogd = Rsyslogd.create(dir, RsyslogConfigs.templates()
                + RsyslogConfigs.imtcpTls(port, "in", driver, certs.serverTls())
                + RsyslogConfigs.fileRuleset("in", out, RsyslogConfigs.RAW_TEMPLATE)).start()) {
            rsyslogd.awaitListening(port);

            RsyslogFeeder.sendTls(certs.clientContext(), OpensslCertificates.SERVER_NAME, port, 100,
                    i -> "<14>1 2026-01-01T00:00:00Z h tlsapp 1 m [meta sequenceId=\"" + i + "\"] tls " + i);

            await().atMost(Rsyslogd.DEFAULT_TIMEOUT).until(() -> Rsyslogd.lines(out).size() == 100);
            ParsedSyslog last = SyslogParser.parse(Rsyslogd.lines(out).get(99));
            assertThat(last.sdParam("meta", "sequenceId")).contains("99");
            assertThat(last.message()).isEqualTo("tls 99");
            assertThat(rsyslogd.diagnostics()).doesNotContain("error");
        }
    }
}
