package dev.sluice.it.transport;

import dev.sluice.transport.tls.TlsContexts;
import dev.sluice.transport.tls.TlsSettings;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Minimal TCP and UDP syslog receivers on loopback, port 0, recording raw octets. */
public final class PlainReceivers {

    private PlainReceivers() {
    }

    /** Accepts TCP connections and appends everything received, over all connections, to one byte stream. */
    public static final class Tcp implements AutoCloseable {
        /** The receive buffer of a {@link #stallingFirst} receiver's connections: small, so that they fill soon. */
        private static final int STALLED_RECEIVE_BUFFER = 16 * 1024;

        private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final AtomicInteger accepted = new AtomicInteger();
        private final Channel server;

        public Tcp() {
            this(0, false, null);
        }

        private Tcp(int stalled, boolean closeEach, SslContext tls) {
            ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class);
            if (stalled > 0) {
                bootstrap.option(ChannelOption.SO_RCVBUF, STALLED_RECEIVE_BUFFER); // inherited before the handshake
            }
            server = bootstrap
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            connections.add(ch);
                            if (accepted.incrementAndGet() <= stalled) {
                                ch.config().setAutoRead(false); // never read: the client's writes stop moving
                                return;
                            }
                            if (closeEach) {
                                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void channelActive(ChannelHandlerContext ctx) {
                                        ctx.close();
                                    }
                                });
                                return;
                            }
                            if (tls != null) {
                                ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                            }
                            ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                    byte[] bytes = new byte[msg.readableBytes()];
                                    msg.readBytes(bytes);
                                    synchronized (received) {
                                        received.writeBytes(bytes);
                                    }
                                }
                            });
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
        }

        /**
         * A receiver that never reads from the first {@code stalled} connections it accepts, as a receiver that stopped
         * reading (or a host gone without a reset) looks to the client; it reads the later ones. Its connections have
         * small receive buffers.
         */
        public static Tcp stallingFirst(int stalled) {
            return new Tcp(stalled, false, null);
        }

        /** A receiver that closes every connection as soon as it has accepted it (as rsyslog over its MaxSessions). */
        public static Tcp closingEach() {
            return new Tcp(0, true, null);
        }

        /** A TLS receiver ({@code tls://}) with these server settings. */
        public static Tcp tls(TlsSettings server) {
            return new Tcp(0, false, TlsContexts.forServer(server, warning -> { }));
        }

        public int port() {
            return ((InetSocketAddress) server.localAddress()).getPort();
        }

        public String text() {
            synchronized (received) {
                return received.toString(StandardCharsets.UTF_8);
            }
        }

        /**
         * What was received, split into its octet-counted messages (checking every count); a message not yet received
         * whole is left out.
         */
        public List<String> octetCounted() {
            byte[] bytes;
            synchronized (received) {
                bytes = received.toByteArray();
            }
            List<String> messages = new ArrayList<>();
            int i = 0;
            while (i < bytes.length) {
                int sp = i;
                while (sp < bytes.length && bytes[sp] != ' ') {
                    sp++;
                }
                if (sp == bytes.length) {
                    break;
                }
                int length = Integer.parseInt(new String(bytes, i, sp - i, StandardCharsets.US_ASCII));
                if (sp + 1 + length > bytes.length) {
                    break;
                }
                messages.add(new String(bytes, sp + 1, length, StandardCharsets.UTF_8));
                i = sp + 1 + length;
            }
            return messages;
        }

        /** Connections open now. */
        public int connectionsAccepted() {
            return connections.size();
        }

        /** Connections accepted so far, closed ones included. */
        public int connectionsEverAccepted() {
            return accepted.get();
        }

        public void closeConnections() {
            connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }

        /** Stops accepting (connection attempts are refused) and keeps the connections it has. */
        public void stopListening() {
            server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            stopListening();
            closeConnections();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** Receives UDP datagrams, one string each (and its octets). */
    public static final class Udp implements AutoCloseable {
        private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        final List<String> datagrams = new CopyOnWriteArrayList<>();
        private final List<byte[]> octets = new CopyOnWriteArrayList<>();
        private final Channel channel;

        /** On 127.0.0.1, port 0. */
        public Udp() {
            this(new InetSocketAddress("127.0.0.1", 0));
        }

        /** On {@code address} (another loopback address, the port of a receiver on 127.0.0.1, say). */
        public Udp(InetSocketAddress address) {
            Channel bound;
            try {
                bound = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                        .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                                byte[] bytes = new byte[packet.content().readableBytes()];
                                packet.content().readBytes(bytes);
                                octets.add(bytes);
                                datagrams.add(new String(bytes, StandardCharsets.UTF_8));
                            }
                        })
                        .bind(address).syncUninterruptibly().channel();
            } catch (RuntimeException e) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
                throw e;
            }
            channel = bound;
        }

        public int port() {
            return ((InetSocketAddress) channel.localAddress()).getPort();
        }

        /** The datagrams received so far, as text (malformed UTF-8 replaced). */
        public List<String> datagrams() {
            return List.copyOf(datagrams);
        }

        /** The octets of each datagram received so far. */
        public List<byte[]> octets() {
            return List.copyOf(octets);
        }

        @Override
        public void close() {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
