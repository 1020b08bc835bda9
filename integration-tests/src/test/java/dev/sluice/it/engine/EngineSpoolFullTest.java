package dev.sluice.it.engine;

import static dev.sluice.it.engine.NumberedEvents.distinctNumbers;
import static dev.sluice.it.engine.NumberedEvents.duplicates;
import static dev.sluice.it.engine.NumberedEvents.event;
import static dev.sluice.it.engine.NumberedEvents.number;
import static dev.sluice.it.engine.NumberedEvents.quickTransport;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import dev.sluice.relp.server.ReceivedMessage;
import dev.sluice.relp.server.RelpTestServer;
import dev.sluice.transport.delivery.DeliveryEngine;
import dev.sluice.transport.delivery.EngineSettings;
import dev.sluice.transport.delivery.OverflowPolicy;
import dev.sluice.transport.health.DeliveryState;
import dev.sluice.transport.health.DropReason;
import dev.sluice.transport.health.Health;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.spool.SpoolConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full spool at engine level (issue 4, item 3): with a tiny {@code maxSize} and the server down, {@code dropNewest}
 * drops what does not fit, counts it as {@code SPOOL_FULL}, never throws into the application, and what was
 * spooled is delivered intact when the server returns.
 *
 * <p>{@code dropOldest} makes room by dropping the oldest records the delivery thread has not taken (a whole segment
 * at a time), keeps the new event, counts every drop, and what it kept is delivered when the receiver returns. It
 * used to drop the new event instead whenever records were in flight, which is always the case in an outage that
 * began while delivering.
 *
 * <p>{@code block} makes the appending thread wait for room while the receiver withholds its acknowledgements: it
 * goes on when they come, and nothing is dropped; {@code close()} releases it (its event refused at the stop, counted
 * as dropped at shutdown), and so does an interrupt (its event dropped as spool full, the interrupt status kept).
 */
class EngineSpoolFullTest {

    private static final long MAX_SIZE = 64 * 1024;
    private static final long SEGMENT_SIZE = 16 * 1024;
    private static final int EVENTS = 5_000;
    /** Records in flight when the receiver goes ({@code dropOldest}). */
    private static final int IN_FLIGHT = 50;
    /** Enough to fill the spool (about four segments of ~130 records) several times over. */
    private static final int DROP_OLDEST_EVENTS = 3_000;
    /** Events per appending thread under {@code block}: about twice what the spool holds. */
    private static final int BLOCK_EVENTS = 1_000;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final RelpTestServer server = RelpTestServer.builder().build();

    @TempDir
    Path dir;

