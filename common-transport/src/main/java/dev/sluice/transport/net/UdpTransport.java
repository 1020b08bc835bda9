package dev.sluice.transport.net;

import dev.sluice.transport.syslog.SyslogEncoder;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.Errors;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Syslog over UDP ({@code udp://}, RFC 5426): one datagram per message, no framing.
 *
 * <p><b>Best effort</b>, for legacy receivers: a message is {@link DeliveryListener#delivered} when the operating
 * system accepted its datagram; whether it arrives, nobody can tell. A send the operating system refuses for a
 * reason of the path (no route to the network or host, no buffer space, a firewall, ...) is not the message's
 * fault: the session ends, and the message goes back to the backlog with every unsent one, to be sent after the
 * backoff from a new socket, to the address looked up again. A bound socket says nothing about the route: the
 * backoff starts again only once a datagram is accepted, so a dead route is tried less and less often, also across
 * failover's switches; and after a failed send a new socket is reported {@link DeliveryListener#connected} only
 * once a datagram is accepted, so each attempt counts as a failed one for failover, as a connect that fails does.
 * Only a message too long for one datagram can never be sent: it is reported {@link DeliveryListener#rejected} and
 * not retried. Messages are expected to be cut to the configured maximum (2 KB for UDP) by the formatter; this
 * transport sends what it is given.
 *
 * <p>The host name is looked up when the socket is bound (at start, and after a failed send), and again every
 * {@link HostResolver#refreshInterval()} while it is open (off the event loop; see {@link HostResolver}): when the
 * receiver's address changes, the next datagrams go to the new one. The current address is kept while the name
 * still lists it, and when a lookup fails. An IP literal is never looked up. These refreshes run one at a time
 * across the JVM, on a thread of their own ({@link #lookUpAgain}), so that a slow DNS server holding them never
 * delays another transport's connection; one that comes due while another runs is skipped, and the current address
 * kept until the next interval.
 */
final class UdpTransport extends NettyTransport {

    /** Largest UDP payload over IPv6 without jumbograms, in octets: 65,535 less 8 of UDP header. */
    static final int MAX_IPV6_PAYLOAD = 65_527;
    /** Linux's {@code EMSGSIZE}, as Netty's native transport reports it (negative); epoll is Linux only. */
    private static final int EMSGSIZE_NEGATIVE = -90;
    /** Longest wait between lookups, whatever the resolver says (a day: a {@code Duration} may not fit in nanos). */
    private static final Duration MAX_REFRESH_INTERVAL = Duration.ofDays(1);

    private InetSocketAddress remote;
    /** The last session on which a datagram was accepted. */
    private Connection reached;
    /** A send failed for a reason of the path, and no datagram was accepted since. */
    private boolean failing;

    UdpTransport(Target target, TransportSettings settings, DeliveryListener listener) {
        super(target, settings, listener);
        if (target.scheme() != Target.Scheme.UDP) {
            throw new IllegalArgumentException("target: " + target + " (expected: udp://)");
        }
    }

    @Override
    ChannelFuture openChannel(Connection conn, SslContext ssl) {
        return new Bootstrap()
                .group(loop)
                .channel(NettyIo.datagramChannel())
                .handler(initializer(conn, null))
                .bind(0);
    }

    /** The current session's next lookup of the name; {@code null} if none is scheduled. Event loop only. */
    private ScheduledFuture<?> refreshTask;

    @Override
    void initPipeline(ChannelPipeline pipeline) {
        // nothing: replies (ICMP errors aside) are not expected
    }

    @Override
    void sessionOpened(Connection conn) {
        if (!failing) {
            reportConnected(conn); // the backoff starts again in sent()
        }
    }

    @Override
    void sessionStarted(Connection conn) {
        remote = resolved; // looked up off the event loop before the channel was opened
        scheduleRefresh(conn);
        sessionReady(conn);
    }

    @Override
    void read(Connection conn, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    void pump() {
        Connection conn = current;
        if (conn == null || !conn.ready || isTerminated()) {
            return;
        }
        Channel ch = conn.channel;
        boolean wrote = false;
        while (!backlog.isEmpty() && ch.isWritable()) {
            Entry e = backlog.pollFirst();
            if (e.done) {
                continue;
            }
            byte[] payload = e.message.payload();
            int max = remote.getAddress() instanceof Inet6Address ? MAX_IPV6_PAYLOAD
                    : SyslogEncoder.MAX_DATAGRAM_MESSAGE_SIZE; // over IPv4
            if (payload.length > max) {
                complete(e, "UDP send to " + target + " failed: " + payload.length + " octets (expected: <= " + max
                        + ", what one datagram carries)");
                continue;
            }
            if (e.resendPending) {
                e.resendPending = false;
                safely(() -> listener.resent(e.message));
            }
            e.unanswered = true;
            wrote = true;
            ch.write(new DatagramPacket(Unpooled.wrappedBuffer(payload), remote))
                    .addListener((ChannelFuture f) -> sent(conn, e, f));
        }
        if (wrote) {
            ch.flush();
        }
    }

    /** The operating system took the datagram of {@code e}, or refused it. */
    private void sent(Connection conn, Entry e, ChannelFuture f) {
        if (f.isSuccess()) {
            if (reached != conn && conn == current) {
                reached = conn; // the first datagram of this socket: the route works
                resetBackoff();
                if (failing) {
                    failing = false;
                    reportConnected(conn);
                }
            }
            complete(e, null);
        } else if (tooLong(f.cause())) {
            complete(e, "UDP send to " + target + " failed: " + describe(f.cause()));
        } else {
            // Not sent, so not a resend when sent again; it stays incomplete and is requeued when the session ends.
            e.unanswered = false;
            failing = true;
            conn.fail("UDP send to " + target + " failed: " + describe(f.cause()));
        }
    }

    /**
     * Whether a send failed because the datagram is too long ({@code EMSGSIZE}): for the path, or for the operating
     * system's limit (macOS: 9,216 octets by default). Epoll gives the error number; the JDK's NIO only the system's
     * message for it (the epoll classes may be left out of the class path when NIO is used).
     */
    static boolean tooLong(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (NettyIo.epoll() && t instanceof Errors.NativeIoException n && n.expectedErr() == EMSGSIZE_NEGATIVE) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && message.toLowerCase(Locale.ROOT).contains("message too long")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Cancels the session's next lookup: a pending task would keep the ended session, its closed channel and this
     * transport (after a close) reachable until it ran, up to a day.
     */
    @Override
    void sessionLost(Connection conn) {
        if (refreshTask != null) {
            refreshTask.cancel(false);
            refreshTask = null;
        }
    }

    /** Looks the name up again after {@link HostResolver#refreshInterval()}, while {@code conn} is the session. */
    private void scheduleRefresh(Connection conn) {
        Duration interval = settings.resolver().refreshInterval();
        if (target.isIpLiteral() || interval.isNegative() || interval.isZero()) {
            return;
        }
        long nanos = interval.compareTo(MAX_REFRESH_INTERVAL) < 0 ? interval.toNanos() : MAX_REFRESH_INTERVAL.toNanos();
        refreshTask = loop.schedule(() -> {
            if (conn != current || isTerminated()) {
                return; // the next session looks the name up when it binds
            }
            try {
                // not lookUp: a connection's lookup must never wait behind a refresh
                lookUpAgain(addresses -> refreshed(conn, addresses));
            } catch (RejectedExecutionException e) {
                scheduleRefresh(conn); // another refresh is under way: keep the address, try at the next interval
            }
        }, nanos, TimeUnit.NANOSECONDS);
    }

    private void refreshed(Connection conn, List<InetAddress> addresses) {
        if (conn != current || isTerminated()) {
            return;
        }
        if (!addresses.isEmpty() && !addresses.contains(remote.getAddress())) {
            remote = new InetSocketAddress(addresses.get(0), target.port());
        }
        scheduleRefresh(conn);
    }
}
