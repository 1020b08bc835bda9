package dev.sluice.it.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.transport.net.Backoff;
import dev.sluice.transport.net.Outbound;
import dev.sluice.transport.net.SyslogTransport;
import dev.sluice.transport.net.SyslogTransports;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.net.TransportSettings;
import dev.sluice.transport.relp.RelpCommands;
import dev.sluice.transport.relp.RelpFrame;
import dev.sluice.transport.relp.RelpOffers;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.netty.util.internal.ThreadExecutorMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The order in which the RELP transport sends again messages answered {@code 500}, against a server scripted
 * frame by frame (a blocking socket), so that which frames are outstanding together, and which answers arrive in
 * one read, is decided by the test and not by scheduling.
 */
class RelpRetryOrderTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final RecordingListener listener = new RecordingListener();
    private SyslogTransport transport;
    private ServerSocket listening;
    private Socket session;

    @AfterEach
    void closeAll() throws IOException {
        if (transport != null) {
            transport.close(Duration.ofSeconds(2));
        }
        if (session != null) {
            session.close();
        }
        if (listening != null) {
            listening.close();
        }
    }

    /**
     * Message 0 is answered {@code 500} while 1 is still outstanding, so its second attempt goes after 1's first.
     * Both are then answered {@code 500} in one read, in the order they were sent (1, then 0): they go again in
     * the order they were offered (0, then 1), not in the order of the answers.
     */
    @Test
    void messagesAnswered500InOneReadGoAgainInOfferOrderEvenWhenTheirAnswersCameInAnotherOrder() throws Exception {
        listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        transport = SyslogTransports.create(Target.parse("relp://127.0.0.1:" + listening.getLocalPort()),
                TransportSettings.builder().ackTimeout(Duration.ofSeconds(30)).connectTimeout(Duration.ofSeconds(10))
                        .backoff(() -> Backoff.fixed(Duration.ofMillis(50))).build(),
                listener);
        session = listening.accept();
        session.setSoTimeout((int) WAIT.toMillis());
        InputStream in = session.getInputStream();
        OutputStream out = session.getOutputStream();
        RelpFrame open = readFrame(in);
        assertThat(open.command()).isEqualTo(RelpCommands.OPEN);
        write(out, RelpOffers.parse(open.dataAsString()).answerOpen(Set.of(RelpCommands.SYSLOG)).toFrame(open.txnr()));
        await().atMost(WAIT).until(() -> listener.connected.get() == 1);

        transport.offer(Messages.numbered(0));
        RelpFrame first0 = readSyslog(in, 0);
        transport.offer(Messages.numbered(1));
        RelpFrame first1 = readSyslog(in, 1);
        write(out, rejected(first0.txnr()));
        RelpFrame second0 = readSyslog(in, 0); // sent after 1's first attempt: answered after it
        write(out, rejected(first1.txnr()), rejected(second0.txnr())); // one write: one read on the client

        RelpFrame again0 = readFrame(in);
        RelpFrame again1 = readFrame(in);
        assertThat(List.of(numberOf(again0), numberOf(again1))).as("messages sent again").containsExactly(0L, 1L);
        write(out, accepted(again0.txnr()), accepted(again1.txnr()));
        await().atMost(WAIT).until(() -> listener.delivered.get() == 2);
        assertThat(listener.outOfOrder).hasValue(0);
        assertThat(listener.rejected).isEmpty();
    }

    /**
     * Message 1 is answered while 0 is not: it is complete but waits behind 0, and the close reports it. The end of
     * that batch of reports ({@code reportedBatch}, where the engine takes the outcomes in) comes before the close
     * returns, not in a task after it: the I/O thread is held up by a task queued from that very report, so a
     * {@code reportedBatch} left to the loop would come only after the test has looked.
     */
    @Test
    void theCloseEndsTheBatchOfWhatItReportsBeforeItReturns() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        RecordingListener holding = new RecordingListener() {
            @Override
            public void delivered(Outbound message) {
                super.delivered(message);
                // on the I/O thread, inside the close: whatever the loop would run next waits for the gate
                ThreadExecutorMap.currentExecutor().execute(() -> {
                    try {
                        gate.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
        };
        listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        transport = SyslogTransports.create(Target.parse("relp://127.0.0.1:" + listening.getLocalPort()),
                TransportSettings.builder().ackTimeout(Duration.ofSeconds(30)).connectTimeout(Duration.ofSeconds(10))
                        .windowSize(2).backoff(() -> Backoff.fixed(Duration.ofMillis(50))).build(),
                holding);
        try {
            session = listening.accept();
            session.setSoTimeout((int) WAIT.toMillis());
            InputStream in = session.getInputStream();
            OutputStream out = session.getOutputStream();
            RelpFrame open = readFrame(in);
            write(out, RelpOffers.parse(open.dataAsString()).answerOpen(Set.of(RelpCommands.SYSLOG))
                    .toFrame(open.txnr()));
            await().atMost(WAIT).until(() -> holding.connected.get() == 1);

            transport.offer(Messages.numbered(0));
            transport.offer(Messages.numbered(1));
            transport.offer(Messages.numbered(2));
            readSyslog(in, 0);
            RelpFrame frame1 = readSyslog(in, 1);
            write(out, accepted(frame1.txnr())); // a window of 2: message 2 goes out once this answer is read
            readSyslog(in, 2);

            List<Outbound> undelivered = transport.close(Duration.ZERO);
            transport = null;
            assertThat(undelivered).extracting(Outbound::id).containsExactly(0L, 2L);
            assertThat(holding.deliveredIds).containsExactly(1L);
            assertThat(holding.reportsSinceBatch).as("reports whose batch had not ended when close returned")
                    .hasValue(0);
        } finally {
            gate.countDown();
        }
    }

    private static RelpFrame rejected(int txnr) {
        return RelpFrame.of(txnr, RelpCommands.RSP, "500 message rejected (scripted)");
    }

    private static RelpFrame accepted(int txnr) {
        return RelpFrame.of(txnr, RelpCommands.RSP, "200 OK");
    }

    private static RelpFrame readSyslog(InputStream in, long number) throws IOException {
        RelpFrame frame = readFrame(in);
        assertThat(frame.command()).isEqualTo(RelpCommands.SYSLOG);
        assertThat(numberOf(frame)).isEqualTo(number);
        return frame;
    }

    private static long numberOf(RelpFrame syslog) {
        String text = syslog.dataAsString().trim();
        return Long.parseLong(text.substring(text.lastIndexOf(' ') + 1));
    }

    /** Writes {@code frames} with one write call, so that they arrive together. */
    private static void write(OutputStream out, RelpFrame... frames) throws IOException {
        ByteArrayOutputStream octets = new ByteArrayOutputStream();
        for (RelpFrame f : frames) {
            byte[] data = f.data();
            octets.writeBytes((f.txnr() + " " + f.command() + " " + data.length).getBytes(StandardCharsets.US_ASCII));
            if (data.length > 0) {
                octets.write(' ');
                octets.writeBytes(data);
            }
            octets.write('\n');
        }
        out.write(octets.toByteArray());
        out.flush();
    }

    /** Reads one frame: TXNR SP COMMAND SP DATALEN [SP DATA] LF. */
    private static RelpFrame readFrame(InputStream in) throws IOException {
        int txnr = Integer.parseInt(token(in));
        String command = token(in);
        StringBuilder len = new StringBuilder();
        int c;
        while ((c = in.read()) != ' ' && c != '\n') {
            if (c < 0) {
                throw new EOFException("in a frame's length");
            }
            len.append((char) c);
        }
        byte[] data = new byte[Integer.parseInt(len.toString())];
        if (data.length > 0) {
            int off = 0;
            while (off < data.length) {
                int n = in.read(data, off, data.length - off);
                if (n < 0) {
                    throw new EOFException("in a frame's data");
                }
                off += n;
            }
            assertThat(in.read()).as("trailer").isEqualTo('\n');
        }
        return RelpFrame.of(txnr, command, data);
    }

    private static String token(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        int c;
        while ((c = in.read()) != ' ') {
            if (c < 0) {
                throw new EOFException("in a frame's header");
            }
            s.append((char) c);
        }
        return s.toString();
    }
}
