package dev.sluice.relp.server;

import dev.sluice.transport.net.NettyIo;
import dev.sluice.transport.relp.RelpCommands;
import dev.sluice.transport.relp.RelpFrame;
import dev.sluice.transport.relp.RelpFrameDecoder;
import dev.sluice.transport.relp.RelpFrameEncoder;
import dev.sluice.transport.tls.TlsContexts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A real RELP server, plain or over TLS, that records what it receives and misbehaves on request.
 *
 * <p>It answers {@code open} with its offers, acknowledges every {@code syslog} frame in order, answers
 * {@code close}, and sends {@code serverclose} to its sessions on {@link #stop()}. Each accepted message is
 * recorded (and handed to the configured {@link MessageSink}) before its acknowledgement is written, so a
 * server that is killed has recorded everything it acknowledged. Acks of the frames of one read are written
 * and flushed together.
 *
 * <p>Use it standalone ({@code try (RelpServer server = RelpServer.builder().build().start()) { … }}), through
 * the JUnit 5 extension {@link RelpTestServer}, or from the command line ({@link Main}). Thread-safe.
 */
public final class RelpServer implements AutoCloseable {

    private static final Duration REBIND_PATIENCE = Duration.ofSeconds(10);

    private final RelpServerSettings settings;
    private final Faults faults = new Faults(this);
    private final SslContext sslContext;
    /** The running listener's start, {@code null} once stopped; sessions it accepted carry it. */
    private volatile Object listening;
    private final ChannelGroup sessions = new DefaultChannelGroup("relp-sessions", GlobalEventExecutor.INSTANCE);
    private final AtomicLong sessionIds = new AtomicLong();
    private final List<String> tlsFailures = new CopyOnWriteArrayList<>();
    private final List<String> protocolErrors = new CopyOnWriteArrayList<>();
    private final Clock clock = Clock.systemUTC();

    private final Object recordLock = new Object();
    private final ArrayList<ReceivedMessage> messages = new ArrayList<>();
    private long messageCount;
    private int waiters;

    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Channel serverChannel;
    private int boundPort;

    RelpServer(RelpServerSettings settings) {
        this.settings = settings;
        this.sslContext = settings.tls() == null ? null : TlsContexts.forServer(settings.tls(), settings.diagnostics());
    }

    /** A builder of a standalone server. */
    public static Builder builder() {
        return new Builder();
    }

    /** Binds and starts accepting sessions. Returns this server; does nothing if already started. */
    public synchronized RelpServer start() {
        if (serverChannel != null) {
            return this;
        }
        if (bossGroup == null) {
            bossGroup = new MultiThreadIoEventLoopGroup(1,
                    new DefaultThreadFactory("sluice-relp-server-accept", true), NettyIo.handlerFactory());
            workerGroup = new MultiThreadIoEventLoopGroup(0,
                    new DefaultThreadFactory("sluice-relp-server-io", true), NettyIo.handlerFactory());
        }
        int port = boundPort != 0 ? boundPort : settings.port();
        Object run = new Object();
        listening = run;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(NettyIo.serverSocketChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 512)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (sslContext != null) {
                            p.addLast("tls", sslContext.newHandler(ch.alloc()));
                        }
                        p.addLast("relp-decoder", new RelpFrameDecoder(settings.maxFrameSize()));
                        p.addLast("relp-encoder", RelpFrameEncoder.INSTANCE);
                        p.addLast("relp-session", new RelpSessionHandler(RelpServer.this, run,
                                sessionIds.incrementAndGet(), sslContext != null));
                    }
                });
        serverChannel = bind(bootstrap, port);
        boundPort = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        return this;
    }

    /**
     * Binds {@code port}. Rebinding the port of a server that was just stopped can fail for a moment while the
     * OS still holds it (another process's ephemeral socket may even take it); that is retried for a bounded
     * time. A port that stays in use is an error naming the address.
     */
    private Channel bind(ServerBootstrap bootstrap, int port) {
        long deadline = System.nanoTime() + (port == 0 ? 0 : REBIND_PATIENCE.toNanos());
        while (true) {
            ChannelFuture bound = bootstrap.bind(new InetSocketAddress(settings.bindAddress(), port))
                    .awaitUninterruptibly();
            if (bound.isSuccess()) {
                return bound.channel();
            }
            if (!(bound.cause() instanceof BindException) || System.nanoTime() >= deadline) {
                throw new IllegalStateException("cannot bind " + settings.bindAddress() + ":" + port + ": "
                        + bound.cause().getMessage(), bound.cause());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** The port the server is (or was last) bound to. */
    public synchronized int port() {
        if (boundPort == 0) {
            throw new IllegalStateException("not started");
        }
        return boundPort;
    }

    /** Whether the server is accepting sessions. */
    public synchronized boolean isRunning() {
        return serverChannel != null && serverChannel.isActive();
    }

    /**
     * Stops accepting sessions, sends {@code serverclose} to every open session and closes it. Recorded
     * messages are kept; {@link #start()} or {@link #restart()} binds the same port again.
     */
    public synchronized void stop() {
        listening = null;
        closeListener();
        serverCloseAll();
        sessions.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /**
     * Stops as a crashed server would: the listening socket closes and every session is reset (TCP RST)
     * without {@code serverclose} or pending acks.
     */
    public synchronized void kill() {
        listening = null;
        closeListener();
        for (Channel ch : sessions) {
            abort(ch);
        }
        sessions.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** {@link #stop()} if running, then {@link #start()} on the same port. */
    public synchronized RelpServer restart() {
        stop();
        return start();
    }

    /** Stops and releases the event loops. */
    @Override
    public synchronized void close() {
        stop();
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            bossGroup = null;
            workerGroup = null;
        }
    }

    /** Fault injection for this server. */
    public Faults faults() {
        return faults;
    }

    public RelpServerSettings settings() {
        return settings;
    }

    /** A snapshot of the messages recorded so far, in order of arrival. */
    public List<ReceivedMessage> messages() {
        synchronized (recordLock) {
            return List.copyOf(messages);
        }
    }

    /** Number of messages accepted so far (also when they are not recorded). */
    public long messageCount() {
        synchronized (recordLock) {
            return messageCount;
        }
    }

    /**
     * Waits until at least {@code count} messages have been accepted, and returns the first {@code count}
     * recorded ones (an empty list when recording is off).
     *
     * @throws AssertionError when they have not arrived within {@code timeout}, saying how many did
     */
    public List<ReceivedMessage> awaitMessages(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (recordLock) {
            waiters++;
            try {
                while (messageCount < count) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("expected " + count + " messages within " + timeout + ", got "
                                + messageCount);
                    }
                    TimeUnit.NANOSECONDS.timedWait(recordLock, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + count + " messages, got " + messageCount, e);
            } finally {
                waiters--;
            }
            return List.copyOf(messages.subList(0, Math.min(count, messages.size())));
        }
    }

    /** Forgets the recorded messages, the count, and the recorded TLS failures and protocol errors. */
    public void clear() {
        synchronized (recordLock) {
            messages.clear();
            messages.trimToSize();
            messageCount = 0;
        }
        tlsFailures.clear();
        protocolErrors.clear();
    }

    /** Number of recorded messages whose octets equal those of an earlier recorded message. */
    public int duplicateCount() {
        List<ReceivedMessage> snapshot = messages();
        Set<ByteBuffer> seen = new HashSet<>(snapshot.size() * 2);
        int duplicates = 0;
        for (ReceivedMessage m : snapshot) {
            if (!seen.add(ByteBuffer.wrap(m.raw()))) {
                duplicates++;
            }
        }
        return duplicates;
    }

    /** Number of distinct recorded messages (by their octets). */
    public int distinctCount() {
        return messages().size() - duplicateCount();
    }

    /** Sessions open now. */
    public int activeSessions() {
        return sessions.size();
    }

    /** Sessions accepted since the server was built. */
    public long sessionsOpened() {
        return sessionIds.get();
    }

    /** Why TLS handshakes failed, one entry per refused session. */
    public List<String> tlsFailures() {
        return List.copyOf(tlsFailures);
    }

    /** RELP protocol errors that closed a session. */
    public List<String> protocolErrors() {
        return List.copyOf(protocolErrors);
    }

    // ---- called by the session handlers ----

    /** The running listener's start (what its sessions carry), {@code null} when stopped; for tests. */
    Object listening() {
        return listening;
    }

    /**
     * Counts a new session in, unless it comes too late: accepted by a listener that {@link #stop()} or
     * {@link #kill()} has closed since ({@code run} is the listener's start), it would outlive the stop that
     * closed every session it knew of.
     */
    boolean register(Channel ch, Object run) {
        if (sessions.size() >= settings.maxSessions()) {
            diagnostic("session from " + ch.remoteAddress() + " refused: " + sessions.size()
                    + " sessions open (maxSessions: " + settings.maxSessions() + ")");
            return false;
        }
        sessions.add(ch);
        if (listening != run) { // read after the add: a stop either sees the session or is seen here
            sessions.remove(ch);
            return false;
        }
        return true;
    }

    void record(long sessionId, int txnr, SocketAddress remote, String peerSubject, byte[] raw) throws Exception {
        MessageSink sink = settings.sink();
        if (!settings.recordMessages() && sink == null) {
            // Counting only: nobody will see the parsed message (the parser never throws, so skipping it
            // changes no answer). Parsing here cost the receiver about a third of its CPU in the throughput runs.
            synchronized (recordLock) {
                messageCount++;
                if (waiters > 0) {
                    recordLock.notifyAll();
                }
            }
            return;
        }
        ParsedSyslog parsed = SyslogParser.parse(raw);
        ReceivedMessage message;
        synchronized (recordLock) {
            message = new ReceivedMessage(messageCount, sessionId, txnr, remote, peerSubject, clock.instant(), raw,
                    parsed);
            if (settings.recordMessages()) {
                messages.add(message);
            }
            messageCount++;
            if (waiters > 0) {
                recordLock.notifyAll();
            }
        }
        if (sink != null) {
            sink.accept(message);
        }
    }

    void flushSink() throws Exception {
        MessageSink sink = settings.sink();
        if (sink != null) {
            sink.flush();
        }
    }

    void tlsFailure(String reason) {
        tlsFailures.add(reason);
        diagnostic(reason);
    }

    void protocolError(String reason) {
        protocolErrors.add(reason);
        diagnostic(reason);
    }

    void diagnostic(String message) {
        settings.diagnostics().accept(message);
    }

    Faults faultsInternal() {
        return faults;
    }

    void releaseWithheldAcks() {
        for (Channel ch : sessions) {
            RelpSessionHandler handler = ch.pipeline().get(RelpSessionHandler.class);
            if (handler != null) {
                ch.eventLoop().execute(handler::releaseWithheldAcks);
            }
        }
    }

    void serverCloseAll() {
        // A write from outside the event loop is queued as a task ahead of the close that follows it.
        for (Channel ch : sessions) {
            ch.writeAndFlush(RelpFrame.of(0, RelpCommands.SERVERCLOSE)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    void setAutoRead(boolean autoRead) {
        // On the event loop, so that when this returns no further read is in progress or pending.
        for (Channel ch : sessions) {
            ch.eventLoop().submit(() -> ch.config().setAutoRead(autoRead)).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private void closeListener() {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            serverChannel = null;
        }
    }

    static void abort(Channel ch) {
        if (ch.isOpen()) {
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
            ch.close();
        }
    }

    /** Builder of a standalone {@link RelpServer}. */
    public static final class Builder extends RelpServerSettings.Builder<Builder> {
        Builder() {
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** A server with these settings, not yet started. */
        public RelpServer build() {
            return new RelpServer(settings());
        }
    }
}