    private DeliveryEngine engine;
    private final RecordingDiagnostics diagnostics = new RecordingDiagnostics();

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void aFullSpoolDropsNewestCountsItKeepsTheAppRunningAndDeliversEverythingSpooledIntact() {
        server.stop();
        engine = DeliveryEngine.start(EngineSettings.builder("spool-full")
                .targets(List.of(Target.parse(server.target()))).transport(quickTransport())
                .overflow(OverflowPolicy.DROP_NEWEST)
                .spool(SpoolConfig.builder(dir.resolve("spool")).maxSize(MAX_SIZE).segmentSize(SEGMENT_SIZE)
                        .minFreeDiskSpace(0).build())
                .shutdownTimeout(Duration.ofSeconds(2)).build());

        List<Long> accepted = new ArrayList<>();
        AtomicInteger refused = new AtomicInteger();
        assertThatCode(() -> {
            for (int i = 0; i < EVENTS; i++) {
                if (engine.append(event(i))) {
                    accepted.add((long) i);
                } else {
                    refused.incrementAndGet();
                }
            }
        }).as("append never throws into the application").doesNotThrowAnyException();

        Health full = engine.health();
        System.out.printf("spool full: %d of %d accepted into a %d-octet spool (%d octets on disk), %d dropped%n",
                accepted.size(), EVENTS, MAX_SIZE, full.spoolBytes(), refused.get());
        // Nothing is delivered while the server is down, so what fits is exactly the first N events.
        assertThat(accepted).isNotEmpty().hasSizeLessThan(EVENTS)
                .containsExactlyElementsOf(LongStream.range(0, accepted.size()).boxed().toList());
        assertThat(engine.counters().dropped(DropReason.SPOOL_FULL)).isEqualTo(EVENTS - accepted.size());
        assertThat(full.counters().droppedTotal()).isEqualTo(EVENTS - accepted.size());
        assertThat(full.counters().accepted()).isEqualTo(accepted.size());
        assertThat(full.spoolRecords()).isEqualTo(accepted.size());
        assertThat(full.spoolBytes()).isLessThanOrEqualTo(MAX_SIZE);
        assertThat(full.state()).isEqualTo(DeliveryState.DISCONNECTED);
        assertThat(full.oldestUndelivered()).isPresent();

        server.start();
        int n = accepted.size();
        List<ReceivedMessage> received = server.awaitMessages(n + 1, WAIT);
        ReceivedMessage notice = received.get(0);
        assertThat(notice.msgId()).isEqualTo("DROPPED");
        assertThat(notice.message()).isEqualTo((EVENTS - n) + " message(s) dropped by Sluice before this one: "
                + (EVENTS - n) + " spool full");
        // Intact: every spooled event arrives once, in order, with its own time and the sequence id it was given.
        for (int i = 0; i < n; i++) {
            ReceivedMessage m = received.get(i + 1);
            assertThat(number(m.message())).isEqualTo(i);
            assertThat(m.hostname()).isEqualTo("h");
            assertThat(m.timestamp()).isEqualTo("2026-11-27T09:00:00.123456Z");
            assertThat(m.sdParam("meta", "sequenceId")).contains(Long.toString(i + 1));
        }
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
        assertThat(engine.counters().dropped(DropReason.CORRUPT)).isZero();

        // With room again, the application's next events are accepted and delivered.
        for (int i = EVENTS; i < EVENTS + 100; i++) {
            assertThat(engine.append(event(i))).isTrue();
        }
        await().atMost(WAIT).until(() -> distinctNumbers(server.messages()).size() == n + 100);
        assertThat(duplicates(server.messages())).isZero();
        assertThat(engine.counters().dropped(DropReason.SPOOL_FULL)).isEqualTo(EVENTS - n);
    }

    private DeliveryEngine startDropOldest() {
        return start(OverflowPolicy.DROP_OLDEST);
    }

    private DeliveryEngine start(OverflowPolicy overflow) {
        return DeliveryEngine.start(EngineSettings.builder("spool-full")
                .targets(List.of(Target.parse(server.target())))
                // an ack timeout longer than the test, so the withheld acks do not end the session
                .transport(quickTransport().toBuilder().ackTimeout(Duration.ofMinutes(5)).build())
                .overflow(overflow)
                .spool(SpoolConfig.builder(dir.resolve("spool")).maxSize(MAX_SIZE).segmentSize(SEGMENT_SIZE)
                        .minFreeDiskSpace(0).build())
                .shutdownTimeout(Duration.ofSeconds(2)).diagnostics(diagnostics).build());
    }

    /**
     * Appends events {@code from} to {@code to - 1}; each one must be accepted, none may wait for room. Called while
     * the receiver is stopped or withholds its acknowledgements, when room never comes: on another thread, so that a
     * wait fails the test (the appends do not complete) instead of hanging it.
     */
    private void appendAll(int from, int to) {
        CompletableFuture<Void> appends = CompletableFuture.runAsync(() -> {
            for (int i = from; i < to; i++) {
                assertThat(engine.append(event(i))).as("event %d accepted", i).isTrue();
            }
        });
        await("appends while the receiver is stopped").atMost(WAIT).until(appends::isDone);
        appends.join(); // an assertion that failed on that thread fails here
    }

