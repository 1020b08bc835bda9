package dev.sluice.it.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.relp.server.RelpServer;
import dev.sluice.transport.net.Backoff;
import dev.sluice.transport.net.HostResolver;
import dev.sluice.transport.net.SyslogTransport;
import dev.sluice.transport.net.SyslogTransports;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.net.TransportSettings;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * Transports whose names a DNS server is slow to answer. The lookup threads are shared by every transport of the JVM:
 * UDP's periodic look-ups of its receiver's name, which can wait, must not take the threads that a connection, which
 * cannot, needs to look its own name up.
 */
class SlowDnsTransportTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** More than the lookup threads of connections (4): UDP refreshes without a bound of their own held them all. */
    private static final int UDP_TARGETS = 6;

    /**
     * The DNS of this test: every name has the address 127.0.0.1, and once {@link #hang} is set, the UDP targets' names
     * ({@code udp-N.test}) are answered only when the test says so. UDP looks them up again every 20 ms.
     */
    private static final class HangingResolver implements HostResolver {
        final AtomicBoolean hang = new AtomicBoolean();
        final CountDownLatch answer = new CountDownLatch(1);
        /** Lookups waiting for {@link #answer} now. */
        final AtomicInteger hanging = new AtomicInteger();

        @Override
        public List<InetAddress> resolve(String host) throws UnknownHostException {
            if (host.startsWith("udp-") && hang.get()) {
                hanging.incrementAndGet();
                try {
                    answer.await(); // as a DNS server that does not answer
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    hanging.decrementAndGet();
                }
            }
            return List.of(InetAddress.getByName("127.0.0.1")); // where the receivers listen; parsed, not looked up
        }

        @Override
        public Duration refreshInterval() {
            return Duration.ofMillis(20);
        }
    }

    @Test
    void aRelpTargetConnectsAndReconnectsWhileTheRefreshesOfUdpTargetsHang() {
        HangingResolver dns = new HangingResolver();
        TransportSettings settings = TransportSettings.builder().resolver(dns)
                .backoff(() -> Backoff.fixed(Duration.ofMillis(50))).build();
        List<SyslogTransport> transports = new ArrayList<>();
        try (PlainReceivers.Udp receiver = new PlainReceivers.Udp();
                RelpServer server = RelpServer.builder().build().start()) {
            List<RecordingListener> udpListeners = new ArrayList<>();
            for (int i = 0; i < UDP_TARGETS; i++) {
                RecordingListener udpListener = new RecordingListener();
                udpListeners.add(udpListener);
                transports.add(SyslogTransports.create(Target.parse("udp://udp-" + i + ".test:" + receiver.port()),
                        settings, udpListener));
            }
            await().atMost(WAIT).until(() -> udpListeners.stream().allMatch(l -> l.connected.get() == 1));

            dns.hang.set(true);
            // Each UDP target's refresh comes due every 20 ms: once one has hung for a second, every target had dozens
            // of turns, and refreshes sharing the connections' lookup threads held all of them.
            await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> dns.hanging.get() >= 1);
            for (int i = 0; i < UDP_TARGETS; i++) {
                transports.get(i).offer(Messages.numbered(i)); // sent to the address UDP has, refresh or not
            }
            await().atMost(WAIT).until(() -> receiver.datagrams.size() == UDP_TARGETS);

            RecordingListener listener = new RecordingListener();
            SyslogTransport relp = SyslogTransports.create(Target.parse("relp://relp.test:" + server.port()),
                    settings, listener);
            transports.add(relp);
            Messages.offerRange(relp, 0, 10);
            await().atMost(WAIT).until(() -> listener.delivered.get() == 10);
            server.faults().sendServerClose(); // the reconnect looks the name up again
            await().atMost(WAIT).until(() -> listener.connected.get() == 2);
            Messages.offerRange(relp, 10, 20);
            await().atMost(WAIT).until(() -> listener.delivered.get() == 20);
            assertThat(server.distinctCount()).isEqualTo(20);
            assertThat(listener.rejected).isEmpty();
            assertThat(dns.hanging).as("refreshes hanging at once, over all UDP targets").hasValue(1);
        } finally {
            dns.answer.countDown();
            for (SyslogTransport t : transports) {
                t.close(Duration.ZERO);
            }
            // leave no lookup behind for the next test: the refresh thread, and in the failing case the connections'
            await().atMost(WAIT).until(() -> dns.hanging.get() == 0);
        }
    }
}
