package dev.sluice.transport.net;

import dev.sluice.transport.syslog.Framing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

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

    TcpTransport(Target target, TransportSettings settings, DeliveryListener listener) {
        super(target, settings, listener);
        if (target.scheme() != Target.Scheme.TCP && target.scheme() != Target.Scheme.TLS) {
            throw new IllegalArgumentException("target: " + target + " (expected: tcp:// or tls://)");
        }
        this.framing = settings.framing();
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
