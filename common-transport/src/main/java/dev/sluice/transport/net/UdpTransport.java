package dev.sluice.transport.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Syslog over UDP ({@code udp://}, RFC 5426): one datagram per message, no framing.
 *
 * <p><b>Best effort</b>, for legacy receivers: a message is {@link DeliveryListener#delivered} when the datagram
 * was handed to the operating system. A datagram that cannot be sent (for example too large for the path) is
 * reported {@link DeliveryListener#rejected} and not retried. Messages are expected to be cut to the configured
 * maximum (2 KB for UDP) by the formatter; this transport sends what it is given.
 *
 * <p>The host name is looked up when the socket is bound (at start, and after a failure to bind), and again every
 * {@link HostResolver#refreshInterval()} while it is open (off the event loop; see {@link HostResolver}): when the
 * receiver's address changes, the next datagrams go to the new one. The current address is kept while the name
 * still lists it, and when a lookup fails. An IP literal is never looked up.
 */
final class UdpTransport extends NettyTransport {

    /** Longest wait between lookups, whatever the resolver says (a day: a {@code Duration} may not fit in nanos). */
    private static final Duration MAX_REFRESH_INTERVAL = Duration.ofDays(1);

    private InetSocketAddress remote;

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

    @Override
    void initPipeline(ChannelPipeline pipeline) {
        // nothing: replies (ICMP errors aside) are not expected
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
            e.unanswered = true;
            wrote = true;
            ch.write(new DatagramPacket(Unpooled.wrappedBuffer(e.message.payload()), remote))
                    .addListener((ChannelFuture f) -> complete(e, f.isSuccess() ? null
                            : "UDP send to " + target + " failed: " + describe(f.cause())));
        }
        if (wrote) {
            ch.flush();
        }
    }

    /** Looks the name up again after {@link HostResolver#refreshInterval()}, while {@code conn} is the session. */
    private void scheduleRefresh(Connection conn) {
        Duration interval = settings.resolver().refreshInterval();
        if (target.isIpLiteral() || interval.isNegative() || interval.isZero()) {
            return;
        }
        long nanos = interval.compareTo(MAX_REFRESH_INTERVAL) < 0 ? interval.toNanos() : MAX_REFRESH_INTERVAL.toNanos();
        loop.schedule(() -> {
            if (conn != current || isTerminated()) {
                return; // the next session looks the name up when it binds
            }
            try {
                lookUp(addresses -> refreshed(conn, addresses));
            } catch (RejectedExecutionException e) {
                scheduleRefresh(conn); // no lookup thread now: keep the address, try again later
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
