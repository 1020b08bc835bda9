package dev.sluice.it.rsyslog;

import dev.sluice.transport.net.DeliveryListener;
import dev.sluice.transport.net.Outbound;
import dev.sluice.transport.net.SyslogTransport;
import dev.sluice.transport.net.SyslogTransports;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.net.TransportSettings;
import dev.sluice.transport.syslog.Facility;
import dev.sluice.transport.syslog.Framing;
import dev.sluice.transport.syslog.SdElement;
import dev.sluice.transport.syslog.Severity;
import dev.sluice.transport.syslog.SyslogEncoder;
import dev.sluice.transport.syslog.SyslogFormat;
import dev.sluice.transport.syslog.SyslogMessage;
import dev.sluice.transport.tls.AuthMode;
import dev.sluice.transport.tls.TlsSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Our formatter and each of our transports against a real rsyslog input: {@code imudp}, {@code imptcp} with
 * octet counting and with LF, {@code imtcp} over TLS {@code x509/name} with a client certificate, and
 * {@code imrelp} plain and TLS. 10,000 messages each arrive with the PRI, TIMESTAMP, HOSTNAME, APP-NAME, PROCID,
 * MSGID and structured data we sent, as rsyslog's own template prints them. And a message that tries to forge a
 * second one arrives as exactly one, with either framing.
 */
@RequiresRsyslog
class TransportsToRsyslogInteropTest {

    private static final int MESSAGES = 10_000;
    private static final Duration LONG = Duration.ofSeconds(90);
    private static final Instant BASE = Instant.parse("2026-11-27T09:00:00Z");
    private static final ZoneOffset OFFSET = ZoneOffset.ofHours(1);
    /** One line per message, LF in MSG escaped by rsyslog's JSON escaping so lines count messages. */
    private static final String JSON_MSG_TEMPLATE = "template(name=\"jsonMsg\" type=\"string\" "
            + "string=\"%msg:::json%\\n\")\n";

    @TempDir
    static Path pki;
    static OpensslCertificates certs;

    @TempDir
    Path dir;

    private SyslogTransport transport;
    private Rsyslogd rsyslogd;

    enum Input { UDP, TCP_OCTET_COUNTING, TCP_LF, TLS, RELP, RELP_TLS }

    @BeforeAll
    static void makeCertificates() {
        certs = OpensslCertificates.create(pki);
    }

