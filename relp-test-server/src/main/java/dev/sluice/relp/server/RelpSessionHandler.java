package dev.sluice.relp.server;

import dev.sluice.transport.relp.RelpCommands;
import dev.sluice.transport.relp.RelpFrame;
import dev.sluice.transport.relp.RelpFrameEncoder;
import dev.sluice.transport.relp.RelpOffers;
import dev.sluice.transport.relp.RelpResponse;
import dev.sluice.transport.tls.TlsContexts;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One RELP session on the server side. Runs on the session's event loop only.
 *
 * <p>Frames of one read are recorded as they are decoded; their responses are collected and, at the end of
 * the read, written and flushed together after the sink was flushed (record → flush sink → ack).
 */
final class RelpSessionHandler extends SimpleChannelInboundHandler<RelpFrame> {

    private static final Set<String> SERVER_COMMANDS = Set.of(RelpCommands.SYSLOG);

    private final RelpServer server;
    private final Object run;
    private final long sessionId;
    private final boolean tls;
    /** Responses of the current read, in order; {@link #syslogAcks} marks which answer {@code syslog} frames. */
    private final List<RelpFrame> pending = new ArrayList<>();
    private final List<Boolean> syslogAcks = new ArrayList<>();
    private final List<RelpFrame> withheld = new ArrayList<>();
    private boolean opened;
    /** The TXNR of the session's last command; the next must be the one after it. */
    private int lastTxnr;
    private boolean closeAfterFlush;
    private boolean closing;
    private String peerSubject;

    /** @param run the start of the listener that accepted the session (see {@code RelpServer.register}) */
    RelpSessionHandler(RelpServer server, Object run, long sessionId, boolean tls) {
        this.server = server;
        this.run = run;
        this.sessionId = sessionId;
        this.tls = tls;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (!server.register(ctx.channel(), run)) {
            ctx.close();
            return;
        }
        if (server.faultsInternal().readingStopped()) {
            ctx.channel().config().setAutoRead(false);
        }
        super.channelActive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, RelpFrame frame) throws Exception {
        if (closing) {
            return;
        }
        String command = frame.command();
        if (!opened && !RelpCommands.OPEN.equals(command)) {
            failSession(ctx, frame.txnr(), "first command: '" + command + "' (expected: open)");
            return;
        }
        if (opened && frame.txnr() != RelpFrame.nextTxnr(lastTxnr)) {
            // as librelp: each command takes the next TXNR, so a client that skips or repeats one is caught here
            // as it would be by rsyslog's imrelp
            failSession(ctx, frame.txnr(), "txnr: " + frame.txnr() + " (expected: " + RelpFrame.nextTxnr(lastTxnr)
                    + ", the one after the last)");
            return;
        }
        lastTxnr = frame.txnr();
        switch (command) {
            case RelpCommands.OPEN -> open(ctx, frame);
            case RelpCommands.SYSLOG -> syslog(ctx, frame);
            case RelpCommands.CLOSE -> {
                respond(RelpFrame.of(frame.txnr(), RelpCommands.RSP));
                closeAfterFlush = true;
                closing = true;
            }
            case RelpCommands.RSP, RelpCommands.SERVERCLOSE ->
                    failSession(ctx, frame.txnr(), "command: '" + command + "' (expected: a client command)");
            default -> respond(RelpFrame.of(frame.txnr(), RelpCommands.RSP,
                    "500 command not supported: " + command));
        }
    }

    private void open(ChannelHandlerContext ctx, RelpFrame frame) {
        if (opened) {
            failSession(ctx, frame.txnr(), "open: session already open");
            return;
        }
        RelpOffers offers;
        try {
            offers = RelpOffers.parse(frame.dataAsString());
        } catch (RuntimeException e) {
            failSession(ctx, frame.txnr(), "open: " + e.getMessage());
            return;
        }
        RelpResponse answer = offers.answerOpen(SERVER_COMMANDS);
        respond(answer.toFrame(frame.txnr()));
        if (answer.isOk()) {
            opened = true;
            if (server.faultsInternal().closesAfterOpen()) {
                closeAfterFlush = true;
                closing = true;
            }
        } else {
            closeAfterFlush = true;
            closing = true;
        }
    }

