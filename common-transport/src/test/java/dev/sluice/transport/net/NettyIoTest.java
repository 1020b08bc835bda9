package dev.sluice.transport.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;

/** The choice between Linux's native epoll and the JDK's NIO, and that the channel classes follow it. */
class NettyIoTest {

    @Test
    void epollWhereItLoadsUnlessNioIsAskedFor() {
        assertThat(NettyIo.chooseEpoll(null)).isEqualTo(Epoll.isAvailable());
        assertThat(NettyIo.chooseEpoll("epoll")).isEqualTo(Epoll.isAvailable());
        assertThat(NettyIo.chooseEpoll("nio")).isFalse();
        assertThat(NettyIo.chooseEpoll(" NIO ")).isFalse();
    }

    @Test
    void theChannelClassesMatchTheChoice() {
        assertThat(NettyIo.socketChannel())
                .isEqualTo(NettyIo.epoll() ? EpollSocketChannel.class : NioSocketChannel.class);
        assertThat(NettyIo.serverSocketChannel().getSimpleName()).startsWith(NettyIo.epoll() ? "Epoll" : "Nio");
        assertThat(NettyIo.datagramChannel().getSimpleName()).startsWith(NettyIo.epoll() ? "Epoll" : "Nio");
    }
}