    @AfterEach
    void tearDown() {
        if (transport != null) {
            transport.close(Duration.ofSeconds(2));
        }
        if (rsyslogd != null) {
            rsyslogd.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Input.class)
    void tenThousandMessagesArriveWithEveryHeaderField(Input input) throws Exception {
        int port = FreePorts.freePort();
        Path out = dir.resolve("fields.log");
        String inputConfig = switch (input) {
            case UDP -> RsyslogConfigs.imudp(port, "in");
            case TCP_OCTET_COUNTING, TCP_LF -> RsyslogConfigs.imptcp(port, "in");
            case TLS -> RsyslogConfigs.imtcpTls(port, "in", "ossl", certs.serverTls());
            case RELP -> RsyslogConfigs.imrelpModule("openssl") + RsyslogConfigs.imrelpInput(port, "in", null);
            case RELP_TLS -> RsyslogConfigs.imrelpModule("openssl")
                    + RsyslogConfigs.imrelpInput(port, "in", certs.serverTls());
        };
        startRsyslog(inputConfig + RsyslogConfigs.fileRuleset("in", out, RsyslogConfigs.FIELDS_TEMPLATE), port);
        Framing framing = input == Input.TCP_LF ? Framing.LF : Framing.OCTET_COUNTING;
        String target = switch (input) {
            case UDP -> "udp://127.0.0.1:" + port;
            case TCP_OCTET_COUNTING, TCP_LF -> "tcp://127.0.0.1:" + port;
            case TLS -> "tls://localhost:" + port;
            case RELP -> "relp://127.0.0.1:" + port;
            case RELP_TLS -> "relp+tls://localhost:" + port;
        };
        startTransport(target, framing);
        SyslogEncoder encoder = SyslogEncoder.builder().format(SyslogFormat.RFC5424)
                .framing(framing == Framing.LF ? Framing.LF : null).bom(false).build();

        for (int i = 0; i < MESSAGES; i++) {
            offer(new Outbound(i, encoder.encode(message(i)).payload()));
            if (input == Input.UDP && i % 250 == 249) {
                // UDP has no flow control: pace it so the loopback socket buffer is not the test's subject.
                int sent = i + 1;
                await().alias("UDP datagrams 0.." + i + " arrived").atMost(LONG)
                        .until(() -> Rsyslogd.lines(out).size() >= sent);
            }
        }
        await().atMost(LONG).pollInterval(Duration.ofMillis(200)).until(() -> Rsyslogd.lines(out).size() >= MESSAGES);

        List<String> lines = Rsyslogd.lines(out);
        assertThat(lines).hasSize(MESSAGES);
        Set<Integer> seen = new HashSet<>();
        for (String line : lines) {
            // %pri%|%syslogfacility%|%syslogseverity%|%timereported:::date-rfc3339%|%hostname%|%app-name%|
            // %procid%|%msgid%|%structured-data%|%msg%
            String[] f = line.split("\\|", 10);
            int i = Integer.parseInt(f[9].substring(f[9].lastIndexOf(' ') + 1));
            assertThat(seen.add(i)).as("message %d once", i).isTrue();
            assertThat(f[0]).as(line).isEqualTo(Integer.toString(Facility.LOCAL3.code() * 8 + Severity.WARNING.code()));
            assertThat(f[1]).as(line).isEqualTo("19");
            assertThat(f[2]).as(line).isEqualTo("4");
            assertThat(OffsetDateTime.parse(f[3]).toInstant()).as(line).isEqualTo(timestamp(i));
            assertThat(f[3]).as(line).endsWith("+01:00");
            assertThat(f[4]).as(line).isEqualTo("sluice-host");
            assertThat(f[5]).as(line).isEqualTo("billing");
            assertThat(f[6]).as(line).isEqualTo(Integer.toString(4000 + i % 7));
            assertThat(f[7]).as(line).isEqualTo("ORDER" + i % 3);
            assertThat(f[8]).as(line).isEqualTo("[meta sequenceId=\"" + i + "\"][mdc@32473 user=\"u\\\"" + i
                    + "\\\\x\\]\"]");
            assertThat(f[9]).as(line).isEqualTo("grüße aus Sluice " + i);
        }
        assertThat(seen).hasSize(MESSAGES);
    }

    @ParameterizedTest
    @EnumSource(value = Framing.class)
    void aMessageThatTriesToForgeASecondOneArrivesAsExactlyOne(Framing framing) throws Exception {
        int port = FreePorts.freePort();
        Path out = dir.resolve("msgs.log");
        startRsyslog(JSON_MSG_TEMPLATE + RsyslogConfigs.imptcp(port, "in")
                + RsyslogConfigs.fileRuleset("in", out, "jsonMsg"), port);
        startTransport("tcp://127.0.0.1:" + port, framing);
        SyslogEncoder encoder = SyslogEncoder.builder().format(SyslogFormat.RFC5424)
                .framing(framing == Framing.LF ? Framing.LF : null).bom(false).build();
        String evil = "before\n<13>1 2026-01-01T00:00:00Z forged - - - - fake";
        offer(new Outbound(1, encoder.encode(SyslogMessage.builder().timestamp(BASE).hostname("h").appName("a")
                .message(evil).build()).payload()));
        offer(new Outbound(2, encoder.encode(SyslogMessage.builder().timestamp(BASE).hostname("h").appName("a")
                .message("after").build()).payload()));

        await().atMost(LONG).until(() -> Rsyslogd.lines(out).size() >= 2);
        List<String> lines = Rsyslogd.lines(out);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("before").contains("forged").contains("fake");
        assertThat(lines.get(1)).isEqualTo("after");
    }

    private static SyslogMessage message(int i) {
        return SyslogMessage.builder()
                .timestamp(timestamp(i), OFFSET)
                .facility(Facility.LOCAL3)
                .severity(Severity.WARNING)
                .hostname("sluice-host")
                .appName("billing")
                .procId(Integer.toString(4000 + i % 7))
                .msgId("ORDER" + i % 3)
                .addSdElement(SdElement.of("meta", "sequenceId", Integer.toString(i)))
                .addSdElement(SdElement.of("mdc@32473", "user", "u\"" + i + "\\x]"))
                .message("grüße aus Sluice " + i)
                .build();
    }

    private static Instant timestamp(int i) {
        return BASE.plusNanos(i * 1_001_000L); // distinct microseconds
    }

    private void startRsyslog(String config, int port) throws IOException {
        rsyslogd = Rsyslogd.create(Files.createDirectories(dir.resolve("rsyslog")), RsyslogConfigs.templates() + config)
                .start();
        rsyslogd.awaitListening(port);
    }

    private void startTransport(String target, Framing framing) {
        TransportSettings.Builder settings = TransportSettings.builder().framing(framing).maxPending(2 * MESSAGES)
                .windowSize(1024);
        if (target.startsWith("tls") || target.startsWith("relp+tls")) {
            settings.tls(TlsSettings.builder().caFile(certs.ca()).certFile(certs.clientCert())
                    .keyFile(certs.clientKey()).authMode(AuthMode.X509_NAME).build());
        }
        transport = SyslogTransports.create(Target.parse(target), settings.build(), new DeliveryListener() { });
    }

    private final AtomicLong offered = new AtomicLong();

    private void offer(Outbound message) {
        if (!transport.offer(message)) {
            await().atMost(LONG).until(() -> transport.offer(message));
        }
        offered.incrementAndGet();
    }
}
