package dev.sluice.transport.net;

import dev.sluice.transport.tls.TlsConfigException;
import dev.sluice.transport.tls.TlsContexts;
import dev.sluice.transport.tls.TlsMaterialWatcher;
import dev.sluice.transport.tls.TlsSettings;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * What every transport shares: the hand-off from callers, the ordered completion of messages, the connection
 * life cycle (connect with timeout, TLS, backoff, reconnect) and the bounded close.
 *
 * <h2>Threading</h2>
 * Each transport is pinned to one event loop of the shared {@link TransportEventLoops} group. Callers only touch
 * {@link #offer}'s lock-free inbox and a few atomics; everything else (the message deques, the channel, timers)
 * is confined to that event loop, so it needs no locks. {@code offer} schedules one drain task when the inbox goes
 * from idle to busy, never one task per message; the drain moves the whole inbox and writes a batch with one
 * flush. While the transport could write nothing anyway (a full RELP window), it {@link #park parks}: offers then
 * schedule no task, and the next {@link #pump} takes the inbox in.
 *
 * <h2>Messages</h2>
 * {@code order} holds every message not yet reported, in offer order; {@code backlog} those to be written next.
 * A message completes (delivered or rejected) possibly out of order, but is reported only when all earlier ones
 * were, so the listener sees offer order. When a session ends, every message that is not complete goes back to
 * the backlog in offer order, to be written on the next session.
 */
abstract class NettyTransport implements SyslogTransport {

    /** Bytes gathered into one buffer before it is handed to the channel. */
    static final int BATCH_BYTES = 64 * 1024;

    /** How much longer than its timeout {@link #close(Duration)} waits for the I/O thread to hand back. */
    static final long CLOSE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

    /**
     * The first capacity of a buffer for {@code messages} messages like {@code first} with {@code overhead} octets of
     * framing each, at least two messages' worth and at most {@link #BATCH_BYTES}: sized for the batch at once, so that
     * a window of 128 is not copied through six doublings (the RELP encoder 53 → 43 ns per frame, measured).
     */
    static int batchCapacity(int messages, Outbound first, int overhead) {
        long each = first.size() + (long) overhead;
        return (int) Math.min(BATCH_BYTES, Math.max(2, messages) * each);
    }

    final Target target;
    final TransportSettings settings;
    final DeliveryListener listener;
    final EventLoop loop;

    /**
     * Looks host names up off the event loops for connections (and UDP's binds); daemon threads named
     * {@code sluice-dns-N}, idle ones end. UDP's periodic look-ups run on {@link #REFRESHER}, never here: a connection
     * needs its address now, and must not wait behind look-ups that can wait.
     */
    private static final ThreadPoolExecutor RESOLVER = lookupThreads("sluice-dns-", 4);

    /**
     * Looks UDP's receivers' names up again ({@link #lookUpAgain}): one daemon thread, {@code sluice-dns-refresh-N},
     * that ends when idle. One at a time across the JVM: with a slow DNS server, the refreshes of many UDP targets
     * hold one thread, not the connections' (see {@link #REFRESHING}).
     */
    private static final ThreadPoolExecutor REFRESHER = lookupThreads("sluice-dns-refresh-", 1);

    /**
     * A refresh is under way on {@link #REFRESHER}, from when it is handed over until the resolver returns: at most
     * one in the JVM. Another refresh that comes due meanwhile is skipped, not queued, and tried again at its next
     * interval: a refresh is never urgent (UDP keeps sending to the address it has), and queued ones would pile up
     * behind a DNS server that does not answer, then all go to it at once when it does. A resolver that never returns
     * thus stops every refresh, but no connection.
     */
    private static final AtomicBoolean REFRESHING = new AtomicBoolean();

    /** The target's address as last looked up; set on the event loop before a channel is opened. */
    InetSocketAddress resolved;

    private static ThreadPoolExecutor lookupThreads(String prefix, int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, prefix + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private final TransportEventLoops.Lease lease;
    private final Backoff backoff;

    // ---- shared with callers ----
    private final Queue<Outbound> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean closeRequested = new AtomicBoolean();
    private final CompletableFuture<List<Outbound>> closed = new CompletableFuture<>();
    private final Runnable drainTask = this::drainInbox;
    private final Runnable batchReported = this::endReportBatch;
    /**
     * A read is under way: {@link #complete} marks messages done, and they are reported at the end of the read,
     * after {@link #readComplete} wrote the frames their answers made room for. The reports (counters, the
     * listener's hand-off to the delivery thread) are then off the path from an answer to the next frame. I/O
     * thread only; done messages stay in {@link #order} until reported, so nothing is lost if the read ends
     * another way (see {@link #sessionEnded}, {@link #terminate}).
     */
    private boolean reportsDeferred;
    /** A {@link DeliveryListener#reportedBatch()} is queued on the loop. I/O thread only. */
    private boolean batchReportScheduled;
    private volatile boolean refused;
    /** See {@link #park}. Written by the I/O thread, read by {@link #offer}. */
    private volatile boolean parked;
    private volatile boolean terminated;
    private volatile TransportState state = TransportState.DISCONNECTED;

    // ---- event loop only ----
    final ArrayDeque<Entry> order = new ArrayDeque<>();
    /** In offer order ({@link Entry#seq}), which {@link #takeInbox} and {@link #requeue} keep, and RELP's retries too. */
    final ArrayDeque<Entry> backlog = new ArrayDeque<>();
    /** The {@link Entry#seq} of the next message taken in. */
    private long nextSeq;
    Connection current;
    boolean draining;
    private ScheduledFuture<?> reconnectTask;
    private ScheduledFuture<?> deadlineTask;
    private SslContext sslContext;
    private TlsMaterialWatcher watcher;

    /** One connection attempt and, if it succeeds, its session. */
    final class Connection {
        Channel channel;
        SslHandler ssl;
        /** Why the session ended, when this side knows it (set before closing). */
        String closeReason;
        /** The session is usable for messages. */
        boolean ready;
        boolean ended;
        boolean tlsReported;
        /** Reconnect at once after this session (rebind), not after a backoff. */
        boolean reconnectNow;
        /** This side ends the session on purpose (close answered, rebind, connectionTtl, close()): no failure. */
        boolean planned;
        /** Ends the session after {@code connectionTtl}; cancelled with the session, so that it keeps nothing alive. */
        ScheduledFuture<?> ttlTask;
        /** When the channel began to connect ({@link #now()}): how long the connect (and TLS handshake) took. */
        long connectStartedAt;
        /**
         * Ready, but not proven healthy yet: the failed attempts before this session still count (see
         * {@link #sessionOpened}).
         */
        boolean onProbation;
        /** When the session became ready ({@link #now()}). */
        long readyAt;
        /** Ends the probation once the session has been ready for {@code ackTimeout}; cancelled with the session. */
        ScheduledFuture<?> probationTask;

        /** Ends the session with {@code reason} (kept if one is already set). */
        void fail(String reason) {
            if (closeReason == null) {
                closeReason = reason;
            }
            if (channel != null) {
                channel.close();
            }
        }
    }

    NettyTransport(Target target, TransportSettings settings, DeliveryListener listener) {
        this.target = target;
        this.settings = settings;
        this.listener = listener;
        if (target.scheme().isTls()) {
            TlsSettings tls = settings.tls().orElseThrow(() -> new IllegalArgumentException(
                    "tls: required for target " + target + " (set caFile, certFile, keyFile, ...)"));
            watcher = TlsMaterialWatcher.of(tls);
            // Fails here, at configuration, with TlsConfigException naming the option and file.
            sslContext = buildSslContext(tls);
        }
        this.backoff = settings.newBackoff();
        this.lease = TransportEventLoops.acquire();
        this.loop = lease.next();
    }

    /** Starts connecting; called once by the factory after construction. */
    void start() {
        loop.execute(this::connect);
    }

    // ------------------------------------------------------------------ SPI

    @Override
    public boolean offer(Outbound message) {
        if (closeRequested.get()) {
            return false;
        }
        if (pending.incrementAndGet() > settings.maxPending()) {
            pending.decrementAndGet();
            refused = true;
            if (pending.get() <= lowWater()) {
                // Everything may have drained between our check and setting the flag: make sure writable() comes.
                loop.execute(this::maybeWritable);
            }
            return false;
        }
        inbox.add(message);
        if (terminated && inbox.remove(message)) {
            // close() collected the inbox before we added: the caller keeps the message.
            pending.decrementAndGet();
            return false;
        }
        // a plain read first: while a drain is scheduled (most offers in a burst) no compare-and-set, which would take
        // the flag's cache line from the I/O thread for nothing
        if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true) && !parked) {
            loop.execute(drainTask);
        }
        return true;
    }

    @Override
    public TransportState state() {
        return state;
    }

    @Override
    public int pending() {
        return pending.get();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Bounded: it returns at the latest {@code timeout} plus two seconds after the call, whatever the server
     * does. Called on this transport's I/O thread (from a listener), it does not wait: the drain then happens
     * without this caller, and the returned list is empty unless the close could finish at once. A second call
     * waits like the first but returns an empty list: the undelivered messages are handed back once. If the I/O
     * thread is held up past that bound (a listener blocks it, a long pause), the first call returns {@code null}
     * and the messages go to {@link DeliveryListener#handedBackLate} when the thread gets to them.
     */
    @Override
    public List<Outbound> close(Duration timeout) {
        long nanos = timeout.isNegative() ? 0 : saturatedNanos(timeout);
        boolean first = closeRequested.compareAndSet(false, true);
        if (first) {
            if (loop.inEventLoop()) {
                beginClose(0);
            } else {
                loop.execute(() -> beginClose(nanos));
            }
        }
        try {
            if (loop.inEventLoop()) {
                List<Outbound> now = closed.getNow(null);
                return now != null ? now : List.of();
            }
            List<Outbound> undelivered = closed.get(Math.min(Long.MAX_VALUE - CLOSE_GRACE_NANOS, nanos)
                    + CLOSE_GRACE_NANOS, TimeUnit.NANOSECONDS);
            // Only the first caller gets the messages back, so that they are never kept twice.
            return first ? undelivered : List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return handBackLate(first);
        } catch (ExecutionException | TimeoutException e) {
            // The I/O thread is held up (a listener blocks it, a long pause): the messages cannot be collected
            // safely now, so they are handed over when it gets to them.
            return handBackLate(first);
        } finally {
            if (closed.isDone()) {
                lease.close();
            } else {
                closed.whenComplete((r, e) -> lease.close());
            }
        }
    }

    private List<Outbound> handBackLate(boolean first) {
        if (!first) {
            return List.of();
        }
        closed.whenComplete((undelivered, failure) -> {
            List<Outbound> late = undelivered != null ? undelivered : List.of();
            safely(() -> listener.handedBackLate(late));
        });
        return null;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + target + ", " + state + ", pending=" + pending.get() + "]";
    }

    // ------------------------------------------------------- for subclasses

    /** Adds the protocol's handlers (after TLS, before the session handler). */
    abstract void initPipeline(ChannelPipeline pipeline);

    /** The connection (and TLS handshake) succeeded: start the session; call {@link #sessionReady} once usable. */
    abstract void sessionStarted(Connection conn);

    /** A message read from the channel; the subclass owns it (release it if reference-counted). */
    abstract void read(Connection conn, Object msg);

    /** The end of a read: a good moment to write what the read made possible. */
    void readComplete(Connection conn) {
        pump();
    }

    /** Writes what the backlog and the protocol allow, then flushes once. */
    abstract void pump();

    /**
     * Runs {@code expire} on the event loop once {@code connectionTtl} has passed on {@code conn}, if it is still
     * the current connection. Does nothing when {@code connectionTtl} is off.
     */
    final void scheduleTtl(Connection conn, Runnable expire) {
        java.time.Duration ttl = settings.connectionTtl();
        if (ttl.isZero()) {
            return;
        }
        conn.ttlTask = loop.schedule(() -> {
            if (conn == current && conn.ready && !isTerminated()) {
                expire.run();
            }
        }, ttl.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** The session ended; forget its protocol state (unanswered messages are requeued by the caller). */
    void sessionLost(Connection conn) {
    }

    /** Everything is delivered while closing: end the session cleanly, then {@link #terminate()}. */
    void drained() {
        terminate();
    }

    /** Opens the channel; stream transports connect, UDP binds. */
    ChannelFuture openChannel(Connection conn, SslContext ssl) {
        int connectMillis = (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis());
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(NettyIo.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(initializer(conn, ssl));
        return bootstrap.connect(resolved);
    }

    ChannelInitializer<Channel> initializer(Connection conn, SslContext ssl) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                conn.channel = ch;
                if (ssl != null) {
                    SslHandler handler = TlsContexts.newClientHandler(ssl, ch.alloc(), target.host(), target.port());
                    handler.setHandshakeTimeoutMillis(settings.connectTimeout().toMillis());
                    conn.ssl = handler;
                    ch.pipeline().addLast("tls", handler);
                }
                initPipeline(ch.pipeline());
                ch.pipeline().addLast("session", new SessionHandler(conn));
            }
        };
    }

    /** The session can carry messages. */
    void sessionReady(Connection conn) {
        conn.ready = true;
        state = TransportState.CONNECTED;
        sessionOpened(conn);
        pump();
        if (draining && order.isEmpty()) {
            drained();
        }
    }

    /**
     * The session is ready: it is reported connected at once, and is on probation until it proves healthy. A TCP or
     * TLS session that settled, or a RELP session whose {@code open} was answered, says nothing about a receiver that
     * takes messages (see their class comments): were it a success for the backoff, a receiver that takes sessions
     * but no messages would be tried again after the backoff's first delay after every stall, for ever. So the failed
     * attempts before it are forgotten only when {@link #provedHealthy} (the protocol's proof: an answer, writes that
     * move on), when it has been ready for {@code ackTimeout} with nothing awaited ({@link #awaitsNothing}), or when
     * this side ends it on purpose (a rebind or {@code connectionTtl}: its {@code close} was answered, or its writes
     * went out). One that ends on probation in any other way is one more failed attempt: by the stall its protocol
     * watches for ({@link #stalled}), and as much when the peer or the protocol ends it first ({@code serverclose}, a
     * closed or reset connection, a protocol error). A receiver that takes each session and ends it at once, before it
     * answers anything, would else be tried again after the backoff's first delay, for ever. A session that proved
     * healthy and ends later was a success: the delay after it is the first one.
     *
     * <p>Once {@link #close(Duration)} was called, a session's end resets nothing, however it comes (this transport's
     * {@code terminate}, a drain's {@code close} handshake, the peer meanwhile): the transport is going, and its backoff
     * may be the one its successor draws from (the engine's, shared by the transports it opens in turn: failover and
     * the spool's hand-over close with no time to drain and open the next at once). That end comes later, on this I/O
     * thread, and a reset then would undo the delays the successor had drawn. A session its own close ends is no failed
     * attempt either: nothing reconnects after it. The flag is {@code closeRequested}, not {@code terminated}: it is set
     * on the caller's thread before {@code close} returns, so before any successor exists (also when {@code close}
     * returns early because this I/O thread is held up), and it covers a drain's clean end, which comes before
     * {@code terminate}.
     *
     * <p>It is reported {@link DeliveryListener#connected} now, not once proven: it carries messages from now on, the
     * engine hands messages only to a connected transport, and health would otherwise show every healthy session
     * disconnected for its first {@code ackTimeout}. The proof is reported too
     * ({@link DeliveryListener#provedHealthy}): the engine's failover counts a target as reachable only from then on.
     * A UDP socket's bind says nothing about the route: UDP does both itself (see its class comment).
     */
    void sessionOpened(Connection conn) {
        reportConnected(conn);
        conn.onProbation = true;
        conn.readyAt = now();
        conn.probationTask = loop.schedule(() -> {
            conn.probationTask = null;
            if (conn == current && !conn.ended && awaitsNothing(conn)) {
                provedHealthy(conn);
            } // else something is awaited: its answer or progress proves the session, or the stall fails it
        }, saturatedNanos(settings.ackTimeout()), TimeUnit.NANOSECONDS);
    }

    /**
     * Whether nothing the session sent is awaited (TCP: no octet waits to be written; RELP: no frame is unanswered):
     * a session ready for {@code ackTimeout} that awaits nothing then has proven healthy (see {@link #sessionOpened}).
     */
    boolean awaitsNothing(Connection conn) {
        return true;
    }

    /**
     * {@code conn} proved healthy, or this side ended it on purpose: the failed attempts before it are forgotten, and
     * the listener is told ({@link DeliveryListener#provedHealthy}).
     */
    final void provedHealthy(Connection conn) {
        if (!conn.onProbation) {
            return;
        }
        conn.onProbation = false; // its probationTask, if still due, finds it proven: sessionEnded cancels it
        resetBackoff();
    }

    /**
     * Ends {@code conn} by the stall its protocol watches for (TCP: no write progress; RELP: no answer) for
     * {@code ackTimeout}. On probation, that is one more failed attempt: the backoff is not reset, and the next delay
     * grows (see {@link #sessionOpened}).
     */
    final void stalled(Connection conn, String reason) {
        conn.onProbation = false;
        conn.fail(reason);
    }

    /**
     * Forgets the failed attempts (the next delay after a failure is the backoff's first) and reports
     * {@link DeliveryListener#provedHealthy}. Not once {@link #close(Duration)} was called: the backoff may be its
     * successor's by now, and the engine's failover would count the proof for the successor's target (see
     * {@link #sessionOpened}).
     */
    final void resetBackoff() {
        if (closeRequested.get()) {
            return;
        }
        backoff.reset();
        safely(listener::provedHealthy);
    }

    final void reportConnected(Connection conn) {
        SocketAddress remote = conn.channel.remoteAddress();
        safely(() -> listener.connected(remote != null ? remote : conn.channel.localAddress()));
    }

    /**
     * Marks {@code e} complete and reports every complete message at the head of the order; during a read, once the
     * read is complete, after the writes it made room for (see {@link #reportsDeferred}).
     */
    void complete(Entry e, String rejectReason) {
        if (e.done) {
            return;
        }
        e.done = true;
        e.unanswered = false;
        e.rejectReason = rejectReason;
        if (!reportsDeferred) {
            reportCompleted();
        }
    }

    /** Reports every complete message at the head of the order. */
    private void reportCompleted() {
        boolean reported = false;
        Entry head;
        while ((head = order.peekFirst()) != null && head.done) {
            order.pollFirst();
            report(head);
            reported = true;
        }
        if (reported) {
            maybeWritable();
            if (draining && order.isEmpty() && !terminated) {
                drained();
            }
        }
    }

    long now() {
        return settings.ticker().getAsLong();
    }

    boolean isTerminated() {
        return terminated;
    }

    /** Calls a listener method; a listener that throws must not break the I/O thread. */
    static void safely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException ignored) {
            // The listener's bug; nowhere to report it without looping back into logging.
        }
    }

    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }

    /** Whether {@code t} is, or was caused by, a TLS failure (the peer's alert, a record that did not decrypt). */
    static boolean isTls(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof javax.net.ssl.SSLException) {
                return true;
            }
        }
        return false;
    }

    static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    // --------------------------------------------------------------- internals

    /** The end of a batch of reports: the loop's tasks run after the I/O (reads, their writes) that made them. */
    private void endReportBatch() {
        batchReportScheduled = false;
        try {
            listener.reportedBatch();
        } catch (RuntimeException ignored) {
            // the listener's bug; see safely()
        }
    }

    private int lowWater() {
        return settings.maxPending() / 2;
    }

    private void report(Entry e) {
        if (e.rejectReason == null) {
            try { // as safely(), without a lambda per delivered message
                listener.delivered(e.message);
            } catch (RuntimeException ignored) {
                // the listener's bug; see safely()
            }
        } else {
            safely(() -> listener.rejected(e.message, e.rejectReason));
        }
        pending.decrementAndGet();
        if (!batchReportScheduled) {
            batchReportScheduled = true;
            try {
                loop.execute(batchReported);
            } catch (RejectedExecutionException shuttingDown) {
                endReportBatch();
            }
        }
    }

    private void maybeWritable() {
        if (refused && !closeRequested.get() && pending.get() <= lowWater()) {
            refused = false;
            safely(listener::writable);
        }
    }

    private void drainInbox() {
        takeInbox();
        if (!terminated) {
            pump();
        }
    }

    /** Moves the inbox into {@link #order} and {@link #backlog}. I/O thread only. */
    final void takeInbox() {
        drainScheduled.set(false);
        if (terminated) {
            return;
        }
        Outbound m;
        while ((m = inbox.poll()) != null) {
            Entry e = new Entry(m, nextSeq++);
            order.addLast(e);
            backlog.addLast(e);
        }
    }

    /**
     * Tells callers not to wake this I/O thread for new messages: it comes back to the inbox by itself, at the next
     * {@link #pump} (RELP parks while its window is full, so a read of answers comes next). Saves the I/O thread a
     * wake-up, and the caller a system call, for every drain that could write nothing. Only when a {@code pump} is
     * sure to follow: an answer, the end of the session, or a close.
     */
    final void park() {
        parked = true;
    }

    /**
     * Ends a {@link #park}; call it first in {@link #pump}. Returns whether messages wait in the inbox that no drain
     * task will take: the caller must {@link #takeInbox} them before it returns, also when it throws (after its
     * writes, if it likes), or they would wait until a close.
     */
    final boolean unpark() {
        if (!parked) {
            return false;
        }
        parked = false; // before reading drainScheduled: an offer that saw parked set is then seen here
        return drainScheduled.get();
    }

    private void connect() {
        reconnectTask = null;
        if (terminated) {
            return;
        }
        state = TransportState.CONNECTING;
        SslContext ssl;
        try {
            ssl = currentSslContext();
        } catch (RuntimeException e) {
            String reason = "TLS settings cannot be used: " + e.getMessage();
            safely(() -> listener.tlsFailure(reason));
            safely(() -> listener.disconnected(reason));
            state = TransportState.DISCONNECTED;
            scheduleReconnect(false);
            return;
        }
        Connection conn = new Connection();
        current = conn;
        try {
            lookUp(addresses -> connectResolved(conn, ssl, addresses.isEmpty()
                    ? InetSocketAddress.createUnresolved(target.host(), target.port())
                    : new InetSocketAddress(addresses.get(0), target.port())));
        } catch (RejectedExecutionException e) {
            conn.closeReason = "cannot look up " + target.host() + ": " + describe(e);
            sessionEnded(conn);
        }
    }

    /**
     * Looks the target's host up with the settings' {@link HostResolver} and hands its addresses (none if the lookup
     * failed) to {@code then} on the event loop. The lookup runs on a resolver thread: a slow DNS server must never
     * stall the event loop, which every transport of the JVM shares. An IP literal is parsed, not looked up, and is
     * not queued behind the lookups of other transports, which a slow DNS server may hold for seconds each.
     *
     * @throws RejectedExecutionException if no resolver thread can take the lookup
     */
    final void lookUp(Consumer<List<InetAddress>> then) {
        if (!tookLiteral(then)) {
            RESOLVER.execute(() -> handOver(addresses(), then));
        }
    }

    /**
     * As {@link #lookUp}, for a lookup that can wait: UDP's look-up of a name it already has an address for. It runs
     * on the one {@link #REFRESHER} thread, so that however many UDP targets a slow DNS server holds, the lookups of
     * connections are not queued behind theirs; and only if no other refresh runs now (see {@link #REFRESHING}).
     *
     * @throws RejectedExecutionException if another refresh is under way (or no thread can take it): keep the
     *     address, and try again later
     */
    final void lookUpAgain(Consumer<List<InetAddress>> then) {
        if (tookLiteral(then)) {
            return;
        }
        if (!REFRESHING.compareAndSet(false, true)) {
            throw new RejectedExecutionException("another refresh is under way");
        }
        try {
            REFRESHER.execute(() -> {
                List<InetAddress> addresses;
                try {
                    addresses = addresses();
                } finally {
                    REFRESHING.set(false); // also if the resolver threw an Error: else no refresh would run again
                }
                handOver(addresses, then);
            });
        } catch (RejectedExecutionException e) {
            REFRESHING.set(false);
            throw e;
        } catch (Error e) { // no thread could be started for it: skipped as a refused one, and the slot is free again
            REFRESHING.set(false);
            throw new RejectedExecutionException("cannot start a refresh: " + e, e);
        }
    }

    /** If the target is an IP literal, hands it to {@code then} on the event loop, not queued behind any lookup. */
    private boolean tookLiteral(Consumer<List<InetAddress>> then) {
        InetAddress literal = target.isIpLiteral() ? NetUtil.createInetAddressFromIpAddressString(target.host()) : null;
        if (literal == null) {
            return false;
        }
        loop.execute(() -> then.accept(List.of(literal)));
        return true;
    }

    /** Hands a lookup's {@code addresses} to {@code then} on the event loop; called on a resolver thread. */
    private void handOver(List<InetAddress> addresses, Consumer<List<InetAddress>> then) {
        try {
            loop.execute(() -> then.accept(addresses));
        } catch (RejectedExecutionException e) {
            // Closed during the lookup, and the shared group shut down with its last transport: nothing is
            // left to do. Thrown on, it would reach System.err through the uncaught-exception handler.
        }
    }

    /** The target's addresses, none if the lookup failed; an IP literal parsed, not looked up. Blocks. */
    private List<InetAddress> addresses() {
        String host = target.host();
        try {
            if (target.isIpLiteral()) {
                return List.of(InetAddress.getByName(host));
            }
            return List.copyOf(settings.resolver().resolve(host));
        } catch (UnknownHostException | RuntimeException e) {
            return List.of(); // a resolver's exception, thrown on, would reach System.err (see lookUp)
        }
    }

    private void connectResolved(Connection conn, SslContext ssl, InetSocketAddress address) {
        if (terminated) {
            conn.ended = true; // closed while the name was being looked up: nothing was opened
            if (current == conn) {
                current = null;
            }
            return;
        }
        if (conn != current || conn.ended) {
            return;
        }
        if (address.isUnresolved()) {
            conn.closeReason = "cannot resolve " + target.host() + " for " + target;
            sessionEnded(conn);
            return;
        }
        resolved = address;
        ChannelFuture future;
        try {
            conn.connectStartedAt = now();
            future = openChannel(conn, ssl);
        } catch (RuntimeException e) {
            conn.closeReason = "cannot open a channel to " + target + ": " + describe(e);
            sessionEnded(conn);
            return;
        }
        future.addListener((ChannelFuture f) -> {
            if (conn.ended) {
                return;
            }
            if (!f.isSuccess()) {
                conn.closeReason = "connect to " + target + " failed: " + describe(f.cause());
                f.channel().close();
                sessionEnded(conn);
                return;
            }
            if (conn.ssl == null) {
                sessionStarted(conn);
                return;
            }
            conn.ssl.handshakeFuture().addListener((Future<Channel> h) -> {
                if (conn.ended) {
                    return;
                }
                if (h.isSuccess()) {
                    sessionStarted(conn);
                } else {
                    reportTlsFailure(conn, h.cause());
                    conn.fail(conn.closeReason);
                }
            });
        });
    }

    private void reportTlsFailure(Connection conn, Throwable cause) {
        if (conn.tlsReported) {
            return;
        }
        conn.tlsReported = true;
        String reason = TlsContexts.describeFailure(cause);
        if (conn.closeReason == null) {
            conn.closeReason = "TLS handshake with " + target + " failed: " + reason;
        }
        safely(() -> listener.tlsFailure(reason));
    }

    /** Reports what a read completed (see {@link #reportsDeferred}). */
    private void endDeferredReports() {
        if (reportsDeferred) {
            reportsDeferred = false;
            if (!terminated) {
                reportCompleted();
            }
        }
    }

    /** Called once per connection, when its channel is gone or could not be opened. */
    void sessionEnded(Connection conn) {
        endDeferredReports(); // a read that ended the session reports what it completed before the requeue
        if (conn.ended) {
            return;
        }
        conn.ended = true;
        if (current == conn) {
            current = null;
        }
        boolean wasReady = conn.ready;
        conn.ready = false;
        if (conn.ttlTask != null) {
            // else the loop held the closed channel, its pipeline and TLS engine until connectionTtl (say an hour)
            conn.ttlTask.cancel(false);
            conn.ttlTask = null;
        }
        if (conn.probationTask != null) {
            conn.probationTask.cancel(false);
            conn.probationTask = null;
        }
        if (closeRequested.get()) {
            conn.onProbation = false; // closing: the backoff may be its successor's by now (see sessionOpened)
        } else if (conn.planned) {
            provedHealthy(conn); // ended by this side on purpose: its close was answered, or its writes went out
        } else {
            conn.onProbation = false; // ended by the peer or the protocol before any proof: a failed attempt
        }
        if (conn.ssl != null && conn.ssl.handshakeFuture().isDone() && !conn.ssl.handshakeFuture().isSuccess()) {
            reportTlsFailure(conn, conn.ssl.handshakeFuture().cause());
        }
        sessionLost(conn);
        requeue();
        String reason = conn.closeReason != null ? conn.closeReason
                : wasReady ? "connection to " + target + " closed by the server"
                : "connection to " + target + " closed before the session was open";
        boolean planned = conn.planned;
        safely(() -> listener.disconnected(reason, planned));
        if (terminated) {
            return;
        }
        state = TransportState.DISCONNECTED;
        if (draining && order.isEmpty()) {
            terminate();
            return;
        }
        scheduleReconnect(conn.reconnectNow && planned); // a rebind that failed waits like any failure
    }

    /** Puts every incomplete message back into the backlog, in offer order. */
    private void requeue() {
        backlog.clear();
        for (Entry e : order) {
            if (!e.done) {
                if (e.unanswered) {
                    e.unanswered = false;
                    e.resendPending = true;
                }
                backlog.addLast(e);
            }
        }
        requeued();
    }

    /** After a session's end put every incomplete message back into the backlog: drop what refers to the old one. */
    void requeued() {
    }

    private void scheduleReconnect(boolean now) {
        if (terminated || reconnectTask != null) {
            return;
        }
        long delay = now ? 0 : Math.max(0, saturatedNanos(backoff.next()));
        reconnectTask = loop.schedule(this::connect, delay, TimeUnit.NANOSECONDS);
    }

    /**
     * The context for the next connection, built again when the TLS files changed on disk since the last good build.
     * Files that changed but cannot be used fail this attempt (the caller reports it and tries again after the
     * backoff); the previous context is not used instead: a CA file that cannot be read fails closed, and the old
     * trust anchors may be the very ones the change withdrew. The watcher keeps the snapshot of the last good build
     * until a build succeeds, so every attempt reads the files again and the first one that finds them usable
     * connects with them.
     *
     * @throws TlsConfigException (or another runtime exception of the TLS provider) if the changed files cannot be
     *     used
     */
    private SslContext currentSslContext() {
        if (watcher == null) {
            return null;
        }
        if (watcher.changed()) {
            TlsSettings tls = settings.tls().orElseThrow();
            TlsMaterialWatcher next = TlsMaterialWatcher.of(tls); // snapshot before reading: a change in between is seen next time
            try {
                sslContext = buildSslContext(tls);
            } catch (TlsConfigException e) {
                throw new TlsConfigException(e.getMessage() + " (the files changed on disk; no connection until they"
                        + " can be used)", e);
            }
            watcher = next;
            safely(() -> listener.warning("TLS key, certificate or CA files changed: reloaded for " + target));
        }
        return sslContext;
    }

    private SslContext buildSslContext(TlsSettings tls) {
        Consumer<String> warnings = message -> safely(() -> listener.warning(message));
        return TlsContexts.forClient(tls, target.host(), warnings, settings.clock());
    }

    private void beginClose(long nanos) {
        draining = true;
        drainInbox();
        if (nanos == 0) {
            terminate();
            return;
        }
        deadlineTask = loop.schedule(this::terminate, nanos, TimeUnit.NANOSECONDS);
        if (order.isEmpty()) {
            drained();
        }
    }

    /** Ends everything now and hands the undelivered messages to {@link #close(Duration)}. */
    void terminate() {
        if (terminated) {
            return;
        }
        terminated = true;
        state = TransportState.CLOSED;
        if (reconnectTask != null) {
            reconnectTask.cancel(false);
            reconnectTask = null;
        }
        if (deadlineTask != null) {
            deadlineTask.cancel(false);
        }
        Connection conn = current;
        if (conn != null) {
            conn.planned = true;
            conn.fail("transport closed");
        }
        List<Outbound> undelivered = new ArrayList<>();
        for (Entry e : order) {
            if (e.done) {
                report(e); // complete but waiting behind an incomplete one
            } else {
                undelivered.add(e.message);
                if (e.unanswered || e.resendPending) {
                    safely(() -> listener.handedBackSent(e.message));
                }
            }
        }
        order.clear();
        backlog.clear();
        Outbound m;
        while ((m = inbox.poll()) != null) {
            undelivered.add(m);
        }
        pending.set(0);
        if (batchReportScheduled) {
            // the listener has the end of every batch it was reported before close returns: a listener that hands
            // outcomes over per batch (the engine) must see them all then, not after its stop has looked (the queued
            // task then finds nothing to end)
            endReportBatch();
        }
        closed.complete(List.copyOf(undelivered));
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    /** The last handler of every pipeline: forwards events of one connection to the transport. */
    private final class SessionHandler extends ChannelInboundHandlerAdapter {
        private final Connection conn;

        SessionHandler(Connection conn) {
            this.conn = conn;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            reportsDeferred = true;
            read(conn, msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (conn == current && conn.ready) {
                readComplete(conn);
            }
            endDeferredReports();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && conn == current && conn.ready) {
                pump();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            sessionEnded(conn);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (conn.ssl != null && !conn.ssl.handshakeFuture().isDone()) {
                // reported once through the handshake future
                ctx.close();
                return;
            }
            if (conn.ssl != null && !conn.ready && isTls(cause)) {
                // Our side of the handshake completed but the server refused us after it: with TLS 1.3 it checks our
                // certificate only then (and rsyslog checks permitted peers after the handshake). A TLS failure.
                reportTlsFailure(conn, cause);
            }
            conn.fail("connection to " + target + " failed: " + describe(cause));
        }
    }
}