    private void syslog(ChannelHandlerContext ctx, RelpFrame frame) throws Exception {
        switch (server.faultsInternal().nextFrame()) {
            case REJECT -> ack(RelpFrame.of(frame.txnr(), RelpCommands.RSP,
                    "500 message rejected (fault injection)"));
            case ACCEPT -> {
                record(ctx, frame);
                ack(RelpResponse.okFrame(frame.txnr())); // shared data, not "200 OK" encoded per message
            }
            case ACCEPT_THEN_CLOSE -> {
                record(ctx, frame);
                ack(RelpResponse.okFrame(frame.txnr()));
                closeAfterFlush = true;
                closing = true;
            }
            case RECORD_THEN_ABORT -> {
                record(ctx, frame);
                server.flushSink();
                pending.clear();
                syslogAcks.clear();
                closing = true;
                RelpServer.abort(ctx.channel());
            }
        }
    }

    private void respond(RelpFrame response) {
        pending.add(response);
        syslogAcks.add(Boolean.FALSE);
    }

    private void ack(RelpFrame response) {
        pending.add(response);
        syslogAcks.add(Boolean.TRUE);
    }

    private void record(ChannelHandlerContext ctx, RelpFrame frame) throws Exception {
        server.record(sessionId, frame.txnr(), ctx.channel().remoteAddress(), peerSubject, frame.data());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (pending.isEmpty()) {
            ctx.fireChannelReadComplete();
            return;
        }
        server.flushSink();
        List<RelpFrame> responses = new ArrayList<>(pending.size());
        Faults faults = server.faultsInternal();
        boolean close = closeAfterFlush;
        closeAfterFlush = false;
        boolean withhold = faults.acksWithheld() && !close;
        for (int i = 0; i < pending.size(); i++) {
            if (withhold && syslogAcks.get(i)) {
                withheld.add(pending.get(i));
            } else {
                responses.add(pending.get(i));
            }
        }
        pending.clear();
        syslogAcks.clear();
        if (responses.isEmpty()) {
            return;
        }
        Duration delay = faults.ackDelay();
        if (delay.isZero()) {
            send(ctx.channel(), responses, close);
        } else {
            ctx.executor().schedule(() -> send(ctx.channel(), responses, close), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private static void send(Channel ch, List<RelpFrame> responses, boolean close) {
        if (!ch.isActive()) {
            return;
        }
        // one buffer for the whole batch, not one write (buffer and outbound entry) per response
        int size = 0;
        for (RelpFrame response : responses) {
            size += RelpFrameEncoder.encodedLength(response);
        }
        ByteBuf batch = ch.alloc().ioBuffer(size);
        for (RelpFrame response : responses) {
            RelpFrameEncoder.writeFrame(batch, response);
        }
        ch.write(batch, ch.voidPromise());
        if (close) {
            ch.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            ch.flush();
        }
    }

    /** Sends the acks held back by {@link Faults#withholdAcks()}. Runs on the event loop. */
    void releaseWithheldAcks() {
        if (withheld.isEmpty()) {
            return;
        }
        List<RelpFrame> responses = new ArrayList<>(withheld);
        withheld.clear();
        Channel ch = channel;
        if (ch != null) {
            send(ch, responses, false);
        }
    }

    private Channel channel;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent handshake) {
            if (handshake.isSuccess()) {
                peerSubject = peerSubject(ctx);
            } else {
                server.tlsFailure("session " + sessionId + " from " + ctx.channel().remoteAddress()
                        + ": TLS handshake failed: " + TlsContexts.describeFailure(handshake.cause()));
                ctx.close();
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    private static String peerSubject(ChannelHandlerContext ctx) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
                return leaf.getSubjectX500Principal().getName();
            }
        } catch (SSLPeerUnverifiedException e) {
            // anon mode: no client certificate
        }
        return null;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (tls && isTlsError(cause)) {
            // Reported once through the handshake completion event.
            ctx.close();
            return;
        }
        if (cause instanceof DecoderException) {
            failSession(ctx, 0, rootMessage(cause));
            return;
        }
        server.diagnostic("session " + sessionId + " from " + ctx.channel().remoteAddress() + ": "
                + rootMessage(cause));
        ctx.close();
    }

    /**
     * Answers a protocol violation with a {@code 500} response and closes the session; records nothing more
     * from it.
     */
    private void failSession(ChannelHandlerContext ctx, int txnr, String reason) {
        server.protocolError("session " + sessionId + " from " + ctx.channel().remoteAddress() + ": " + reason);
        closing = true;
        pending.clear();
        syslogAcks.clear();
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(RelpFrame.of(txnr, RelpCommands.RSP, "500 " + reason))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static boolean isTlsError(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable cause) {
        Throwable t = cause;
        while (t.getCause() != null && t.getCause() != t
                && (t instanceof DecoderException && !(t instanceof dev.sluice.transport.relp.RelpProtocolException))) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return message == null ? t.getClass().getSimpleName() : message;
    }
}
