package dev.sluice.it.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.relp.server.ReceivedMessage;
import dev.sluice.relp.server.RelpTestServer;
import dev.sluice.transport.net.Backoff;
import dev.sluice.transport.net.SyslogTransport;
import dev.sluice.transport.net.SyslogTransports;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.net.TransportSettings;
import dev.sluice.transport.net.TransportState;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The RELP transport against each fault of the test server: every one of 10,000 numbered messages arrives at
 * least once, and duplicates (messages the server took but whose answer was lost) never outnumber the messages
 * the transport reported as resent after a reconnect.
 */
class RelpTransportFaultsTest {

    private static final int COUNT = 10_000;
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** An {@code ackTimeout} the probation tests wait for. */
    private static final Duration SHORT_ACK_TIMEOUT = Duration.ofMillis(300);
    /** An {@code ackTimeout} no test reaches: what ends or proves a session on probation comes before it. */
    private static final Duration UNREACHED_ACK_TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final RelpTestServer server = RelpTestServer.builder().build();

    private final RecordingListener listener = new RecordingListener();
    private SyslogTransport transport;

    @AfterEach
    void closeTransport() {
        if (transport != null) {
            transport.close(Duration.ofSeconds(2));
        }
    }

    private TransportSettings.Builder settings() {
        return TransportSettings.builder()
                .ackTimeout(Duration.ofMillis(500))
                .connectTimeout(Duration.ofSeconds(2))
                .maxPending(2 * COUNT)
                .backoff(() -> Backoff.fixed(Duration.ofMillis(50)));
    }

    private SyslogTransport start(TransportSettings settings) {
        transport = SyslogTransports.create(Target.parse(server.target()), settings, listener);
        return transport;
    }

    /** Starts with {@code settings} and a {@link CountingBackoff}, and returns the backoff. */
    private CountingBackoff startCounting(TransportSettings.Builder settings) {
        CountingBackoff backoff = new CountingBackoff();
        start(settings.backoff(() -> backoff).build());
        return backoff;
    }

    /**
     * Starts with a {@link CountingBackoff} against a server that withholds its acks, and offers {@code count}
     * messages: once this returns, the server has recorded them, and the session is open, on probation, with them
     * unanswered until long after the test ({@link #UNREACHED_ACK_TIMEOUT}).
     */
    private CountingBackoff startWithFramesUnanswered(int count) {
        server.faults().withholdAcks();
        CountingBackoff backoff = startCounting(settings().ackTimeout(UNREACHED_ACK_TIMEOUT));
        Messages.offerRange(transport, 0, count);
        server.awaitMessages(count, WAIT);
        return backoff;
    }

    /**
     * Starts with a {@link CountingBackoff} and {@code ackTimeout}, and delivers {@code count} messages: once this
     * returns, the session proved healthy by their answers, which reset the backoff.
     */
    private CountingBackoff startWithASessionProvenByAnswers(int count, Duration ackTimeout) {
        CountingBackoff backoff = startCounting(settings().ackTimeout(ackTimeout));
        Messages.offerRange(transport, 0, count);
        await().atMost(WAIT).until(() -> listener.delivered.get() == count);
        assertThat(backoff.resets()).as("reset by the answers").isEqualTo(1);
        return backoff;
    }

    /** The first session ended with {@code reason}, and the delay after it came after {@code resets} resets. */
    private void assertFirstEnd(CountingBackoff backoff, String reason, int resets) {
        await().atMost(WAIT).until(() -> backoff.delays() >= 1);
        assertThat(listener.disconnects.get(0)).isEqualTo(reason);
        assertThat(backoff.resetsAtDelays().get(0)).as("backoff resets before the delay after the session's end")
                .isEqualTo(resets);
    }

    /** Every message arrived at least once, was reported delivered once, and duplicates are all explained. */
    private void assertNothingLost() {
        await().atMost(WAIT).until(() -> server.server().distinctCount() == COUNT);
        await().atMost(WAIT).until(() -> listener.deliveredIds.size() == COUNT);
        await().atMost(WAIT).until(() -> transport.pending() == 0);
        List<ReceivedMessage> received = server.messages();
        Map<Long, Integer> counts = Messages.counts(received);
        assertThat(counts).hasSize(COUNT);
        assertThat(counts.keySet()).allMatch(n -> n >= 0 && n < COUNT);
        assertThat(listener.delivered).hasValue(COUNT);
        assertThat(listener.outOfOrder).hasValue(0);
        assertThat(listener.rejected).isEmpty();
        // every report is followed by the end of its batch (the engine wakes its delivery thread there)
        await().atMost(WAIT).until(() -> listener.reportsSinceBatch.get() == 0);
        assertThat(listener.batches.get()).isBetween(1, COUNT);
        int duplicates = server.server().duplicateCount();
        System.out.printf("%s: %d duplicates, %d resent, %d sessions, disconnects %s%n",
                getClass().getSimpleName(), duplicates, listener.resent.get(), listener.connected.get(),
                listener.disconnects.size() > 3 ? listener.disconnects.subList(0, 3) + "..." : listener.disconnects);
        assertThat(duplicates).isLessThanOrEqualTo(listener.resent.get());
    }

