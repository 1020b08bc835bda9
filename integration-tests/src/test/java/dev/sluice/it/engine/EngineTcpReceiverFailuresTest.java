package dev.sluice.it.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.it.transport.PlainReceivers;
import dev.sluice.relp.server.TestCertificates;
import dev.sluice.relp.server.TestCertificates.Authority;
import dev.sluice.relp.server.TestCertificates.PemFiles;
import dev.sluice.transport.delivery.DeliveryEngine;
import dev.sluice.transport.delivery.EngineSettings;
import dev.sluice.transport.health.DeliveryState;
import dev.sluice.transport.net.Backoff;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.net.TransportSettings;
import dev.sluice.transport.syslog.Severity;
import dev.sluice.transport.syslog.SyslogMessage;
import dev.sluice.transport.tls.TlsSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine over plain TCP and TLS against receivers that fail without saying so: one that stops reading, one that
 * drops each connection it accepts, one that refuses our certificate after the handshake. Nothing is acknowledged on
 * {@code tcp://} and {@code tls://}, so the transport has to find these out itself, and the engine to move on.
 */
class EngineTcpReceiverFailuresTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern EVENT = Pattern.compile("event (\\d+)$");

    private final RecordingDiagnostics diagnostics = new RecordingDiagnostics();
    private DeliveryEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    /** Event {@code n}, padded to about 2 KB so that a few thousand fill the socket buffers. */
    private static SyslogMessage largeEvent(long n) {
        return SyslogMessage.builder().timestamp(NumberedEvents.EVENT_TIME).severity(Severity.INFORMATIONAL)
                .hostname("h").appName("app").message("x".repeat(2_000) + " event " + n).build();
    }

    private static Set<Long> events(PlainReceivers.Tcp receiver) {
        Set<Long> numbers = new TreeSet<>();
        for (String message : receiver.octetCounted()) {
            Matcher m = EVENT.matcher(message);
            if (m.find()) {
                numbers.add(Long.parseLong(m.group(1)));
            }
        }
        return numbers;
    }

    private static Target tcp(PlainReceivers.Tcp receiver) {
        return Target.parse("tcp://127.0.0.1:" + receiver.port());
    }

    /**
     * A primary that accepts each connection and drops it at once (rsyslog over its {@code MaxSessions}, a load
     * balancer without a backend) opens no session: failover counts the attempts and moves on, and every event
     * reaches the secondary. Before, each connection counted as a session (failover's count reset) and took the
     * events written at once as delivered, into the void.
     */
    @Test
    void aPrimaryThatDropsEachConnectionIsLeftForTheSecondary() {
        try (PlainReceivers.Tcp primary = PlainReceivers.Tcp.closingEach();
                PlainReceivers.Tcp secondary = new PlainReceivers.Tcp()) {
            Target first = tcp(primary);
            engine = DeliveryEngine.start(EngineSettings.builder("dropping-primary")
                    .targets(List.of(first, tcp(secondary))).transport(NumberedEvents.quickTransport())
                    .diagnostics(diagnostics).shutdownTimeout(Duration.ofSeconds(2)).build());
            for (long n = 0; n < 100; n++) {
                assertThat(engine.append(NumberedEvents.event(n))).isTrue();
            }
            await().atMost(WAIT).until(() -> events(secondary).size() == 100);
            assertThat(events(secondary)).containsExactlyElementsOf(LongStream.range(0, 100).boxed().toList());
            assertThat(primary.connectionsEverAccepted()).isGreaterThanOrEqualTo(2); // accepted, then dropped
            assertThat(engine.counters().snapshot().delivered()).isEqualTo(100);
            assertThat(diagnostics.messages).anyMatch(m -> m.equals("WARN RemoteSyslog[dropping-primary]: cannot"
                    + " deliver to " + first + ": connection to " + first + " closed before the session was open"));
        }
    }

    /**
     * A TLS 1.3 receiver that refuses our certificate (its name is not a permitted peer) checks it only after our
     * side of the handshake completed, and answers with an alert: a TLS failure, so health says FAILING, and nothing
     * is counted delivered. Before, the alert was a plain disconnect after the events written at once were counted
     * delivered, and health went on between DELIVERING and DISCONNECTED.
     */
    @Test
    void aTlsReceiverThatRefusesOurCertificateAfterTheHandshakeMakesHealthSayFailing(@TempDir Path dir) {
        Authority ca = TestCertificates.newAuthority("Sluice Test CA");
        PemFiles serverFiles = ca.issue("localhost").sans("localhost").build().writePem(dir.resolve("server"));
        PemFiles clientFiles = ca.issue("app.example.com").sans("app.example.com").build().writePem(dir.resolve("c"));
        TlsSettings server = TlsSettings.builder().caFile(serverFiles.caFile()).certFile(serverFiles.certFile())
                .keyFile(serverFiles.keyFile()).permittedPeers("someone-else.example.com").protocols("TLSv1.3").build();
        TlsSettings client = TlsSettings.builder().caFile(clientFiles.caFile()).certFile(clientFiles.certFile())
                .keyFile(clientFiles.keyFile()).build();
        try (PlainReceivers.Tcp receiver = PlainReceivers.Tcp.tls(server)) {
            Target target = Target.parse("tls://localhost:" + receiver.port());
            engine = DeliveryEngine.start(EngineSettings.builder("refused-client").targets(List.of(target))
                    .transport(NumberedEvents.quickTransport().toBuilder().tls(client).build())
                    .diagnostics(diagnostics).shutdownTimeout(Duration.ofSeconds(2)).build());
            for (long n = 0; n < 10; n++) {
                assertThat(engine.append(NumberedEvents.event(n))).isTrue();
            }
            await().atMost(WAIT).until(() -> engine.health().state() == DeliveryState.FAILING);
            assertThat(engine.counters().snapshot().tlsFailures()).isPositive();
            assertThat(engine.counters().snapshot().delivered()).isZero();
            assertThat(receiver.octetCounted()).isEmpty();
            assertThat(diagnostics.messages).anyMatch(m -> m.startsWith("ERROR RemoteSyslog[refused-client]: TLS with "
                    + target + " failed: "));
        }
    }

    /**
     * A primary that stops reading and is then gone (as a host that died without a reset: its connection answers
     * nothing and new ones are refused). Nothing could be written to it for {@code ackTimeout}: the session ends,
     * health leaves DELIVERING, failover moves on, and what the primary's connection had not taken reaches the
     * secondary, in order. Before, the engine waited on the full connection for ever, saying DELIVERING.
     */
    @Test
    void aPrimaryThatStopsReadingIsLeftForTheSecondary() {
        int count = 5_000; // 10 MB: more than the socket buffers hold
        try (PlainReceivers.Tcp primary = PlainReceivers.Tcp.stallingFirst(1);
                PlainReceivers.Tcp secondary = new PlainReceivers.Tcp()) {
            Target first = tcp(primary);
            engine = DeliveryEngine.start(EngineSettings.builder("stalled-primary")
                    .targets(List.of(first, tcp(secondary)))
                    .transport(TransportSettings.builder().ackTimeout(Duration.ofSeconds(1))
                            .backoff(() -> Backoff.fixed(Duration.ofMillis(500))).build())
                    .diagnostics(diagnostics).shutdownTimeout(Duration.ofSeconds(2)).build());
            await().atMost(WAIT).until(() -> primary.connectionsEverAccepted() == 1);
            primary.stopListening();
            await().atMost(WAIT).until(() -> engine.health().state() == DeliveryState.DELIVERING);
            for (long n = 0; n < count; n++) {
                assertThat(engine.append(largeEvent(n))).isTrue();
            }

            await().atMost(WAIT).pollInterval(Duration.ofMillis(10))
                    .until(() -> engine.health().state() != DeliveryState.DELIVERING);
            // written to a socket: TCP has nothing more to count
            await().atMost(WAIT).until(() -> engine.counters().snapshot().delivered() == count);
            await().atMost(WAIT).until(() -> engine.health().state() == DeliveryState.DELIVERING);
            Set<Long> onSecondary = events(secondary);
            assertThat(onSecondary).isNotEmpty().hasSizeLessThan(count); // the rest went into the primary's buffers
            assertThat(onSecondary).containsExactlyElementsOf(LongStream.range(count - onSecondary.size(), count)
                    .boxed().collect(Collectors.toList()));
            assertThat(diagnostics.messages).anyMatch(m -> m.startsWith("WARN ") && m.contains("cannot deliver to "
                    + first + ": the receiver " + first + " stopped reading"));
        }
    }
}