    @Test
    void withRecordsInFlightAFullSpoolDropsTheOldestSegmentsNotTakenAndKeepsTheNewest() {
        server.faults().withholdAcks();
        engine = startDropOldest();
        appendAll(0, IN_FLIGHT);
        // sent and recorded, never acknowledged: the transport keeps them to resend, the engine has them in flight
        server.awaitMessages(IN_FLIGHT, WAIT);
        server.stop();
        await().atMost(WAIT).until(() -> engine.health().state() == DeliveryState.DISCONNECTED);

        appendAll(IN_FLIGHT, DROP_OLDEST_EVENTS);

        long dropped = engine.counters().dropped(DropReason.SPOOL_FULL);
        long kept = engine.health().spoolRecords();
        assertThat(dropped).isPositive();
        assertThat(dropped).as("dropped = appended - kept").isEqualTo(DROP_OLDEST_EVENTS - kept);
        assertThat(engine.health().counters().droppedTotal()).isEqualTo(dropped);
        assertThat(engine.health().counters().accepted()).isEqualTo(DROP_OLDEST_EVENTS);
        assertThat(engine.health().spoolBytes()).isLessThanOrEqualTo(MAX_SIZE);

        server.faults().resumeAcks();
        server.start();
        await().atMost(WAIT).until(() -> distinctNumbers(server.messages()).size() == kept);
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
        List<ReceivedMessage> received = server.messages();
        Set<Long> arrived = distinctNumbers(received);
        assertThat(arrived).hasSize((int) kept);

        // the in-flight ones and the newest are kept; what is missing is one run in between, as many as were dropped
        assertThat(arrived).containsAll(LongStream.range(0, IN_FLIGHT).boxed().toList())
                .containsAll(LongStream.range(DROP_OLDEST_EVENTS - 100, DROP_OLDEST_EVENTS).boxed().toList());
        List<Long> missing = LongStream.range(0, DROP_OLDEST_EVENTS).filter(n -> !arrived.contains(n)).boxed()
                .toList();
        assertThat((long) missing.size()).isEqualTo(dropped);
        assertThat(missing).containsExactlyElementsOf(
                LongStream.rangeClosed(missing.get(0), missing.get(missing.size() - 1)).boxed().toList());
        assertThat(missing.get(0)).isGreaterThan(IN_FLIGHT);
        assertInOrderAllowingResends(received);

        // the drops were announced in-band, counted once each
        assertThat(received).filteredOn(m -> "DROPPED".equals(m.msgId())).singleElement()
                .satisfies(m -> assertThat(m.message()).isEqualTo(dropped
                        + " message(s) dropped by Sluice before this one: " + dropped + " spool full"));
        assertThat(engine.counters().dropped(DropReason.SPOOL_FULL)).isEqualTo(dropped);
        assertNoSpoolProblem();
    }

    @Test
    void withNothingInFlightAFullSpoolDropsItsOldestSegmentsAndKeepsTheNewest() {
        server.stop(); // never connected: nothing is in flight
        engine = startDropOldest();

        appendAll(0, DROP_OLDEST_EVENTS);

        long dropped = engine.counters().dropped(DropReason.SPOOL_FULL);
        long kept = engine.health().spoolRecords();
        assertThat(dropped).isPositive().isEqualTo(DROP_OLDEST_EVENTS - kept);
        assertThat(engine.health().spoolBytes()).isLessThanOrEqualTo(MAX_SIZE);

        server.start();
        await().atMost(WAIT).until(() -> distinctNumbers(server.messages()).size() == kept);
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
        List<ReceivedMessage> received = server.messages();
        // the oldest went, whole segments of them: what arrives is exactly the newest events, once each, in order
        assertThat(received.get(0).msgId()).isEqualTo("DROPPED");
        assertThat(received.get(0).message()).isEqualTo(dropped + " message(s) dropped by Sluice before this one: "
                + dropped + " spool full");
        assertThat(received.subList(1, received.size())).extracting(m -> number(m.message()))
                .containsExactlyElementsOf(LongStream.range(dropped, DROP_OLDEST_EVENTS).boxed().toList());
        assertNoSpoolProblem();
    }

