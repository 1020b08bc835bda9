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

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * While its window is full, the RELP transport does not wake its I/O thread for new messages: they wait in the
 * inbox until the answers come, and the read of those answers takes them in. These tests hold the window full
 * (answers withheld) or make it fill and empty all the time (a window of 2, concurrent callers), and check that no
 * message offered meanwhile is left behind: after answers, after the end of the session, after a close.
 */
class RelpWindowHandOffTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

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

    private SyslogTransport start(int windowSize, Duration ackTimeout) {
        TransportSettings settings = TransportSettings.builder()
                .windowSize(windowSize)
                .ackTimeout(ackTimeout)
                .connectTimeout(Duration.ofSeconds(2))
                .maxPending(100_000)
                .backoff(() -> Backoff.fixed(Duration.ofMillis(50)))
                .build();
        transport = SyslogTransports.create(Target.parse(server.target()), settings, listener);
        return transport;
    }

    @Test
    void aMessageOfferedWhileTheWindowIsFullLeavesWithTheAnswers() {
        server.faults().withholdAcks();
        start(4, Duration.ofSeconds(30));
        Messages.offerRange(transport, 0, 4);
        server.awaitMessages(4, WAIT);

        assertThat(transport.offer(Messages.numbered(4))).isTrue();
        assertThat(server.server().messageCount()).isEqualTo(4); // the window is full: it waits
        server.faults().resumeAcks();

        await().atMost(WAIT).until(() -> listener.delivered.get() == 5);
        assertThat(numbers(server.messages())).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(listener.outOfOrder).hasValue(0);
        await().atMost(WAIT).until(() -> transport.pending() == 0); // reported before it is counted down
    }

    @Test
    void messagesOfferedWhileTheWindowIsFullSurviveTheEndOfTheSession() {
        server.faults().withholdAcks();
        start(4, Duration.ofMillis(500));
        Messages.offerRange(transport, 0, 4);
        server.awaitMessages(4, WAIT);
        Messages.offerRange(transport, 4, 10); // wait in the inbox; then the ack timeout ends the session

        await().atMost(WAIT).until(() -> listener.disconnects.stream().anyMatch(r -> r.contains("ackTimeout")));
        server.faults().resumeAcks();

        await().atMost(WAIT).until(() -> listener.delivered.get() == 10);
        assertThat(listener.deliveredIds).containsExactlyInAnyOrderElementsOf(LongStream.range(0, 10).boxed().toList());
        assertThat(listener.outOfOrder).hasValue(0);
        assertThat(listener.connected.get()).isGreaterThanOrEqualTo(2);
        await().atMost(WAIT).until(() -> transport.pending() == 0); // reported before it is counted down
    }

    @Test
    void closeHandsBackWhatWaitedBehindAFullWindowInOfferOrder() {
        server.faults().withholdAcks();
        start(4, Duration.ofSeconds(30));
        Messages.offerRange(transport, 0, 4);
        server.awaitMessages(4, WAIT);
        Messages.offerRange(transport, 4, 50);

        List<dev.sluice.transport.net.Outbound> undelivered = transport.close(Duration.ofMillis(200));

        assertThat(undelivered).extracting(dev.sluice.transport.net.Outbound::id)
                .containsExactlyElementsOf(LongStream.range(0, 50).boxed().toList());
        assertThat(listener.handedBackSent).containsExactly(0L, 1L, 2L, 3L);
        assertThat(transport.pending()).isZero();
    }

    /**
     * A window of 2 fills and empties on nearly every message, so offers race with the I/O thread's park and
     * unpark all the time; four callers at once. A message the hand-off lost would never arrive.
     */
    @Test
    void concurrentCallersLoseNothingWhileASmallWindowFillsAndEmpties() {
        int callers = 4;
        int each = 5_000;
        start(2, Duration.ofSeconds(30));
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<CompletableFuture<Void>> running = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                long from = c * 1_000_000L;
                running.add(CompletableFuture.runAsync(() -> Messages.offerRange(transport, from, from + each), pool));
            }
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).join();
        } finally {
            pool.shutdownNow();
        }

        await().atMost(WAIT).until(() -> listener.delivered.get() == (long) callers * each);
        assertThat(listener.deliveredIds).hasSize(callers * each);
        assertThat(listener.disconnects).isEmpty();
        assertThat(server.server().duplicateCount()).isZero();
        // each caller's messages arrived in the order it offered them
        Map<Long, Long> lastOfCaller = new HashMap<>();
        for (long n : numbers(server.messages())) {
            Long before = lastOfCaller.put(n / 1_000_000L, n);
            assertThat(before == null || before < n).as("%d after %d", n, before).isTrue();
        }
        await().atMost(WAIT).until(() -> transport.pending() == 0); // reported before it is counted down
    }

    private static List<Long> numbers(List<ReceivedMessage> received) {
        return received.stream().map(Messages::numberOf).toList();
    }
}
