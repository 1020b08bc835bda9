package dev.sluice.transport.net;

import dev.sluice.transport.syslog.Framing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Syslog over TCP ({@code tcp://}, RFC 6587) or TLS ({@code tls://}, RFC 5425), octet-counting or LF framing.
 *
 * <p><b>Best effort.</b> There is no acknowledgement: a message is reported {@link DeliveryListener#delivered}
 * when its octets were handed to the operating system (the write succeeded). Messages written to a connection
 * that breaks afterwards, sitting in socket buffers or on the wire, may be lost without anyone knowing; this is
 * why RELP exists. Messages whose write failed are sent again on the next connection
 * ({@link DeliveryListener#resent}).
 *
 * <p>Messages are framed into shared buffers of up to {@value NettyTransport#BATCH_BYTES} octets and flushed once
 * per batch; writing pauses while the channel is not writable (the server reads slowly), so memory stays bounded
 * by {@code maxPending}.
 *
 * <p><b>A session settles before it is used.</b> A server may accept a connection (or complete our side of the TLS
 * handshake) and drop it at once: rsyslog over its {@code MaxSessions}, a load balancer without a backend, a TLS 1.3
 * server refusing our certificate, rsyslog checking permitted peers after the handshake. Messages written at once
 * would count as delivered into the void, and the session as good (backoff and failover reset), every few hundred
 * milliseconds. So the session waits twice as long as its connect and handshake took (at least
 * {@value #MIN_SETTLE_MILLIS} ms, at most {@value #MAX_SETTLE_MILLIS} ms) and is used only if the connection is still
 * open then: a close in that time is a failed attempt, and a TLS alert a TLS failure. Only the first message of a
 * session waits.
 *
 * <p><b>A receiver that stops reading.</b> With no answers to wait for, {@code ackTimeout} bounds the wait for write
 * progress instead: while octets wait to be written and none has reached the operating system for that long (the
 * receiver stopped reading, or its host is gone without a reset, and the socket buffers are full), the session is
 * dead and ends as a failure. What it had not written goes to the next session, as after any failure; what the
 * socket buffers hold is lost with the connection. Progress is looked at every quarter of {@code ackTimeout} while
 * octets wait, through the channel's outbound buffer.
 *
 * <p><b>The backoff starts again only once a session proved healthy.</b> A receiver whose kernel completes
 * connections while its process never reads (a hung rsyslog, a full pipe behind a proxy) lets every session settle,
 * fill the socket buffers and stall. Were a settled session a success for the backoff, every stall would be followed
 * by the backoff's first delay, for ever, and every cycle would fill (and lose) a fresh pair of socket buffers. So a
 * settled session is on probation, and the failed attempts before it still count, until it proves healthy: it has
 * been ready for {@code ackTimeout} and nothing waits to be written then, or the octets that wait are seen to move
 * later. A session that ends on probation by the stall is one more failed attempt, and the next delay grows as after
 * a refused connect; so is one that the receiver closes (or resets, or whose write fails) on probation: a receiver
 * that takes each connection and drops it once it settled, before it proved anything, would else be tried again
 * after the first delay, for ever. A rebind whose writes went out forgets them, as a proof does. A session that
 * proved healthy and is closed later was a success: the delay after it is the backoff's first. One that ends because
 * this transport is closed leaves them as they are: it says nothing about the receiver, and the backoff may be shared
 * with the transport that replaces this one (see {@link NettyTransport#sessionOpened}). A receiver that reads nothing
 * but takes a trickle of messages into its buffers for longer than {@code ackTimeout} before they fill looks healthy
 * meanwhile: nothing tells it from one that reads.
 *
 * <p>The session is still reported {@link DeliveryListener#connected} (and health says so) when it settles, not
 * when it proved healthy: it is open and carrying messages, which are reported delivered from then on, and the engine
 * hands messages only to a connected transport. Reporting it later would show every healthy session as disconnected
 * for its first {@code ackTimeout} while it delivers. The proof is reported ({@link DeliveryListener#provedHealthy}),
 * and failover counts a receiver as reachable only from then on: one whose sessions all end on probation is left for
 * the next target after two of them, as one that refuses connections is. Except at a rebind: a session that reaches
 * {@code rebindInterval} with every write taken by the socket ends as planned, and that counts as proof, so a
 * receiver that reads nothing while its buffers take each session's writes is not left (documented in README).
 */
final class TcpTransport extends NettyTransport {

    private final Framing framing;

    private void writeFrame(ByteBufOutputStream out, byte[] payload) {
        try {
            framing.writeFrame(payload, 0, payload.length, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteBuf does not fail to grow short of memory
        }
    }
    private long sentOnSession;

    /** The shortest wait, in milliseconds, between the connect (and TLS handshake) and the session's first message. */
    static final long MIN_SETTLE_MILLIS = 20;
    /** The longest such wait, in milliseconds, however long the connect took. */
    static final long MAX_SETTLE_MILLIS = 200;

    /** Makes the session ready once it settled; {@code null} when none is settling. */
    private ScheduledFuture<?> settling;
    /** {@code ackTimeout}: how long octets may wait without any being written before the session is dead. */
    private final long stallNanos;
    /** Looks at the write progress while octets wait; {@code null} while none do. */
    private ScheduledFuture<?> progressCheck;
    /** When the octets waiting were last seen to move (or began to wait). */
    private long movedAt;
    /** Batches written to the operating system on this transport, counted by their write listeners. */
    private long batchesWritten;
    /** At the last look: {@link #batchesWritten}, and the outbound buffer's progress and pending octets. */
    private long seenBatches;
    private long seenProgress;
    private long seenPending;

    TcpTransport(Target target, TransportSettings settings, DeliveryListener listener) {
        super(target, settings, listener);
        if (target.scheme() != Target.Scheme.TCP && target.scheme() != Target.Scheme.TLS) {
            throw new IllegalArgumentException("target: " + target + " (expected: tcp:// or tls://)");
        }
        this.framing = settings.framing();
        this.stallNanos = settings.ackTimeout().toNanos();
    }

    @Override
    void initPipeline(ChannelPipeline pipeline) {
        // nothing: a syslog receiver sends nothing back; whatever it sends is dropped in read()
    }

    @Override
    void sessionStarted(Connection conn) {
        sentOnSession = 0;
        scheduleTtl(conn, () -> {
            conn.reconnectNow = true;
            pump();
        });
        long took = now() - conn.connectStartedAt;
        long settle = Math.min(TimeUnit.MILLISECONDS.toNanos(MAX_SETTLE_MILLIS),
                Math.max(TimeUnit.MILLISECONDS.toNanos(MIN_SETTLE_MILLIS), 2 * took));
        settling = loop.schedule(() -> {
            settling = null;
            if (conn == current && !conn.ended && conn.channel.isActive()) {
                sessionReady(conn); // connected now, but the backoff waits for proof (see NettyTransport.sessionOpened)
            }
        }, settle, TimeUnit.NANOSECONDS);
    }

    /**
     * Ready for {@code ackTimeout} with nothing waiting to be written proves the session healthy (see the class
     * comment). Else the progress check watches the octets that wait: their next move proves it, a stall fails it.
     */
    @Override
    boolean awaitsNothing(Connection conn) {
        return nothingWaits(conn);
    }

    /** Writes went on: once the session has been ready for {@code ackTimeout}, that proves it healthy. */
    private void progressed(Connection conn) {
        if (conn.onProbation && now() - conn.readyAt >= stallNanos) {
            provedHealthy(conn);
        }
    }

    private static boolean nothingWaits(Connection conn) {
        ChannelOutboundBuffer out = conn.channel.unsafe().outboundBuffer();
        return out == null || out.totalPendingWriteBytes() == 0;
    }

    @Override
    void read(Connection conn, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    void sessionLost(Connection conn) {
        if (progressCheck != null) {
            progressCheck.cancel(false);
            progressCheck = null;
        }
        if (settling != null) {
            settling.cancel(false);
            settling = null;
        }
    }

    /** After a flush: watch the octets it left waiting, unless already watching. */
    private void watchProgress(Connection conn) {
        if (progressCheck != null) {
            return;
        }
        if (nothingWaits(conn)) {
            return; // all written at once
        }
        moved(conn.channel.unsafe().outboundBuffer());
        movedAt = now();
        scheduleProgressCheck(conn);
    }

    private void scheduleProgressCheck(Connection conn) {
        progressCheck = loop.schedule(() -> checkProgress(conn), Math.max(1, stallNanos / 4), TimeUnit.NANOSECONDS);
    }

    private void checkProgress(Connection conn) {
        progressCheck = null;
        if (conn != current || conn.ended) {
            return;
        }
        if (nothingWaits(conn)) {
            progressed(conn); // all written
            return; // nothing waits: the next flush watches again
        }
        ChannelOutboundBuffer out = conn.channel.unsafe().outboundBuffer();
        long now = now();
        if (moved(out)) {
            movedAt = now;
            progressed(conn);
        } else if (now - movedAt >= stallNanos) {
            stalled(conn, "the receiver " + target + " stopped reading: nothing could be written to it for ackTimeout "
                    + format(settings.ackTimeout()) + " (" + seenPending + " octets waiting)");
            return;
        }
        scheduleProgressCheck(conn);
    }

    /**
     * Whether octets reached the operating system since the last look: a batch was written, the one being written
     * moved on, or fewer octets wait (new writes alone add octets, and are no progress).
     */
    private boolean moved(ChannelOutboundBuffer out) {
        long progress = out.currentProgress();
        long pending = out.totalPendingWriteBytes();
        boolean moved = batchesWritten != seenBatches || progress != seenProgress || pending < seenPending;
        seenBatches = batchesWritten;
        seenProgress = progress;
        seenPending = pending;
        return moved;
    }

    @Override
    void pump() {
        Connection conn = current;
        if (conn == null || !conn.ready || isTerminated()) {
            return;
        }
        Channel ch = conn.channel;
        int rebindInterval = settings.rebindInterval();
        boolean wrote = false;
        while (!backlog.isEmpty() && ch.isWritable() && !conn.reconnectNow) {
            ByteBuf batch = ch.alloc().ioBuffer(batchCapacity(backlog.size(), backlog.peekFirst().message, 16));
            List<Entry> entries = new ArrayList<>();
            ByteBufOutputStream out = new ByteBufOutputStream(batch);
            while (!backlog.isEmpty() && batch.readableBytes() < BATCH_BYTES) {
                Entry e = backlog.pollFirst();
                if (e.done) {
                    continue;
                }
                if (e.resendPending) {
                    e.resendPending = false;
                    safely(() -> listener.resent(e.message));
                }
                e.unanswered = true;
                writeFrame(out, e.message.payload());
                entries.add(e);
                if (rebindInterval > 0 && ++sentOnSession >= rebindInterval) {
                    conn.reconnectNow = true;
                    break;
                }
            }
            if (entries.isEmpty()) {
                batch.release();
                break;
            }
            wrote = true;
            ch.write(batch).addListener((ChannelFuture f) -> {
                if (f.isSuccess()) {
                    batchesWritten++;
                    for (Entry e : entries) {
                        complete(e, null);
                    }
                } else {
                    // The entries stay incomplete and are requeued when the session ends.
                    conn.fail("write to " + target + " failed: " + describe(f.cause()));
                }
            });
        }
        if (wrote) {
            ch.flush();
            watchProgress(conn);
        }
        if (conn.reconnectNow) {
            // rebindInterval reached: close once the writes are done, then reconnect at once
            ch.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener((ChannelFuture f) -> {
                if (f.isSuccess()) {
                    conn.planned = true;
                    conn.fail("rebinding after " + sentOnSession + " messages (rebindInterval or connectionTtl)");
                } else {
                    // the writes before it failed too: a failure (counted, with a backoff), not a planned rebind
                    conn.fail("write to " + target + " failed: " + describe(f.cause()));
                }
            });
        }
    }
}