    @Test
    void deliversTenThousandMessagesInOrderWithoutDuplicatesWhenNothingGoesWrong() {
        start(settings().build());
        Messages.offerRange(transport, 0, COUNT);
        assertNothingLost();
        assertThat(server.server().duplicateCount()).isZero();
        assertThat(listener.resent).hasValue(0);
        assertThat(listener.connected).hasValue(1);
        assertThat(listener.disconnects).isEmpty();
        assertThat(transport.state()).isEqualTo(TransportState.CONNECTED);
        // the answers of one read are reported as one batch, not one batch per message
        assertThat(listener.batches.get()).isLessThan(COUNT / 2);
        List<ReceivedMessage> received = server.messages();
        for (int i = 0; i < COUNT; i++) {
            assertThat(Messages.numberOf(received.get(i))).isEqualTo(i);
        }
    }

    @Test
    void losesNothingWhenTheServerClosesTheConnectionAfterSomeFrames() {
        server.faults().closeAfterFrames(2_500);
        start(settings().build());
        Messages.offerRange(transport, 0, COUNT);
        assertNothingLost();
        assertThat(listener.connected.get()).isGreaterThanOrEqualTo(2);
        // The server closes while our next frames are on their way: TCP ends the session with a FIN when they
        // arrive after its close, with a reset when they arrive before it (unread data at close). Which comes
        // first is a race (more often the reset on epoll); either way the server ended it, and nothing is lost.
        assertThat(listener.disconnects).anyMatch(reason -> reason.contains("closed by the server")
                || reason.contains("Connection reset by peer"));
    }

