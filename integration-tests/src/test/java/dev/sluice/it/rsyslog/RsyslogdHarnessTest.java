package dev.sluice.it.rsyslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresRsyslog
class RsyslogdHarnessTest {

    @TempDir
    Path dir;

    private static void sendUdp(int port, String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
        }
    }

    private static String udpToFileConfig(int port, Path out) {
        return RsyslogConfigs.templates()
                + RsyslogConfigs.imudp(port, "in")
                + RsyslogConfigs.fileRuleset("in", out, RsyslogConfigs.FIELDS_TEMPLATE);
    }

    @Test
    void receivesUdpSyslogAndWritesItsParsedFields() throws IOException {
        int port = FreePorts.freePort();
        Path out = dir.resolve("out.log");
        try (Rsyslogd rsyslogd = Rsyslogd.create(dir, udpToFileConfig(port, out)).start()) {
            rsyslogd.awaitListening(port);

            sendUdp(port, "<165>1 2003-10-11T22:14:15.003Z host1 app1 77 ID47 [x@1 k=\"v\"] grüße");

            await().atMost(Rsyslogd.DEFAULT_TIMEOUT).until(() -> !Rsyslogd.lines(out).isEmpty());
            assertThat(Rsyslogd.lines(out)).containsExactly(
                    "165|20|5|2003-10-11T22:14:15.003Z|host1|app1|77|ID47|[x@1 k=\"v\"]|grüße");
            assertThat(Rsyslogd.read(rsyslogd.file("rsyslogd-internal.log"))).contains("] start");
        }
    }

    @Test
    void worksAgainOnTheSamePortAfterKill9AndRestart() throws IOException {
        int port = FreePorts.freePort();
        Path out = dir.resolve("out.log");
        try (Rsyslogd rsyslogd = Rsyslogd.create(dir, udpToFileConfig(port, out)).start()) {
            rsyslogd.awaitListening(port);
            long firstPid = rsyslogd.pid();
            sendUdp(port, "<13>1 - h app - - - before");
            await().atMost(Rsyslogd.DEFAULT_TIMEOUT).until(() -> Rsyslogd.lines(out).size() == 1);

            rsyslogd.kill9();
            assertThat(rsyslogd.isRunning()).isFalse();
            rsyslogd.restart().awaitListening(port);

            assertThat(rsyslogd.pid()).isNotEqualTo(firstPid);
            // UDP has no handshake: the first datagram may race the input's start, so resend until it arrives.
            await().atMost(Rsyslogd.DEFAULT_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
                sendUdp(port, "<13>1 - h app - - - after");
                return Rsyslogd.lines(out).stream().anyMatch(l -> l.endsWith("|after"));
            });
            assertThat(Rsyslogd.lines(out).get(0)).endsWith("|before");
        }
    }

    @Test
    void stopEndsTheProcessAndCloseIsIdempotent() {
        int port = FreePorts.freePort();
        Rsyslogd rsyslogd = Rsyslogd.create(dir, udpToFileConfig(port, dir.resolve("out.log"))).start();
        rsyslogd.stop();
        assertThat(rsyslogd.isRunning()).isFalse();
        assertThat(Rsyslogd.read(rsyslogd.file("rsyslogd-internal.log"))).contains("exiting on signal 15");
        rsyslogd.close();
        rsyslogd.close();
    }

    @Test
    void refusesAnInvalidConfigWithRsyslogsOwnMessage() {
        Rsyslogd rsyslogd = Rsyslogd.create(dir, "module(load=\"imudp\")\ninput(type=\"imudp\" prot=\"1\")\n");

        assertThatThrownBy(rsyslogd::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("invalid rsyslog config")
                .hasMessageContaining("parameter 'prot' not known");
        assertThat(rsyslogd.isRunning()).isFalse();
    }
}
