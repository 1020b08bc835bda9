package dev.sluice.transport.net;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.util.Locale;

/**
 * Which of Netty's I/O transports Sluice's event loops and channels use: Linux's native epoll where Netty's native
 * library loads (the linux-x86_64 one is a dependency; other Linux platforms can add theirs), else the JDK's NIO.
 * Epoll's loop makes fewer system calls per read and write and wakes sooner, which a RELP window's round trips
 * feel (BENCHMARKS.md, issue 6, session 9). {@code -Dsluice.io=nio} chooses NIO anyway. The group's handler and
 * the channel classes must agree, so every event loop and channel of Sluice is made from here.
 */
public final class NettyIo {

    /** System property: {@code nio} to use the JDK's NIO even where epoll is available. */
    public static final String PROPERTY = "sluice.io";

    private static final boolean EPOLL = chooseEpoll(System.getProperty(PROPERTY));

    private NettyIo() {
    }

    static boolean chooseEpoll(String property) {
        if (property != null && property.trim().toLowerCase(Locale.ROOT).equals("nio")) {
            return false;
        }
        try {
            return Epoll.isAvailable();
        } catch (LinkageError e) {
            return false; // the epoll classes were left out of the class path
        }
    }

    /** Whether the native epoll transport is in use. */
    public static boolean epoll() {
        return EPOLL;
    }

    /** The I/O handler for an event loop group whose channels come from this class. */
    public static IoHandlerFactory handlerFactory() {
        return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    public static Class<? extends SocketChannel> socketChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public static Class<? extends ServerSocketChannel> serverSocketChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public static Class<? extends DatagramChannel> datagramChannel() {
        return EPOLL ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }
}
