package dev.sluice.it.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.transport.net.Backoff;
import dev.sluice.transport.net.HostResolver;
import dev.sluice.transport.syslog.Framing;
import dev.sluice.transport.net.Outbound;
import dev.sluice.transport.net.SyslogTransport;
import dev.sluice.transport.net.SyslogTransports;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.net.TransportEventLoops;
import dev.sluice.transport.net.TransportSettings;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The best-effort transports against plain receivers: framing on the wire, reconnect, one datagram each. */
class TcpAndUdpTransportTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final InetAddress LOOPBACK = address("127.0.0.1");
    /**
     * The kernel refuses a datagram to the broadcast address from a socket without {@code SO_BROADCAST} ({@code
     * EACCES}): a send that fails for a reason of the path, not of the message, as with no route to the network.
     */
    private static final InetAddress REFUSED = address("255.255.255.255");

    private final RecordingListener listener = new RecordingListener();
    private SyslogTransport transport;

    @AfterEach
    void closeTransport() {
        if (transport != null) {
            transport.close(Duration.ofSeconds(2));
        }
    }

    private static TransportSettings.Builder settings() {
        return TransportSettings.builder().backoff(() -> Backoff.fixed(Duration.ofMillis(50)));
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal); // parsed, not looked up
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** The DNS of these tests: the name has the address the test sets, looked up again every {@code refresh}. */
    private static final class SwitchedResolver implements HostResolver {
        final AtomicReference<InetAddress> answer;
        final AtomicInteger lookups = new AtomicInteger();
        private final Duration refresh;

        SwitchedResolver(InetAddress answer, Duration refresh) {
            this.answer = new AtomicReference<>(answer);
            this.refresh = refresh;
        }

        @Override
        public List<InetAddress> resolve(String host) {
            lookups.incrementAndGet();
            return List.of(answer.get());
        }

        @Override
        public Duration refreshInterval() {
            return refresh;
        }
    }

    @Test
    void sendsOctetCountedMessagesOverTcp() {
        try (PlainReceivers.Tcp receiver = new PlainReceivers.Tcp()) {
            transport = SyslogTransports.create(Target.parse("tcp://127.0.0.1:" + receiver.port()),
                    settings().build(), listener);
            Messages.offerRange(transport, 0, 5_000);
            await().atMost(WAIT).until(() -> listener.delivered.get() == 5_000);
            await().atMost(WAIT).until(() -> receiver.octetCounted().size() == 5_000);
            List<String> messages = receiver.octetCounted();
            for (int i = 0; i < messages.size(); i++) {
                assertThat(messages.get(i)).endsWith(" message " + i);
            }
            assertThat(listener.outOfOrder).hasValue(0);
            assertThat(listener.disconnects).isEmpty();
            await().atMost(WAIT).until(() -> listener.reportsSinceBatch.get() == 0); // written: reported in batches
            assertThat(listener.batches.get()).isBetween(1, 5_000);
        }
    }

    @Test
    void escapesLineBreaksWithLfFraming() {
        try (PlainReceivers.Tcp receiver = new PlainReceivers.Tcp()) {
            transport = SyslogTransports.create(Target.parse("tcp://127.0.0.1:" + receiver.port()),
                    settings().framing(Framing.LF).build(), listener);
            transport.offer(new Outbound(1, "<14>1 - h a - - - first\nsecond\r\nthird".getBytes(StandardCharsets.UTF_8)));
            transport.offer(new Outbound(2, "<14>1 - h a - - - next".getBytes(StandardCharsets.UTF_8)));
            await().atMost(WAIT).until(() -> receiver.text().split("\n", -1).length == 3);
            assertThat(receiver.text()).isEqualTo(
                    "<14>1 - h a - - - first#012second#015#012third\n<14>1 - h a - - - next\n");
        }
    }

    @Test
    void reconnectsWhenTheReceiverDropsTheConnection() {
        try (PlainReceivers.Tcp receiver = new PlainReceivers.Tcp()) {
            transport = SyslogTransports.create(Target.parse("tcp://127.0.0.1:" + receiver.port()),
                    settings().build(), listener);
            Messages.offerRange(transport, 0, 100);
            await().atMost(WAIT).until(() -> receiver.octetCounted().size() == 100);
            receiver.closeConnections();
            await().atMost(WAIT).until(() -> !listener.disconnects.isEmpty());
            assertThat(listener.disconnects.get(0)).contains("closed by the server");
            await().atMost(WAIT).until(() -> listener.connected.get() == 2);
            Messages.offerRange(transport, 100, 200);
            await().atMost(WAIT).until(() -> listener.delivered.get() == 200);
            await().atMost(WAIT).until(() -> receiver.octetCounted().size() >= 200);
            assertThat(receiver.octetCounted()).last().asString().endsWith(" message 199");
        }
    }

    @Test
    void reportsConnectFailuresAndDeliversOnceTheReceiverIsUp() {
        PlainReceivers.Tcp probe = new PlainReceivers.Tcp();
        int port = probe.port();
        probe.close(); // nothing listens on this port now
        transport = SyslogTransports.create(Target.parse("tcp://127.0.0.1:" + port), settings().build(), listener);
        Messages.offerRange(transport, 0, 10);
        await().atMost(WAIT).until(() -> listener.disconnects.size() >= 2);
        assertThat(listener.disconnects.get(0)).startsWith("connect to tcp://127.0.0.1:" + port + " failed: ");
        assertThat(transport.pending()).isEqualTo(10);
        List<Outbound> undelivered = transport.close(Duration.ofMillis(200));
        assertThat(undelivered).extracting(Outbound::id).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(transport.offer(Messages.numbered(10))).isFalse();
    }

    /** Starts a transport to {@code receiver} with {@code ackTimeout} and a {@link CountingBackoff}, and returns it. */
    private CountingBackoff startCounting(PlainReceivers.Tcp receiver, Duration ackTimeout) {
        CountingBackoff backoff = new CountingBackoff();
        transport = SyslogTransports.create(Target.parse("tcp://127.0.0.1:" + receiver.port()),
                settings().ackTimeout(ackTimeout).backoff(() -> backoff).build(), listener);
        return backoff;
    }

    /**
     * A receiver that stops reading (or a host gone without a reset) is found out: once the socket buffers are full
     * and nothing could be written for {@code ackTimeout}, the session ends as a failure, and what it had not written
     * goes to the next session, in order. What the first session's socket buffers took counts as delivered (TCP has
     * no acknowledgement) and is lost with them.
     */
    @Test
    void endsASessionWhoseReceiverStopsReadingAndSendsWhatItHadNotWrittenOnTheNext() {
        int count = 5_000; // 10 MB: more than the socket buffers of both sides hold
        try (PlainReceivers.Tcp receiver = PlainReceivers.Tcp.stallingFirst(1)) {
            transport = SyslogTransports.create(Target.parse("tcp://127.0.0.1:" + receiver.port()),
                    settings().ackTimeout(Duration.ofSeconds(1)).build(), listener);
            for (long n = 0; n < count; n++) {
                assertThat(transport.offer(Messages.numbered(n, 2048))).isTrue();
            }
            await().atMost(WAIT).until(() -> !listener.disconnects.isEmpty());
            assertThat(listener.disconnects.get(0)).startsWith("the receiver tcp://127.0.0.1:" + receiver.port()
                    + " stopped reading: nothing could be written to it for ackTimeout 1s (");
            assertThat(listener.plannedDisconnects).isEmpty();
            long taken = listener.deliveredAtDisconnects.get(0); // by the first session's socket buffers
            assertThat(taken).isLessThan(count);

            await().atMost(WAIT).until(() -> listener.delivered.get() == count);
            await().atMost(WAIT).until(() -> receiver.octetCounted().size() == count - taken);
            List<String> second = receiver.octetCounted();
            for (int i = 0; i < second.size(); i++) {
                assertThat(second.get(i)).endsWith(" message " + (taken + i));
            }
            assertThat(listener.resent).as("written to the first session, not to its socket").hasPositiveValue();
            assertThat(listener.outOfOrder).hasValue(0);
            assertThat(receiver.connectionsEverAccepted()).isEqualTo(2);
        }
    }

    /**
     * A receiver whose kernel completes connections while its process never reads (a hung rsyslog, a full pipe behind
     * a proxy): every session settles, fills the socket buffers and stalls for {@code ackTimeout}. A stalled session
     * is a failed attempt, so the failed attempts add up across the cycles (the delays grow, as for refused connects);
     * before, every settled session reset the backoff, and each stall reconnected after the first delay, for ever,
     * filling a fresh pair of socket buffers. The session is still reported connected when it settles. A session that
     * proves healthy (the receiver reads) resets the backoff.
     */
    @Test
    void sessionsThatStallDoNotResetTheBackoffUntilOneProvesHealthy() {
        int stalled = 3;
        int count = 8_000; // 32 MB: far more than the socket buffers of three sessions hold (3.5 MB each here)
        CountingBackoff backoff = new CountingBackoff();
        try (PlainReceivers.Tcp receiver = PlainReceivers.Tcp.stallingFirst(stalled)) {
            String target = "tcp://127.0.0.1:" + receiver.port();
            transport = SyslogTransports.create(Target.parse(target),
                    settings().ackTimeout(Duration.ofMillis(500)).backoff(() -> backoff).build(), listener);
            for (long n = 0; n < count; n++) {
                assertThat(transport.offer(Messages.numbered(n, 4096))).isTrue();
            }
            await().atMost(WAIT).until(() -> backoff.delays() >= stalled);
            assertThat(listener.disconnects.subList(0, stalled)).allMatch(r -> r.startsWith("the receiver " + target
                    + " stopped reading: nothing could be written to it for ackTimeout 500ms ("));
            assertThat(backoff.resetsAtDelays().subList(0, stalled)).as("backoff resets before each failed session")
                    .containsExactly(0, 0, 0);
            assertThat(listener.connected.get()).as("each settled session reported connected")
                    .isGreaterThanOrEqualTo(stalled);

            await().atMost(WAIT).until(() -> listener.delivered.get() == count);
            await().atMost(WAIT).until(() -> backoff.resets() == 1); // the reading session proved healthy
            assertThat(backoff.delays()).as("no failure after the stalled sessions").isEqualTo(stalled);
            assertThat(listener.disconnects).hasSize(stalled);
            assertThat(listener.plannedDisconnects).isEmpty();
            assertThat(listener.connected).hasValue(stalled + 1);
            assertThat(receiver.connectionsEverAccepted()).isEqualTo(stalled + 1);
            assertThat(listener.outOfOrder).hasValue(0);
        }
    }

    /**
     * A settled session is on probation for {@code ackTimeout}; its transport's close ends it, and says nothing about
     * the receiver: the backoff, which the engine shares with the transport it opens next, is left alone.
     */
    @Test
    void closingATransportWhoseSessionIsOnProbationLeavesTheBackoffAlone() {
        try (PlainReceivers.Tcp receiver = new PlainReceivers.Tcp()) {
            CountingBackoff backoff = startCounting(receiver, Duration.ofSeconds(30));
            Messages.offerRange(transport, 0, 5);
            await().atMost(WAIT).until(() -> listener.delivered.get() == 5); // settled, on probation for 30 s

            transport.close(Duration.ZERO);
            await().atMost(WAIT).until(() -> listener.disconnects.contains("transport closed"));
            assertThat(backoff.resets()).as("resets").isZero();
            assertThat(backoff.delays()).as("failed attempts").isZero();
        }
    }

    /**
     * A receiver that closes each session after it settled but before it proved healthy (a proxy whose backend drops
     * it, a receiver that exits at once; here within an {@code ackTimeout} no session reaches): each is one more
     * failed attempt, and the delays grow as for refused connects. Before, an end by the peer on probation reset the
     * backoff, and the client opened a session after the first delay, for ever.
     */
    @Test
    void sessionsThatTheReceiverClosesOnProbationDoNotResetTheBackoff() {
        int closed = 3;
        try (PlainReceivers.Tcp receiver = new PlainReceivers.Tcp()) {
            String target = "tcp://127.0.0.1:" + receiver.port();
            CountingBackoff backoff = startCounting(receiver, Duration.ofSeconds(30));
            for (int i = 1; i <= closed; i++) {
                int session = i;
                Messages.offerRange(transport, i - 1, i);
                await().atMost(WAIT).until(() -> receiver.octetCounted().size() == session); // settled, on probation
                receiver.closeConnections();
                await().atMost(WAIT).until(() -> backoff.delays() == session);
            }
            assertThat(backoff.resetsAtDelays()).as("backoff resets before each failed session")
                    .containsExactly(0, 0, 0);
            assertThat(listener.disconnects).containsOnly("connection to " + target + " closed by the server");
            assertThat(listener.connected.get()).as("each settled session reported connected")
                    .isGreaterThanOrEqualTo(closed);
        }
    }

    /**
     * A session that proved healthy (ready for {@code ackTimeout} with nothing waiting to be written) reset the
     * backoff then: when the receiver closes it later, the delay after it is the backoff's first, so a receiver that
     * restarts is back in use quickly.
     */
    @Test
    void aProvenSessionThatTheReceiverClosesLaterIsFollowedByTheFirstDelay() {
        try (PlainReceivers.Tcp receiver = new PlainReceivers.Tcp()) {
            CountingBackoff backoff = startCounting(receiver, Duration.ofMillis(300));
            Messages.offerRange(transport, 0, 5);
            await().atMost(WAIT).until(() -> receiver.octetCounted().size() == 5);
            await().atMost(WAIT).until(() -> backoff.resets() == 1); // proven after ackTimeout

            receiver.closeConnections();
            await().atMost(WAIT).until(() -> backoff.delays() == 1);
            assertThat(backoff.resetsAtDelays()).as("backoff resets before the delay after the close")
                    .containsExactly(1);
            await().atMost(WAIT).until(() -> listener.connected.get() == 2);
            Messages.offerRange(transport, 5, 10);
            await().atMost(WAIT).until(() -> receiver.octetCounted().size() == 10);
        }
    }

    /**
     * A fixed short backoff that counts the delays it gave (one per failed session or attempt) and its resets (one per
     * session that counted as a success: see {@link Backoff}).
     */
    private static Backoff counting(AtomicInteger delays, AtomicInteger resets) {
        Backoff fixed = Backoff.fixed(Duration.ofMillis(50));
        return new Backoff() {
            @Override
            public Duration next() {
                delays.incrementAndGet();
                return fixed.next();
            }

            @Override
            public void reset() {
                resets.incrementAndGet();
            }
        };
    }

    /**
     * A receiver that accepts each connection and drops it at once (rsyslog over its {@code MaxSessions}, a load
     * balancer without a backend) opens no session: nothing counts as delivered, and each attempt is a failure that
     * waits out the backoff, which no session resets, so it grows. Messages were written at once and counted
     * delivered into the void, and every connection reset the backoff: the loop ran every few hundred milliseconds.
     */
    @Test
    void aReceiverThatDropsEachConnectionAtOnceOpensNoSessionAndTheBackoffGrows() {
        AtomicInteger delays = new AtomicInteger();
        AtomicInteger resets = new AtomicInteger();
        try (PlainReceivers.Tcp receiver = PlainReceivers.Tcp.closingEach()) {
            String target = "tcp://127.0.0.1:" + receiver.port();
            transport = SyslogTransports.create(Target.parse(target),
                    settings().backoff(() -> counting(delays, resets)).build(), listener);
            Messages.offerRange(transport, 0, 10);
            await().atMost(WAIT).until(() -> delays.get() >= 5);
            assertThat(receiver.connectionsEverAccepted()).isGreaterThanOrEqualTo(4); // accepted, then dropped
            assertThat(resets).as("backoff resets: sessions opened").hasValue(0);
            assertThat(listener.connected).hasValue(0);
            assertThat(listener.delivered).hasValue(0);
            assertThat(listener.plannedDisconnects).isEmpty();
            assertThat(listener.disconnects).allMatch(r -> r.equals("connection to " + target
                    + " closed before the session was open"));
            assertThat(transport.pending()).isEqualTo(10);
        }
    }

    /**
     * A rebind whose writes fail is a failure like any other: it was reported as a planned end (not counted by
     * failover, not warned about) and reconnected without a backoff. The receiver takes one octet of a message larger
     * than the socket buffers hold, so the rebind's closing write waits behind it, then resets the connection.
     */
    @Test
    void aRebindWhoseWritesFailIsReportedAsAFailureAndBacksOff() throws IOException {
        AtomicInteger delays = new AtomicInteger();
        try (ServerSocket server = new ServerSocket()) {
            server.setReceiveBufferSize(64 * 1024);
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            server.setSoTimeout((int) WAIT.toMillis());
            transport = SyslogTransports.create(Target.parse("tcp://127.0.0.1:" + server.getLocalPort()),
                    settings().rebindInterval(1).backoff(() -> counting(delays, new AtomicInteger())).build(),
                    listener);
            byte[] large = new byte[32 << 20];
            Arrays.fill(large, (byte) 'x');
            assertThat(transport.offer(new Outbound(0, large))).isTrue();
            try (Socket session = server.accept()) {
                assertThat(session.getInputStream().read()).isNotNegative(); // written, and the rebind due
                session.setSoLinger(true, 0); // the close resets the connection
            }
            await().atMost(WAIT).until(() -> listener.connected.get() == 2);
            assertThat(listener.disconnects.get(0)).doesNotStartWith("rebinding");
            assertThat(listener.plannedDisconnects).isEmpty();
            assertThat(delays).as("reconnected after a backoff").hasPositiveValue();
            assertThat(listener.delivered).hasValue(0);
        }
    }

    /**
     * The {@code connectionTtl} timer goes with its session: a session that ended kept its channel, pipeline (and TLS
     * engine) and the transport reachable from the event loop until the timer expired, an hour here; with a reconnect
     * loop, thousands of them. The transport must be collectable once closed while the shared loops run on.
     */
    @Test
    void anEndedSessionLeavesNoConnectionTtlTimerBehind() {
        try (PlainReceivers.Tcp receiver = new PlainReceivers.Tcp();
                TransportEventLoops.Lease loopsKeptRunning = TransportEventLoops.acquire()) {
            SyslogTransport ttl = SyslogTransports.create(Target.parse("tcp://127.0.0.1:" + receiver.port()),
                    settings().connectionTtl(Duration.ofHours(1)).build(), listener);
            Messages.offerRange(ttl, 0, 10);
            await().atMost(WAIT).until(() -> listener.delivered.get() == 10);
            assertThat(ttl.close(Duration.ofSeconds(2))).isEmpty();
            await().atMost(WAIT).until(() -> listener.disconnects.size() == 1); // the session ended
            WeakReference<SyslogTransport> closed = new WeakReference<>(ttl);
            ttl = null;
            await().atMost(WAIT).until(() -> {
                System.gc();
                return closed.get() == null;
            });
        }
    }

    @Test
    void aClosedUdpTransportLeavesNoLookupTimerBehind() {
        try (PlainReceivers.Udp receiver = new PlainReceivers.Udp();
                TransportEventLoops.Lease loopsKeptRunning = TransportEventLoops.acquire()) {
            // a name, so that the transport looks it up again: after a day, unless its session's end cancels that
            SwitchedResolver dns = new SwitchedResolver(LOOPBACK, Duration.ofDays(1));
            SyslogTransport udp = SyslogTransports.create(Target.parse("udp://receiver.test:" + receiver.port()),
                    settings().resolver(dns).build(), listener);
            Messages.offerRange(udp, 0, 10);
            await().atMost(WAIT).until(() -> listener.delivered.get() == 10);
            assertThat(udp.close(Duration.ofSeconds(2))).isEmpty();
            WeakReference<SyslogTransport> closed = new WeakReference<>(udp);
            udp = null;
            await().atMost(WAIT).until(() -> {
                System.gc();
                return closed.get() == null;
            });
        }
    }

    @Test
    void sendsOneDatagramPerMessageOverUdp() {
        try (PlainReceivers.Udp receiver = new PlainReceivers.Udp()) {
            transport = SyslogTransports.create(Target.parse("udp://127.0.0.1:" + receiver.port()),
                    settings().build(), listener);
            Messages.offerRange(transport, 0, 100);
            await().atMost(WAIT).until(() -> listener.delivered.get() == 100);
            await().atMost(WAIT).until(() -> receiver.datagrams.size() == 100); // loopback does not drop 100
            await().atMost(WAIT).until(() -> listener.reportsSinceBatch.get() == 0);
            Pattern numbered = Pattern.compile("<14>1 .* message (\\d+)");
            for (String datagram : receiver.datagrams) {
                Matcher m = numbered.matcher(datagram);
                assertThat(m.matches()).as(datagram).isTrue();
            }
            assertThat(listener.rejected).isEmpty();
        }
    }

    @Test
    void udpSendsToTheNewAddressOnceTheReceiversNameMoves() {
        try (PlainReceivers.Udp first = new PlainReceivers.Udp();
                PlainReceivers.Udp moved = new PlainReceivers.Udp(new InetSocketAddress("127.0.0.2", first.port()))) {
            SwitchedResolver dns = new SwitchedResolver(LOOPBACK, Duration.ofMillis(100));
            transport = SyslogTransports.create(Target.parse("udp://syslog.test:" + first.port()),
                    settings().resolver(dns).build(), listener);
            transport.offer(Messages.numbered(0));
            await().atMost(WAIT).until(() -> first.datagrams.size() == 1);
            dns.answer.set(address("127.0.0.2"));
            AtomicLong next = new AtomicLong(1);
            // nothing fails on the way: only looking the name up again finds the new address
            await().atMost(WAIT).until(() -> {
                transport.offer(Messages.numbered(next.getAndIncrement()));
                return !moved.datagrams.isEmpty();
            });
            await().atMost(WAIT).until(() -> listener.delivered.get() == next.get());
            await().atMost(WAIT).until(() -> first.datagrams.size() + moved.datagrams.size() == next.get());
            assertThat(dns.lookups.get()).isGreaterThanOrEqualTo(2);
            assertThat(listener.disconnects).isEmpty();
            assertThat(listener.rejected).isEmpty();
        }
    }

    @Test
    void udpKeepsWhatTheKernelRefusesAndSendsItWhenTheRouteClears() {
        try (PlainReceivers.Udp receiver = new PlainReceivers.Udp()) {
            String target = "udp://syslog.test:" + receiver.port();
            SwitchedResolver dns = new SwitchedResolver(REFUSED, Duration.ZERO); // looked up at each bind only
            transport = SyslogTransports.create(Target.parse(target), settings().resolver(dns).build(), listener);
            Messages.offerRange(transport, 0, 10);
            await().atMost(WAIT).until(() -> listener.disconnects.size() >= 3);
            assertThat(listener.disconnects.get(0)).startsWith("UDP send to " + target + " failed: ");
            assertThat(listener.rejected).isEmpty();
            assertThat(listener.delivered).hasValue(0);
            assertThat(transport.pending()).isEqualTo(10);
            assertThat(listener.connected).as("sockets bound after a failed send are not reported").hasValue(1);
            dns.answer.set(LOOPBACK); // the route clears: the next attempt looks the name up again and gets through
            await().atMost(WAIT).until(() -> listener.delivered.get() == 10);
            await().atMost(WAIT).until(() -> receiver.datagrams.size() == 10);
            assertThat(receiver.datagrams).extracting(d -> d.substring(d.lastIndexOf(' ') + 1))
                    .containsExactlyInAnyOrder("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
            assertThat(listener.rejected).isEmpty();
            assertThat(listener.resent).as("a refused datagram was not sent").hasValue(0);
            assertThat(listener.outOfOrder).hasValue(0);
            assertThat(listener.connected).hasValue(2);
        }
    }

    @Test
    void udpSendsThatKeepFailingDoNotStartTheBackoffAgain() {
        try (PlainReceivers.Udp receiver = new PlainReceivers.Udp()) {
            CountingBackoff backoff = new CountingBackoff();
            SwitchedResolver dns = new SwitchedResolver(REFUSED, Duration.ZERO);
            transport = SyslogTransports.create(Target.parse("udp://syslog.test:" + receiver.port()),
                    TransportSettings.builder().backoff(() -> backoff).resolver(dns).build(), listener);
            transport.offer(Messages.numbered(0));
            await().atMost(WAIT).until(() -> backoff.delays() >= 5);
            assertThat(backoff.resets()).as("no datagram got through").isZero();
            dns.answer.set(LOOPBACK);
            await().atMost(WAIT).until(() -> listener.delivered.get() == 1);
            assertThat(backoff.resets()).as("a datagram got through").isEqualTo(1);
        }
    }

    @Test
    void udpRejectsOnlyAMessageTooLongForOneDatagram() {
        try (PlainReceivers.Udp receiver = new PlainReceivers.Udp()) {
            String target = "udp://127.0.0.1:" + receiver.port();
            transport = SyslogTransports.create(Target.parse(target), settings().build(), listener);
            transport.offer(Messages.numbered(0));
            transport.offer(new Outbound(1, new byte[65_508]));
            transport.offer(Messages.numbered(2));
            await().atMost(WAIT).until(() -> listener.delivered.get() == 2 && listener.rejected.size() == 1);
            assertThat(listener.rejected).containsExactly("1: UDP send to " + target + " failed: 65508 octets"
                    + " (expected: <= 65507, what one datagram carries)");
            await().atMost(WAIT).until(() -> receiver.datagrams.size() == 2);
            assertThat(listener.disconnects).isEmpty();
        }
    }

    @Test
    void anIpLiteralIsNotQueuedBehindLookupsThatHang() throws Exception {
        int lookupThreads = 4; // NettyTransport's resolver threads
        CountDownLatch entered = new CountDownLatch(lookupThreads);
        CountDownLatch answer = new CountDownLatch(1);
        HostResolver hanging = host -> {
            entered.countDown();
            try {
                answer.await(); // as a DNS server that does not answer
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of(LOOPBACK);
        };
        List<SyslogTransport> waiting = new ArrayList<>();
        try (PlainReceivers.Udp receiver = new PlainReceivers.Udp()) {
            for (int i = 0; i < lookupThreads + 1; i++) {
                waiting.add(SyslogTransports.create(Target.parse("udp://slow-" + i + ".test:" + receiver.port()),
                        settings().resolver(hanging).build(), new RecordingListener()));
            }
            assertThat(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("every lookup thread held").isTrue();
            transport = SyslogTransports.create(Target.parse("udp://127.0.0.1:" + receiver.port()),
                    settings().resolver(hanging).build(), listener);
            transport.offer(Messages.numbered(0));
            await().atMost(WAIT).until(() -> receiver.datagrams.size() == 1);
        } finally {
            answer.countDown();
            for (SyslogTransport t : waiting) {
                t.close(Duration.ZERO);
            }
        }
    }
}
