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
 * Not a timed assertion: sends 100,000 small messages over RELP with the default window and prints the rate, so
 * that a regression to stall-bound behaviour (a flush or a wait per message) is visible in the build output.
 */
class RelpThroughputTest {

    private static final int COUNT = 100_000;

    @Test
    void sendsOneHundredThousandMessagesOverRelpAndReportsTheRate() {
        // The build runs with paranoid leak detection, which records a stack trace per buffer and measures
        // itself; measure with Netty's production default (sampling) instead, and restore the level after.
        ResourceLeakDetector.Level configured = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        try {
            measure();
        } finally {
            ResourceLeakDetector.setLevel(configured);
        }
    }

    private void measure() {
        RecordingListener listener = new RecordingListener();
        try (RelpServer server = RelpServer.builder().recordMessages(false).build().start()) {
            Target target = Target.parse("relp://127.0.0.1:" + server.port());
            SyslogTransport transport = SyslogTransports.create(target, TransportSettings.defaults(), listener);
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> listener.connected.get() == 1);
                // warm-up, so that class loading and JIT are not measured
                Messages.offerRange(transport, 0, 10_000);
                await().atMost(Duration.ofSeconds(60)).until(() -> listener.delivered.get() == 10_000);

                long start = System.nanoTime();
                Messages.offerRange(transport, 10_000, 10_000 + COUNT);
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(5))
                        .until(() -> listener.delivered.get() == 10_000 + COUNT);
                long nanos = System.nanoTime() - start;
                double rate = COUNT / (nanos / 1e9);
                System.out.printf("RELP throughput: %,d messages of %d octets in %,d ms = %,.0f msg/s"
                        + " (windowSize %d, leak detection %s)%n", COUNT, Messages.numbered(1).size(),
                        nanos / 1_000_000, rate, TransportSettings.DEFAULT_WINDOW_SIZE,
                        ResourceLeakDetector.getLevel());
                assertThat(server.messageCount()).isEqualTo(10_000L + COUNT);
                assertThat(listener.outOfOrder).hasValue(0);
                assertThat(listener.disconnects).isEmpty();
                assertThat(listener.threads).allMatch(name -> name.startsWith("sluice-io-"));
            } finally {
                List<Outbound> left = transport.close(Duration.ofSeconds(5));
                assertThat(left).isEmpty();
            }
        }
    }
}
