package dev.sluice.transport.net;

import dev.sluice.transport.relp.RelpCommands;
import dev.sluice.transport.relp.RelpFrame;
import dev.sluice.transport.relp.RelpFrameDecoder;
import dev.sluice.transport.relp.RelpFrameEncoder;
import dev.sluice.transport.relp.RelpOffers;
import dev.sluice.transport.relp.RelpResponse;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * RELP client: acknowledged delivery over TCP or TLS ({@code relp://}, {@code relp+tls://}).
 *
 * <h2>Session</h2>
 * Connect (within {@code connectTimeout}), TLS handshake, then {@code open} with {@link RelpOffers#clientOffers()};
 * the answer must be {@code 200} and offer the {@code syslog} command, else the session fails (reported through
 * {@link DeliveryListener#disconnected}) and is retried after a backoff. No message octet is written before the
 * session is open.
 *
 * <h2>Window and pipelining</h2>
 * Up to {@code windowSize} {@code syslog} frames are sent and unanswered at any time. Frames are encoded into
 * shared buffers of up to {@value NettyTransport#BATCH_BYTES} octets and flushed once per batch; answers are read
 * as they come and matched by TXNR, and the window they free is filled at the end of each read, so reading never
 * waits for writing or the other way round. While the window is full, new messages wait in the inbox without waking
 * the I/O thread; the read that frees the window takes them in (after its flush). TXNRs run from 1 ({@code open})
 * to 999999999 and wrap to 1.
 *
 * <h2>Failures</h2>
 * <ul>
 *   <li>A {@code 500} answer concerns one message: it is sent again (new TXNR, same session) up to
 *       {@code maxRejectAttempts} times, then reported {@link DeliveryListener#rejected}; the session stays.</li>
 *   <li>No answer for {@code ackTimeout} while frames are unanswered: the session is dead, closed and reopened.</li>
 *   <li>{@code serverclose}, a closed or reset connection, a protocol error: the session ends.</li>
 * </ul>
 * When a session ends, every unanswered message is sent again on the next one, in offer order and with new
 * TXNRs ({@link DeliveryListener#resent}). This is where duplicates can come from: the server may have taken a
 * message whose answer was lost.
 *
 * <p><b>The backoff starts again only once a session proved healthy.</b> An answered {@code open} proves that the
 * server takes sessions, not that it processes messages: rsyslog whose main queue is full and blocks, an output hung
 * behind {@code imrelp}, a proxy that passes the handshake on: each answers {@code open} and then nothing. Were the
 * open session a success for the backoff, each one would send its window, wait {@code ackTimeout}, fail, and be
 * followed by the backoff's first delay, for ever, every window sent again each time (duplicates, if the server takes
 * them later). So an open session is on probation, and the failed attempts before it still count, until the first
 * answer to a {@code syslog} frame ({@code 200} or {@code 500}: either way the server processes frames), or until it
 * has been open for {@code ackTimeout} with no frame unanswered then (an idle session that held for that long), or a
 * rebind's {@code close} is answered. A session that ends on probation otherwise is one more failed attempt, and the
 * next delay grows as after a refused connect: by the {@code ackTimeout} with frames (or its {@code close})
 * unanswered, and as much by {@code serverclose}, a closed or reset connection or a protocol error before any answer.
 * A server that closes every session at once after {@code open} (a proxy whose backend refuses it) would else be
 * tried again after the first delay, for ever. A session that proved healthy and ends later was a success: the delay
 * after it is the backoff's first, so a server that restarts is back in use quickly. One that ends because this
 * transport is closed leaves them as they are: it says nothing about the server, and the backoff may be shared with
 * the transport that replaces this one (see {@link NettyTransport#sessionOpened}). The session is reported
 * {@link DeliveryListener#connected} when {@code open} is answered all the same: it carries messages from then on, and
 * the engine hands messages only to a connected transport. The proof is reported
 * ({@link DeliveryListener#provedHealthy}), and failover counts a server as reachable only from then on: one whose
 * sessions all end on probation is left for the next target after two of them, as one that refuses connections is.
 *
 * <h2>Closing</h2>
 * {@code rebindInterval} (messages) ends a session cleanly once that many were sent and answered, and reconnects
 * at once. On {@link #close} the backlog is drained, then {@code close} is sent and its answer (an {@code rsp}
 * without data, from librelp) awaited, all within the caller's timeout.
 */
final class RelpTransport extends NettyTransport {

    private static final Comparator<Entry> BY_SEQ = Comparator.comparingLong(e -> e.seq);

    /** Sent and unanswered frames of the current session, in TXNR order. */
    private final ArrayDeque<Entry> outstanding = new ArrayDeque<>();
    private final long ackTimeoutNanos;
    private int txnr;
    private int openTxnr;
    private int closeTxnr = -1;
    private boolean opened;
    private boolean rebinding;
    private long sentOnSession;
    /** When the oldest unanswered frame was sent, or the last answer came. */
    private long waitingSince;
    /** An answer came in the current read; {@link #readComplete} then moves {@link #waitingSince} on. */
    private boolean answeredInRead;
    private ScheduledFuture<?> ackTimer;
    /** Answered {@code 500} and to be sent again; moved into the backlog, in offer order, by pump. */
    private final ArrayDeque<Entry> retries = new ArrayDeque<>();
    private ScheduledFuture<?> openTimer;

    RelpTransport(Target target, TransportSettings settings, DeliveryListener listener) {
        super(target, settings, listener);
        if (!target.scheme().isRelp()) {
            throw new IllegalArgumentException("target: " + target + " (expected: relp:// or relp+tls://)");
        }
        this.ackTimeoutNanos = settings.ackTimeout().toNanos();
    }

    /** The TXNR after {@code txnr}: 999999999 wraps to 1 (0 is reserved for hints such as serverclose). */
    static int nextTxnr(int txnr) {
        return RelpFrame.nextTxnr(txnr);
    }

    @Override
    void requeued() {
        retries.clear(); // the session ended: requeue put them back with the rest, in offer order
    }

    @Override
    void initPipeline(ChannelPipeline pipeline) {
        pipeline.addLast("relp-decoder", new RelpFrameDecoder(RelpFrameDecoder.DEFAULT_MAX_DATA_LENGTH));
        // Only open and close go through the encoder; syslog frames are batched into buffers by pump().
        pipeline.addLast("relp-encoder", RelpFrameEncoder.INSTANCE);
    }

    @Override
    void sessionStarted(Connection conn) {
        txnr = 0;
        opened = false;
        closeTxnr = -1;
        rebinding = false;
        sentOnSession = 0;
        scheduleTtl(conn, () -> {
            rebinding = true; // no new frames; once the outstanding ones are answered, close and reconnect
            pump();
        });
        openTxnr = next();
        Channel ch = conn.channel;
        ch.writeAndFlush(RelpFrame.of(openTxnr, RelpCommands.OPEN, RelpOffers.clientOffers().format()), ch.voidPromise());
        openTimer = loop.schedule(() -> {
            if (conn == current && !opened) {
                conn.fail("RELP open: no answer from " + target + " within connectTimeout "
                        + format(settings.connectTimeout()));
            }
        }, settings.connectTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    void readComplete(Connection conn) {
        if (answeredInRead) {
            answeredInRead = false;
            waitingSince = now();
        }
        super.readComplete(conn);
    }

    @Override
    void read(Connection conn, Object msg) {
        try {
            if (conn != current || conn.ended || !(msg instanceof RelpFrame frame)) {
                return;
            }
            switch (frame.command()) {
                case RelpCommands.RSP -> answer(conn, frame);
                case RelpCommands.SERVERCLOSE -> conn.fail("server " + target + " sent serverclose");
                default -> conn.fail("RELP: unexpected command '" + frame.command() + "' from " + target
                        + " (expected: rsp or serverclose)");
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void answer(Connection conn, RelpFrame frame) {
        int t = frame.txnr();
        if (!opened) {
            if (t != openTxnr) {
                conn.fail("RELP: rsp with txnr " + t + " before the answer to open (expected: " + openTxnr + ")");
                return;
            }
            try {
                RelpOffers offers = RelpOffers.fromOpenResponse(RelpResponse.parse(frame));
                if (!offers.commands().contains(RelpCommands.SYSLOG)) {
                    throw new IllegalStateException("the server does not offer the syslog command (commands: "
                            + offers.commands() + ")");
                }
            } catch (RuntimeException e) {
                conn.fail("RELP open refused by " + target + ": " + e.getMessage());
                return;
            }
            opened = true;
            cancel(openTimer);
            openTimer = null;
            sessionReady(conn);
            return;
        }
        answeredInRead = true; // waitingSince is moved on once per read, in readComplete: one clock read
        if (t == closeTxnr) {
            waitingSince = now();
            closeTxnr = -1;
            conn.planned = true;
            conn.fail(conn.reconnectNow ? "rebinding after " + sentOnSession + " messages (rebindInterval or connectionTtl)"
                    : "session closed");
            return;
        }
        Entry e = takeOutstanding(t);
        if (e == null) {
            conn.fail("RELP: rsp with txnr " + t + " that is not awaited");
            return;
        }
        provedHealthy(conn); // any answer to a syslog frame, 200 or 500: the server processes them
        if (RelpResponse.isOk(frame)) { // the answer to nearly every message: no strings made
            e.unanswered = false;
            complete(e, null);
            return;
        }
        RelpResponse response;
        try {
            response = RelpResponse.parse(frame);
        } catch (RuntimeException ex) {
            conn.fail("RELP: " + ex.getMessage());
            return;
        }
        e.unanswered = false;
        if (response.isOk()) {
            complete(e, null);
        } else if (++e.rejections > settings.maxRejectAttempts()) {
            complete(e, response.code() + " " + response.text());
        } else {
            retries.addLast(e); // into the backlog at the next pump, in offer order (moveRetriesToBacklog)
        }
    }

    private Entry takeOutstanding(int t) {
        Entry head = outstanding.peekFirst();
        if (head != null && head.txnr == t) {
            return outstanding.pollFirst();
        }
        for (Iterator<Entry> it = outstanding.iterator(); it.hasNext();) {
            Entry e = it.next();
            if (e.txnr == t) {
                it.remove();
                return e;
            }
        }
        return null;
    }

    @Override
    void pump() {
        if (!retries.isEmpty()) {
            moveRetriesToBacklog();
        }
        boolean inboxWaiting = unpark();
        boolean taken = false;
        try {
            taken = write(inboxWaiting);
        } finally {
            if (inboxWaiting && !taken) {
                takeInbox(); // after the flush: the frames the answers made room for leave first
            }
        }
    }

    /**
     * Puts the messages answered {@code 500} into the backlog in offer order. Not in the order of their answers: a
     * message sent again after a later one's first attempt is answered after it. Not one by one to the front either,
     * which would reverse them. Retries of an earlier read that still wait (the channel was not writable) are merged
     * in: the backlog stays in offer order, every retry ahead of every message not sent yet, which came later.
     */
    private void moveRetriesToBacklog() {
        ArrayList<Entry> again = new ArrayList<>(retries);
        retries.clear();
        again.sort(BY_SEQ);
        long last = again.get(again.size() - 1).seq;
        int waiting = 0;
        for (Entry head; (head = backlog.peekFirst()) != null && head.seq < last;) {
            again.add(backlog.pollFirst());
            waiting++;
        }
        if (waiting > 0) {
            again.sort(BY_SEQ);
        }
        for (int i = again.size() - 1; i >= 0; i--) {
            backlog.addFirst(again.get(i));
        }
    }

    /**
     * Writes what the window allows, taking the inbox in if the backlog runs dry and {@code inboxWaiting}; returns
     * whether it took the inbox in.
     */
    private boolean write(boolean inboxWaiting) {
        boolean inboxLeft = inboxWaiting;
        Connection conn = current;
        if (conn == null || !conn.ready || closeTxnr >= 0 || isTerminated()) {
            return false;
        }
        Channel ch = conn.channel;
        ByteBuf batch = null;
        boolean wrote = false;
        int window = settings.windowSize();
        int rebindInterval = settings.rebindInterval();
        while (!rebinding && outstanding.size() < window) {
            if (backlog.isEmpty()) {
                if (!inboxLeft) {
                    break;
                }
                inboxLeft = false;
                takeInbox();
                if (backlog.isEmpty()) {
                    break;
                }
            }
            if (!ch.isWritable()) {
                break;
            }
            Entry e = backlog.pollFirst();
            if (e.done) {
                continue;
            }
            e.txnr = next();
            e.unanswered = true;
            if (e.resendPending) {
                e.resendPending = false;
                safely(() -> listener.resent(e.message));
            }
            if (outstanding.isEmpty()) {
                waitingSince = now();
            }
            outstanding.addLast(e);
            if (batch == null) {
                // this frame and those the window and the backlog allow after it
                int frames = 1 + Math.min(window - outstanding.size(), backlog.size());
                batch = ch.alloc().ioBuffer(batchCapacity(frames, e.message, 32));
            }
            RelpFrameEncoder.writeFrame(batch, e.txnr, RelpCommands.SYSLOG, e.message.payload());
            if (batch.readableBytes() >= BATCH_BYTES) {
                ch.write(batch, ch.voidPromise());
                batch = null;
                wrote = true;
            }
            if (rebindInterval > 0 && ++sentOnSession >= rebindInterval) {
                rebinding = true;
            }
        }
        if (batch != null) {
            ch.write(batch, ch.voidPromise());
            wrote = true;
        }
        if (wrote) {
            ch.flush();
            armAckTimer(conn);
        }
        if (outstanding.size() >= window) {
            park(); // the answers to come end with a pump
        } else if (rebinding && outstanding.isEmpty()) {
            sendClose(conn, true);
        }
        return inboxWaiting && !inboxLeft;
    }

    @Override
    void drained() {
        Connection conn = current;
        if (conn != null && conn.ready && opened && outstanding.isEmpty()) {
            if (closeTxnr < 0) {
                sendClose(conn, false);
            }
        } else if (conn == null || !conn.ready) {
            terminate();
        }
    }

    /** Sends {@code close}; its answer ends the session (see {@link #answer}). */
    private void sendClose(Connection conn, boolean rebind) {
        if (closeTxnr >= 0) {
            return;
        }
        conn.reconnectNow = rebind;
        closeTxnr = next();
        waitingSince = now();
        Channel ch = conn.channel;
        ch.writeAndFlush(RelpFrame.of(closeTxnr, RelpCommands.CLOSE), ch.voidPromise());
        armAckTimer(conn);
    }

    private void armAckTimer(Connection conn) {
        if (ackTimer != null || !awaiting()) {
            return;
        }
        long delay = Math.max(0, waitingSince + ackTimeoutNanos - now());
        ackTimer = loop.schedule(() -> ackTimerFired(conn), delay, TimeUnit.NANOSECONDS);
    }

    private void ackTimerFired(Connection conn) {
        ackTimer = null;
        if (conn != current || conn.ended || !awaiting()) {
            return;
        }
        if (now() - waitingSince >= ackTimeoutNanos) {
            stalled(conn, "RELP: no answer from " + target + " within ackTimeout " + format(settings.ackTimeout())
                    + " (" + outstanding.size() + " frames unacknowledged"
                    + (closeTxnr >= 0 ? ", close unanswered" : "") + ")");
        } else {
            armAckTimer(conn);
        }
    }

    private boolean awaiting() {
        return !outstanding.isEmpty() || closeTxnr >= 0;
    }

    /** Open for {@code ackTimeout} with no frame unanswered proves the session healthy (see the class comment). */
    @Override
    boolean awaitsNothing(Connection conn) {
        return !awaiting();
    }

    @Override
    void sessionLost(Connection conn) {
        outstanding.clear(); // their entries are still unanswered: the base class requeues them
        opened = false;
        closeTxnr = -1;
        rebinding = false;
        sentOnSession = 0;
        cancel(ackTimer);
        ackTimer = null;
        cancel(openTimer);
        openTimer = null;
    }

    private int next() {
        txnr = nextTxnr(txnr);
        return txnr;
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }
}
