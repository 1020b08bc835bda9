package dev.sluice.it.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.relp.server.RelpServer;
import dev.sluice.transport.net.Outbound;
import dev.sluice.transport.net.SyslogTransport;
import dev.sluice.transport.net.SyslogTransports;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.net.TransportSettings;

import io.netty.util.ResourceLeakDetector;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * A stream of messages over RELP with the default window: all acknowledged, in order, on one session, reported on
 * the I/O threads, and pipelined: the answers come back many to a read, not one per frame as they would if each
 * message waited for the answer to the one before (a flush or a wait per message).
 *
 * <p>The rate is a benchmark's figure, not this test's: {@code e2e.ServerRate} sends through this transport the
 * same way (default window, ~200-octet messages, 1 to 8 clients) and {@code e2e.EndToEnd} end to end (see
 * BENCHMARKS.md).
 */
class RelpPipeliningTest {

    private static final int COUNT = 20_000;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aStreamOfMessagesIsAcknowledgedInOrderOnOneSessionManyAnswersToARead() {
        // The build runs with paranoid leak detection, which records a stack trace per buffer: for this many
        // messages, run with Netty's production default (sampling), and restore the level after.
        ResourceLeakDetector.Level configured = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        try {
            send();
        } finally {
            ResourceLeakDetector.setLevel(configured);
        }
    }

    private void send() {
        RecordingListener listener = new RecordingListener();
        try (RelpServer server = RelpServer.builder().recordMessages(false).build().start()) {
            Target target = Target.parse("relp://127.0.0.1:" + server.port());
            SyslogTransport transport = SyslogTransports.create(target, TransportSettings.defaults(), listener);
            try {
                await().atMost(WAIT).until(() -> listener.connected.get() == 1);
                Messages.offerRange(transport, 0, COUNT);
                await().atMost(WAIT).until(() -> listener.delivered.get() == COUNT);
                System.out.printf("RELP stream: %,d messages acknowledged in %,d reads%n", COUNT,
                        listener.batches.get());
                assertThat(server.messageCount()).isEqualTo(COUNT);
                assertThat(server.sessionsOpened()).isEqualTo(1);
                assertThat(listener.outOfOrder).hasValue(0);
                assertThat(listener.disconnects).isEmpty();
                assertThat(listener.threads).allMatch(name -> name.startsWith("sluice-io-"));
                assertThat(listener.batches.get()).as("reads that brought answers, for %,d messages", COUNT)
                        .isLessThan(COUNT / 4);
            } finally {
                List<Outbound> left = transport.close(Duration.ofSeconds(5));
                assertThat(left).isEmpty();
            }
        }
    }
}
