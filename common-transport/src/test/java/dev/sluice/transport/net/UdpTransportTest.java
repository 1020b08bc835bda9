package dev.sluice.transport.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.unix.Errors;
import java.io.IOException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

/**
 * Which UDP send failures are the message's own (it is rejected) and which are the path's (it is sent again after
 * the backoff). Sending itself is tested against a receiver in {@code TcpAndUdpTransportTest}.
 */
class UdpTransportTest {

    @Test
    void onlyADatagramTooLongIsTheMessagesFault() {
        assertThat(UdpTransport.tooLong(new SocketException("Message too long"))).isTrue(); // NIO's EMSGSIZE
        assertThat(UdpTransport.tooLong(new IOException("send", new SocketException("Message too long")))).isTrue();
        assertThat(UdpTransport.tooLong(new SocketException("Network is unreachable"))).isFalse();
        assertThat(UdpTransport.tooLong(new NoRouteToHostException("No route to host"))).isFalse();
        assertThat(UdpTransport.tooLong(new PortUnreachableException())).isFalse(); // ECONNREFUSED
        assertThat(UdpTransport.tooLong(new SocketException("No buffer space available"))).isFalse();
        assertThat(UdpTransport.tooLong(new SocketException("Operation not permitted"))).isFalse(); // a firewall
        assertThat(UdpTransport.tooLong(new ClosedChannelException())).isFalse();
    }

    @Test
    void epollsErrorNumbersToo() {
        assumeTrue(NettyIo.epoll(), "Linux's native transport");
        assertThat(UdpTransport.tooLong(Errors.newIOException("sendToAddress", -90))).isTrue(); // EMSGSIZE
        // ENETUNREACH, EHOSTUNREACH, ECONNREFUSED, ENOBUFS, EACCES, EPERM
        for (int errno : new int[] {101, 113, 111, 105, 13, 1}) {
            assertThat(UdpTransport.tooLong(Errors.newIOException("sendToAddress", -errno))).as("errno " + errno)
                    .isFalse();
        }
    }
}