    @Test
    void losesNothingWhenTheServerResetsTheConnectionMidStream() {
        server.faults().abortAfterFrames(2_500);
        start(settings().build());
        Messages.offerRange(transport, 0, COUNT);
        assertNothingLost();
        // the aborted frame was recorded without an answer, so it was sent again and arrived twice
        assertThat(server.server().duplicateCount()).isGreaterThanOrEqualTo(1);
        assertThat(listener.resent.get()).isGreaterThanOrEqualTo(1);
        assertThat(listener.connected.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void retriesMessagesAnsweredWith500OnTheSameSession() {
        server.faults().rejectNext(20);
        start(settings().build());
        Messages.offerRange(transport, 0, COUNT);
        assertNothingLost();
        assertThat(server.server().duplicateCount()).isZero();
        assertThat(listener.connected).hasValue(1);
        assertThat(listener.disconnects).isEmpty();
        assertThat(listener.resent).hasValue(0);
    }

    /**
     * Messages answered {@code 500} together go again in the order they were offered, not reversed.
     *
     * <p>The five first attempts must be the server's next five frames, so that {@code rejectNext(5)} answers
     * {@code 500} to each of them. The I/O thread is held while they are offered, so that one drain takes all five
     * and writes them in one flush. Offered to a running I/O thread, they may be taken by several drains: message 0
     * is then written, answered {@code 500} and written again before 1 to 4 are, the fifth {@code 500} falls on 0's
     * second attempt, and 4 is taken at its first, ahead of the retries of 0 to 3 ({@code [4, 0, 1, 2, 3]}). That is
     * pipelining, not a broken promise: only messages waiting to be sent again at the same time go in offer order.
     */
    @Test
    void messagesAnswered500TogetherAreSentAgainInOfferOrder() throws InterruptedException {
        start(settings().build());
        await().atMost(WAIT).until(() -> listener.connected.get() == 1);
        server.faults().rejectNext(5);
        try (HeldIoThreads held = HeldIoThreads.hold()) {
            Messages.offerRange(transport, 0, 5);
        }
        await().atMost(WAIT).until(() -> listener.delivered.get() == 5);
        assertThat(server.messages()).extracting(Messages::numberOf)
                .containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void givesUpAMessageRejectedMoreThanMaxRejectAttemptsAndDeliversTheRest() {
        start(settings().maxRejectAttempts(2).build());
        await().atMost(WAIT).until(() -> listener.connected.get() == 1);
        server.faults().rejectNext(3); // the first try and both retries of message 0
        Messages.offerRange(transport, 0, 1);
        await().atMost(WAIT).until(() -> listener.rejected.size() == 1);
        assertThat(listener.rejected.get(0)).startsWith("0: 500 ").contains("message rejected");
        await().atMost(WAIT).until(() -> listener.reportsSinceBatch.get() == 0); // a rejection ends a batch too
        Messages.offerRange(transport, 1, 100);
        await().atMost(WAIT).until(() -> listener.delivered.get() == 99);
        assertThat(listener.deliveredIds).doesNotContain(0L);
        assertThat(Messages.counts(server.messages())).hasSize(99).doesNotContainKey(0L);
        assertThat(listener.connected).hasValue(1);
        assertThat(listener.disconnects).isEmpty();
        assertThat(transport.pending()).isZero();
    }

    @Test
    void reopensTheSessionWhenAcksAreWithheldPastTheAckTimeout() {
        server.faults().withholdAcks();
        start(settings().build());
        Messages.offerRange(transport, 0, COUNT);
        await().atMost(WAIT).until(() -> listener.disconnects.stream().anyMatch(r -> r.contains("ackTimeout")));
        assertThat(listener.disconnects.get(0)).contains("no answer").contains("within ackTimeout 500ms")
                .contains("128 frames unacknowledged");
        server.faults().resumeAcks();
        assertNothingLost();
        // the first window was recorded without answers, then sent again on the next session
        assertThat(server.server().duplicateCount()).isGreaterThanOrEqualTo(TransportSettings.DEFAULT_WINDOW_SIZE);
    }

    /**
     * A server that answers {@code open} and then nothing (rsyslog whose main queue is full and blocks, an output hung
     * behind {@code imrelp}, a proxy that passes the handshake): each session sends its frames and ends by the
     * {@code ackTimeout}. Such a session is a failed attempt, so the failed attempts add up across the cycles (the
     * delays grow, as for refused connects); before, the answer to {@code open} reset the backoff, and each session
     * came after the first delay, for ever, sending its frames again. The session is still reported connected when
     * {@code open} is answered. Once the server answers again, the session delivers everything and resets the backoff.
     */
    @Test
    void sessionsWhoseFramesGoUnansweredDoNotResetTheBackoffUntilOneIsAnswered() {
        int stalled = 3;
        int count = 5;
        server.faults().withholdAcks();
        CountingBackoff backoff = startCounting(settings().ackTimeout(SHORT_ACK_TIMEOUT));
        Messages.offerRange(transport, 0, count);
        await().atMost(WAIT).until(() -> backoff.delays() >= stalled);
        assertThat(listener.disconnects.subList(0, stalled)).containsOnly("RELP: no answer from " + server.target()
                + " within ackTimeout 300ms (" + count + " frames unacknowledged)");
        assertThat(backoff.resetsAtDelays().subList(0, stalled)).as("backoff resets before each failed session")
                .containsExactly(0, 0, 0);
        assertThat(listener.connected.get()).as("each session reported connected when open was answered")
                .isGreaterThanOrEqualTo(stalled);

        server.faults().resumeAcks();
        await().atMost(WAIT).until(() -> listener.delivered.get() == count);
        await().atMost(WAIT).until(() -> backoff.resets() == 1); // the answered session proved healthy
        // a session may still have ended by the ackTimeout as the answers resumed: never one that reset before it
        assertThat(backoff.resetsAtDelays()).as("backoff resets before each failed session").containsOnly(0);
        assertThat(listener.disconnects).hasSize(backoff.delays()).allMatch(r -> r.contains("within ackTimeout"));
        assertThat(listener.connected).hasValue(backoff.delays() + 1);
        assertThat(Messages.counts(server.messages())).hasSize(count);
        assertThat(listener.outOfOrder).hasValue(0);
        assertThat(listener.rejected).isEmpty();
        assertThat(transport.pending()).isZero();
        // every stalled session sent the frames again, and the server took them each time
        assertThat(listener.resent.get()).isGreaterThanOrEqualTo(stalled * count);
        assertThat(server.server().duplicateCount()).isLessThanOrEqualTo(listener.resent.get());
    }

    /**
     * A session on probation that the server ends before proving healthy ({@code serverclose} here, with frames
     * unanswered, before any {@code ackTimeout}) is one more failed attempt, as a stall is: the delay after it is not
     * the first one. Before, any end by the peer on probation reset the backoff (see
     * {@link #aServerThatClosesEachSessionRightAfterOpenDoesNotResetTheBackoff}).
     */
    @Test
    void aSessionOnProbationThatTheServerEndsIsAFailedAttempt() {
        int count = 5;
        CountingBackoff backoff = startWithFramesUnanswered(count);
        assertThat(backoff.resets()).isZero();

        server.faults().sendServerClose();
        assertFirstEnd(backoff, "server " + server.target() + " sent serverclose", 0);
        server.faults().resumeAcks(); // the next session delivers, and the close after the test is quick
        await().atMost(WAIT).until(() -> listener.delivered.get() == count);
        await().atMost(WAIT).until(() -> backoff.resets() == 1); // the answered session proved healthy
    }

    /**
     * A server that answers {@code open} and closes each session at once, before it answers any message (a proxy
     * whose backend refuses it, a receiver that exits at once): each session ends on probation without proving
     * healthy, so it is one more failed attempt and the delays grow, as for refused connects. Before, an end by the
     * peer on probation reset the backoff, and the client opened a session after the first delay, for ever. Each
     * session is still reported connected. Once the server keeps its sessions, one delivers and resets the backoff.
     */
    @Test
    void aServerThatClosesEachSessionRightAfterOpenDoesNotResetTheBackoff() {
        int closed = 3;
        int count = 5;
        server.faults().closeEachSessionAfterOpen();
        CountingBackoff backoff = startCounting(settings().ackTimeout(UNREACHED_ACK_TIMEOUT));
        Messages.offerRange(transport, 0, count);
        await().atMost(WAIT).until(() -> backoff.delays() >= closed);
        assertThat(backoff.resetsAtDelays().subList(0, closed)).as("backoff resets before each failed session")
                .containsExactly(0, 0, 0);
        assertThat(listener.disconnects.subList(0, closed)).noneMatch(r -> r.contains("ackTimeout"));
        assertThat(listener.connected.get()).as("each session reported connected when open was answered")
                .isGreaterThanOrEqualTo(closed);
        assertThat(listener.delivered).hasValue(0);

        server.faults().reset();
        await().atMost(WAIT).until(() -> listener.delivered.get() == count);
        await().atMost(WAIT).until(() -> backoff.resets() == 1); // the answered session proved healthy
        assertThat(backoff.resetsAtDelays()).as("backoff resets before each failed session").containsOnly(0);
        assertThat(Messages.counts(server.messages())).hasSize(count);
        assertThat(listener.outOfOrder).hasValue(0);
        assertThat(transport.pending()).isZero();
    }

    /**
     * A session that proved healthy (by its answers) and that the server ends later reset the backoff at the proof:
     * the delay after its end is the backoff's first, so a server that restarts is back in use quickly.
     */
    @Test
    void aProvenSessionThatTheServerEndsLaterIsFollowedByTheFirstDelay() {
        int count = 5;
        CountingBackoff backoff = startWithASessionProvenByAnswers(count, UNREACHED_ACK_TIMEOUT);

        server.faults().sendServerClose();
        assertFirstEnd(backoff, "server " + server.target() + " sent serverclose", 1);
        Messages.offerRange(transport, count, 2 * count);
        await().atMost(WAIT).until(() -> listener.delivered.get() == 2 * count);
        assertThat(listener.connected).hasValue(2);
    }

    /**
     * A session ended by its own transport's close says nothing about the server: it leaves the backoff alone, neither
     * reset nor a failed attempt. The engine's backoff is shared by the transports it opens in turn, and it closes one
     * with no time to drain and opens the next at once (failover back to the primary, the spool's hand-over): the old
     * session's end comes later, on its I/O thread, and a reset then undid the delays the new one had drawn.
     */
    @Test
    void closingATransportWhoseSessionIsOnProbationLeavesTheBackoffAlone() {
        int count = 5;
        CountingBackoff backoff = startWithFramesUnanswered(count);

        assertThat(transport.close(Duration.ZERO)).hasSize(count);
        await().atMost(WAIT).until(() -> listener.disconnects.contains("transport closed"));
        assertThat(backoff.resets()).as("resets").isZero();
        assertThat(backoff.delays()).as("failed attempts").isZero();
    }

    /** As {@link #closingATransportWhoseSessionIsOnProbationLeavesTheBackoffAlone}, for a close that drains. */
    @Test
    void aCleanCloseOfASessionOnProbationLeavesTheBackoffAlone() {
        CountingBackoff backoff = startCounting(settings().ackTimeout(UNREACHED_ACK_TIMEOUT));
        await().atMost(WAIT).until(() -> listener.connected.get() == 1); // open answered: on probation

        assertThat(transport.close(Duration.ofSeconds(10))).isEmpty();
        assertThat(listener.disconnects).containsExactly("session closed");
        assertThat(backoff.resets()).as("resets").isZero();
        assertThat(backoff.delays()).as("failed attempts").isZero();
    }

    /** A {@code 500} is an answer: the server processes frames, and the session is proven before any ackTimeout. */
    @Test
    void anAnswer500ProvesTheSession() {
        server.faults().rejectNext(1);
        CountingBackoff backoff = startCounting(settings().ackTimeout(UNREACHED_ACK_TIMEOUT).maxRejectAttempts(0));
        Messages.offerRange(transport, 0, 1);
        await().atMost(WAIT).until(() -> listener.rejected.size() == 1); // reported after the answer reset
        assertThat(listener.rejected.get(0)).startsWith("0: 500 ");
        assertThat(backoff.resets()).as("resets").isEqualTo(1);
        assertThat(backoff.delays()).as("failed attempts").isZero();
        assertThat(listener.delivered).hasValue(0);
        assertThat(listener.disconnects).isEmpty();
    }

    /** A session open for ackTimeout with nothing sent held for that long: it is proven. */
    @Test
    void anIdleSessionIsProvenAfterTheAckTimeout() {
        CountingBackoff backoff = startCounting(settings().ackTimeout(SHORT_ACK_TIMEOUT));
        await().atMost(WAIT).until(() -> backoff.resets() == 1);
        assertThat(listener.connected).hasValue(1);
        assertThat(backoff.delays()).as("failed attempts").isZero();
        assertThat(listener.disconnects).isEmpty();
        assertThat(server.messages()).isEmpty();
    }

    /**
     * A session proven by its answers that stalls later reset the backoff at the proof: the failure after the stall
     * asks for the backoff's first delay.
     */
    @Test
    void aSessionProvenByAnswersThatStallsLaterFailsAfterTheReset() {
        int count = 5;
        CountingBackoff backoff = startWithASessionProvenByAnswers(count, SHORT_ACK_TIMEOUT);

        server.faults().withholdAcks();
        Messages.offerRange(transport, count, 2 * count);
        assertFirstEnd(backoff, "RELP: no answer from " + server.target() + " within ackTimeout 300ms (" + count
                + " frames unacknowledged)", 1);
        server.faults().resumeAcks();
        await().atMost(WAIT).until(() -> listener.delivered.get() == 2 * count);
    }

    @Test
    void resendsUnacknowledgedMessagesAfterServerclose() {
        server.faults().delayAcks(Duration.ofMillis(10)); // keeps frames in flight when the fault hits
        start(settings().build());
        Messages.offerRange(transport, 0, COUNT);
        server.awaitMessages(1_000, WAIT);
        server.faults().sendServerClose();
        assertNothingLost();
        assertThat(listener.disconnects).anyMatch(reason -> reason.contains("sent serverclose"));
        assertThat(listener.resent.get()).isGreaterThan(0);
        assertThat(listener.connected.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void losesNothingWhenTheServerIsStoppedAndRestarted() {
        server.faults().delayAcks(Duration.ofMillis(10));
        start(settings().build());
        Messages.offerRange(transport, 0, COUNT);
        server.awaitMessages(1_000, WAIT);
        server.stop();
        await().atMost(WAIT).until(() -> listener.disconnects.stream().anyMatch(r -> r.contains("connect to")));
        assertThat(transport.state()).isNotEqualTo(TransportState.CONNECTED);
        server.start();
        assertNothingLost();
        assertThat(listener.disconnects).anyMatch(r -> r.contains("failed"));
    }

    @Test
    void losesNothingWhenTheServerIsKilledAndRestarted() {
        server.faults().delayAcks(Duration.ofMillis(10));
        start(settings().build());
        Messages.offerRange(transport, 0, COUNT);
        server.awaitMessages(1_000, WAIT);
        server.kill();
        await().atMost(WAIT).until(() -> listener.disconnects.stream().anyMatch(r -> r.contains("connect to")));
        server.start();
        assertNothingLost();
        assertThat(listener.resent.get()).isGreaterThan(0);
    }

    @Test
    void rebindsAfterRebindIntervalMessagesWithoutDuplicates() {
        start(settings().rebindInterval(1_000).build());
        Messages.offerRange(transport, 0, COUNT);
        assertNothingLost();
        assertThat(server.server().duplicateCount()).isZero();
        assertThat(listener.connected.get()).isGreaterThanOrEqualTo(COUNT / 1_000);
        assertThat(listener.disconnects).allMatch(r -> r.contains("rebindInterval"));
        assertThat(server.messages().stream().map(ReceivedMessage::sessionId).distinct().count())
                .isGreaterThanOrEqualTo(COUNT / 1_000);
    }

    @Test
    void closeDrainsWaitsForTheCloseAnswerAndReturnsNothing() {
        start(settings().build());
        Messages.offerRange(transport, 0, 1_000);
        List<dev.sluice.transport.net.Outbound> undelivered = transport.close(Duration.ofSeconds(10));
        assertThat(undelivered).isEmpty();
        assertThat(server.server().messageCount()).isEqualTo(1_000);
        assertThat(listener.delivered).hasValue(1_000);
        assertThat(listener.disconnects).containsExactly("session closed");
        assertThat(transport.state()).isEqualTo(TransportState.CLOSED);
        assertThat(transport.offer(Messages.numbered(1_000))).isFalse();
    }

    @Test
    void closeReturnsTheUnacknowledgedMessagesInOrderWithinItsTimeoutWhenTheServerNeverAnswers() {
        server.faults().withholdAcks();
        start(settings().ackTimeout(Duration.ofSeconds(30)).build());
        Messages.offerRange(transport, 0, 1_000);
        server.awaitMessages(TransportSettings.DEFAULT_WINDOW_SIZE, WAIT);
        // close() waits at most its timeout and a grace for the I/O thread (CLOSE_GRACE_NANOS), then returns null
        // and hands the messages back later: getting them all back now shows that it ended at its timeout, not
        // after the server (ackTimeout 30 s). The time it took is no figure to assert on a slow machine.
        List<dev.sluice.transport.net.Outbound> undelivered = transport.close(Duration.ofMillis(300));
        assertThat(undelivered).hasSize(1_000);
        for (int i = 0; i < undelivered.size(); i++) {
            assertThat(undelivered.get(i).id()).isEqualTo(i);
        }
        assertThat(listener.delivered).hasValue(0);
        // the window's frames were written and the rest never: only those are resends wherever they go next
        assertThat(listener.handedBackSent).containsExactlyElementsOf(
                LongStream.range(0, TransportSettings.DEFAULT_WINDOW_SIZE).boxed().toList());
        assertThat(transport.pending()).isZero();
        assertThat(transport.state()).isEqualTo(TransportState.CLOSED);
    }

    /**
     * The I/O thread held up past the close's bound (a listener blocking it, say): {@code close} returns
     * {@code null} instead of an empty list that would lose the messages, and once the thread is free the listener
     * gets them all, in order, after {@code handedBackSent} for those written.
     */
    @Test
    void closeWithTheIoThreadHeldUpReturnsNullAndHandsTheMessagesBackLate() throws InterruptedException {
        server.faults().withholdAcks();
        start(settings().ackTimeout(Duration.ofSeconds(30)).build());
        Messages.offerRange(transport, 0, 1_000);
        server.awaitMessages(TransportSettings.DEFAULT_WINDOW_SIZE, WAIT);
        try (HeldIoThreads held = HeldIoThreads.hold()) {
            try {
                assertThat(transport.close(Duration.ZERO)).isNull();
                assertThat(listener.handedBackLate).isEmpty();
            } finally {
                held.release();
            }
            await().atMost(WAIT).until(() -> !listener.handedBackLate.isEmpty());
        }
        assertThat(listener.handedBackLate).hasSize(1);
        assertThat(listener.handedBackLate.get(0)).extracting(dev.sluice.transport.net.Outbound::id)
                .containsExactlyElementsOf(LongStream.range(0, 1_000).boxed().toList());
        assertThat(listener.handedBackSent).containsExactlyElementsOf(
                LongStream.range(0, TransportSettings.DEFAULT_WINDOW_SIZE).boxed().toList());
        assertThat(listener.delivered).hasValue(0);
        assertThat(transport.close(Duration.ZERO)).as("handed back once").isEmpty();
    }
}