    @Test
    void underBlockAFullSpoolHoldsTheAppendingThreadUntilAcknowledgementsMakeRoomAndNothingIsDropped() {
        Appending appending = oneThreadWaitingForRoom();
        int held = appending.accepted.get();
        assertThat(held).isPositive().isLessThan(BLOCK_EVENTS);
        assertThat(engine.health().spoolRecords()).isEqualTo(held);
        assertThat(engine.health().spoolBytes()).isLessThanOrEqualTo(MAX_SIZE);

        server.faults().resumeAcks();
        await("the appending thread, once acknowledgements make room").atMost(WAIT)
                .until(() -> !appending.isAlive());
        assertThat(appending.refused).as("the event whose append returned false").isEqualTo(-1);
        await().atMost(WAIT).until(() -> distinctNumbers(server.messages()).size() == BLOCK_EVENTS);
        assertThat(distinctNumbers(server.messages())).containsExactlyElementsOf(range(0, BLOCK_EVENTS));
        assertThat(server.messages()).noneMatch(m -> "DROPPED".equals(m.msgId()));
        assertThat(engine.health().counters().droppedTotal()).isZero();
        assertThat(engine.health().counters().accepted()).isEqualTo(BLOCK_EVENTS);
        assertThat(diagnostics.messages).noneMatch(m -> m.contains("dropped") || m.contains(": spool: "));
    }

    @Test
    void underBlockCloseReleasesTheWaitingThreadsTheirEventsRefusedAndCountedAndWhatTheyAppendedStaysSpooled() {
        server.faults().withholdAcks();
        engine = start(OverflowPolicy.BLOCK);
        // one waits for room in the spool, the others for the first
        List<Appending> threads = List.of(Appending.start(engine, 0, BLOCK_EVENTS),
                Appending.start(engine, BLOCK_EVENTS, 2 * BLOCK_EVENTS),
                Appending.start(engine, 2 * BLOCK_EVENTS, 3 * BLOCK_EVENTS));
        awaitAllWaiting(threads);
        long accepted = engine.health().counters().accepted();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(engine::close);
        await("close, and the threads it releases").atMost(WAIT)
                .until(() -> closing.isDone() && threads.stream().noneMatch(Thread::isAlive));
        closing.join();
        // each waiting append returned false: refused at the stop, counted and reported as dropped at shutdown
        assertThat(threads).allSatisfy(t -> assertThat(t.refused).isEqualTo(t.from + t.accepted.get()));
        assertThat(engine.counters().dropped(DropReason.SHUTDOWN)).isEqualTo(threads.size());
        assertThat(engine.health().counters().droppedTotal()).isEqualTo(threads.size());
        assertThat(engine.health().counters().accepted()).isEqualTo(accepted);
        assertThat(diagnostics.messages).anyMatch(m -> m.contains("event(s) dropped: not delivered before shutdown"));

        // What they had appended before stays in the spool: the next engine on it delivers all of it.
        Set<Long> appended = new TreeSet<>();
        threads.forEach(t -> appended.addAll(t.acceptedEvents()));
        assertThat(appended).hasSize((int) accepted);
        server.faults().resumeAcks();
        engine = start(OverflowPolicy.BLOCK);
        await().atMost(WAIT).until(() -> distinctNumbers(server.messages()).size() >= appended.size());
        assertThat(distinctNumbers(server.messages())).containsExactlyElementsOf(appended);
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
    }

    @Test
    void underBlockAnInterruptEndsTheWaitDropsTheEventCountsItAndKeepsTheInterruptStatus() {
        Appending appending = oneThreadWaitingForRoom();

        appending.interrupt();
        await("the interrupted thread").atMost(WAIT).until(() -> !appending.isAlive());
        int interrupted = appending.refused;
        assertThat(interrupted).as("the event whose append returned false").isEqualTo(appending.accepted.get());
        assertThat(appending.interruptedAfterRefusal).as("interrupt status after the append returned").isTrue();
        assertThat(engine.counters().dropped(DropReason.SPOOL_FULL)).isEqualTo(1);
        assertThat(engine.health().counters().droppedTotal()).isEqualTo(1);
        assertThat(diagnostics.messages).anyMatch(m -> m.contains("1 event(s) dropped: spool full"));

        // The engine goes on: with room again the next event is accepted, and the drop is announced in-band.
        server.faults().resumeAcks();
        assertThat(engine.append(event(BLOCK_EVENTS))).isTrue();
        List<Long> expected = new ArrayList<>(range(0, interrupted));
        expected.add((long) BLOCK_EVENTS);
        await().atMost(WAIT).until(() -> distinctNumbers(server.messages()).size() >= expected.size());
        assertThat(distinctNumbers(server.messages())).containsExactlyElementsOf(expected);
        assertThat(server.messages()).filteredOn(m -> "DROPPED".equals(m.msgId())).singleElement()
                .satisfies(m -> assertThat(m.message())
                        .isEqualTo("1 message(s) dropped by Sluice before this one: 1 spool full"));
    }

    /**
     * Under {@code block}, with the receiver withholding its acknowledgements: one thread appends events 0 to
     * {@value #BLOCK_EVENTS} - 1 and is left waiting for room in the full spool.
     */
    private Appending oneThreadWaitingForRoom() {
        server.faults().withholdAcks();
        engine = start(OverflowPolicy.BLOCK);
        Appending appending = Appending.start(engine, 0, BLOCK_EVENTS);
        awaitAllWaiting(List.of(appending));
        return appending;
    }

    /**
     * Waits until each thread waits (for room in the spool, or for the thread that does) and the engine has accepted
     * nothing for a poll interval; then each must still be running, with nothing dropped: with the spool full and no
     * acknowledgement coming, a thread that returned would have dropped its event.
     */
    private void awaitAllWaiting(List<Appending> threads) {
        AtomicLong lastAccepted = new AtomicLong(-1);
        await("appending threads waiting").atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            long accepted = engine.health().counters().accepted();
            return lastAccepted.getAndSet(accepted) == accepted
                    && threads.stream().allMatch(t -> !t.isAlive() || t.getState() == Thread.State.WAITING
                            || t.getState() == Thread.State.TIMED_WAITING);
        });
        assertThat(threads).allMatch(Thread::isAlive, "still appending");
        assertThat(engine.health().counters().droppedTotal()).isZero();
    }

    private static List<Long> range(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    /** Appends events {@code from} to {@code to - 1} to an engine on its own thread, until one is not accepted. */
    private static final class Appending extends Thread {
        private final DeliveryEngine engine;
        final int from;
        private final int to;
        /** How many were accepted: events {@code from} to {@code from + accepted - 1}. */
        final AtomicInteger accepted = new AtomicInteger();
        /** The event whose append returned false; -1 if none did. */
        volatile int refused = -1;
        /** Whether this thread's interrupt status was set when that append returned. */
        volatile boolean interruptedAfterRefusal;

        private Appending(DeliveryEngine engine, int from, int to) {
            super("appending-" + from);
            this.engine = engine;
            this.from = from;
            this.to = to;
            setDaemon(true);
        }

        static Appending start(DeliveryEngine engine, int from, int to) {
            Appending t = new Appending(engine, from, to);
            t.start();
            return t;
        }

        @Override
        public void run() {
            for (int i = from; i < to; i++) {
                if (!engine.append(event(i))) {
                    refused = i;
                    interruptedAfterRefusal = isInterrupted();
                    return;
                }
                accepted.incrementAndGet();
            }
        }

        List<Long> acceptedEvents() {
            return range(from, from + accepted.get());
        }
    }

    /** The drops were warned of; the spool itself reported nothing and found nothing damaged. */
    private void assertNoSpoolProblem() {
        assertThat(engine.counters().dropped(DropReason.CORRUPT)).isZero();
        assertThat(diagnostics.messages).noneMatch(m -> m.contains(": spool: "));
        assertThat(diagnostics.messages).anyMatch(m -> m.contains("event(s) dropped: spool full"));
    }

    /** Each event's first arrival comes after the first arrival of every event before it. */
    private static void assertInOrderAllowingResends(List<ReceivedMessage> received) {
        List<Long> firstArrivals = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (ReceivedMessage m : received) {
            long n = number(m.message());
            if (n >= 0 && seen.add(n)) {
                firstArrivals.add(n);
            }
        }
        assertThat(firstArrivals).containsExactlyElementsOf(new TreeSet<>(firstArrivals));
    }
}
