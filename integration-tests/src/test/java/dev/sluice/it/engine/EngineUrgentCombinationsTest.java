package dev.sluice.it.engine;

import static dev.sluice.it.engine.NumberedEvents.distinctNumbers;
import static dev.sluice.it.engine.NumberedEvents.quickTransport;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.relp.server.RelpTestServer;
import dev.sluice.transport.delivery.DeliveryEngine;
import dev.sluice.transport.delivery.EngineSettings;
import dev.sluice.transport.delivery.FailoverPolicy;
import dev.sluice.transport.delivery.OverflowPolicy;
import dev.sluice.transport.delivery.UrgencyPolicy;
import dev.sluice.transport.health.DropReason;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.net.TransportSettings;
import dev.sluice.transport.spool.SpoolConfig;
import dev.sluice.transport.syslog.Severity;
import dev.sluice.transport.syslog.SyslogMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code urgentLevel} together with the other features: a delivery window that is closed, failover, the overflow
 * policy. An urgent event goes at once whatever the window, and only once it was accepted.
 */
class EngineUrgentCombinationsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final RelpTestServer primary = RelpTestServer.builder().build();
    @RegisterExtension
    final RelpTestServer secondary = RelpTestServer.builder().build();

    @TempDir
    Path dir;

    private DeliveryEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    /**
     * Starts {@link #engine} with a spool and urgentLevel ERROR to the primary, and appends
     * {@link DeliveryEngine#MAX_URGENT_HELD} urgent events, numbered from 0.
     */
    private void fillTheLane(String name, TransportSettings transport, SwitchedWindow window,
            RecordingDiagnostics diagnostics) {
        engine = DeliveryEngine.start(EngineSettings.builder(name)
                .targets(List.of(Target.parse(primary.target()))).transport(transport)
                .schedule(window).urgency(UrgencyPolicy.atOrAbove(Severity.ERROR.code()))
                .spool(SpoolConfig.builder(dir.resolve("spool")).build()).diagnostics(diagnostics)
                .shutdownTimeout(Duration.ofSeconds(2)).build());
        for (long i = 0; i < DeliveryEngine.MAX_URGENT_HELD; i++) {
            assertThat(engine.append(urgent(i))).isTrue();
        }
    }

    private static SyslogMessage urgent(long n) {
        return SyslogMessage.builder().timestamp(NumberedEvents.EVENT_TIME).severity(Severity.ERROR).hostname("h")
                .appName("app").message(NumberedEvents.PREFIX + n).build();
    }

    /**
     * An error storm outside the window, with a spool, while the receiver is down: the lane holds at most
     * {@link DeliveryEngine#MAX_URGENT_HELD} urgent events in memory (sent at once when the receiver is back), says
     * so once, and leaves the rest to the spool and the window; when the window opens, everything arrives once and
     * the spool empties.
     */
    @Test
    void anErrorStormOutsideTheWindowHoldsABoundedNumberOfUrgentEventsInMemory() {
        SwitchedWindow window = new SwitchedWindow();
        RecordingDiagnostics diagnostics = new RecordingDiagnostics();
        primary.stop(); // else the lane delivers some while they are appended, and those do not count
        engine = DeliveryEngine.start(EngineSettings.builder("urgent-storm")
                .targets(List.of(Target.parse(primary.target()))).transport(quickTransport())
                .schedule(window).urgency(UrgencyPolicy.atOrAbove(Severity.ERROR.code()))
                .spool(SpoolConfig.builder(dir.resolve("spool")).build()).diagnostics(diagnostics)
                .shutdownTimeout(Duration.ofSeconds(2)).build());
        int events = DeliveryEngine.MAX_URGENT_HELD + 500;
        for (long i = 0; i < events; i++) {
            assertThat(engine.append(urgent(i))).isTrue();
        }
        primary.start();
        await().atMost(WAIT).until(() -> primary.messages().size() >= DeliveryEngine.MAX_URGENT_HELD);
        await().atMost(WAIT).until(() -> engine.health().counters().acknowledged() >= DeliveryEngine.MAX_URGENT_HELD);
        assertThat(distinctNumbers(primary.messages()))
                .isEqualTo(LongStream.range(0, DeliveryEngine.MAX_URGENT_HELD).boxed().collect(Collectors.toSet()));
        assertThat(diagnostics.messages).filteredOn(m -> m.contains("urgentLevel")).hasSize(1);

        window.open.set(true);
        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).size() == events);
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
        assertThat(primary.messages()).filteredOn(m -> NumberedEvents.number(m.message()) >= 0).hasSize(events);
    }

    /**
     * A server that refuses every urgent event outside the window: the refused ones stay in memory until the regular
     * path moves their records aside in the window, so they count against {@link DeliveryEngine#MAX_URGENT_HELD};
     * else an error storm against such a server grew the lane without bound. Then the window opens: the refused ones
     * are set aside, the one that waited is delivered.
     */
    @Test
    void urgentEventsTheServerRefusesOutsideTheWindowCountAgainstTheBoundInMemory() {
        SwitchedWindow window = new SwitchedWindow();
        RecordingDiagnostics diagnostics = new RecordingDiagnostics();
        primary.faults().rejectNext(Integer.MAX_VALUE);
        int events = DeliveryEngine.MAX_URGENT_HELD;
        fillTheLane("urgent-refused", quickTransport().toBuilder().maxRejectAttempts(0).build(), window, diagnostics);
        await().atMost(WAIT).until(() -> engine.counters().snapshot().rejected() >= events);
        assertThat(diagnostics.messages).filteredOn(m -> m.contains("urgentLevel")).isEmpty();

        assertThat(engine.append(urgent(events))).isTrue();
        assertThat(diagnostics.messages).filteredOn(m -> m.contains("urgentLevel")).hasSize(1);

        primary.faults().reset();
        window.open.set(true);
        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).contains((long) events));
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
        assertThat(distinctNumbers(primary.messages())).containsExactly((long) events);
    }

    /**
     * The primary takes an urgent event without acknowledging it and goes away, outside the window: failover must
     * send it again on the secondary at once, not leave it for the window's opening (hours later), while the regular
     * events keep waiting for the window.
     */
    @ParameterizedTest(name = "spool: {0}")
    @ValueSource(booleans = {false, true})
    void anUrgentEventAFailedTargetLeftUnacknowledgedGoesToTheNextTargetAtOnceOutsideTheWindow(boolean spooled) {
        SwitchedWindow window = new SwitchedWindow();
        primary.faults().withholdAcks();
        EngineSettings.Builder b = EngineSettings.builder("urgent-failover")
                .targets(List.of(Target.parse(primary.target()), Target.parse(secondary.target())))
                .transport(quickTransport().toBuilder().ackTimeout(Duration.ofMinutes(5)).build())
                .failover(FailoverPolicy.PREFER_PRIMARY).primaryRetry(Duration.ofMinutes(5))
                .schedule(window).urgency(UrgencyPolicy.atOrAbove(Severity.ERROR.code()))
                .shutdownTimeout(Duration.ofSeconds(2));
        if (spooled) {
            b.spool(SpoolConfig.builder(dir.resolve("spool")).build());
        }
        engine = DeliveryEngine.start(b.build());
        for (long i = 0; i < 5; i++) {
            assertThat(engine.append(NumberedEvents.event(i))).isTrue();
        }
        assertThat(engine.append(urgent(5))).isTrue();
        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).contains(5L));

        primary.stop();
        await().atMost(WAIT).until(() -> distinctNumbers(secondary.messages()).contains(5L));
        assertThat(distinctNumbers(secondary.messages())).containsExactly(5L);
        assertThat(engine.counters().snapshot().resent()).isEqualTo(1);

        window.open.set(true);
        await().atMost(WAIT).until(() -> distinctNumbers(secondary.messages()).size() == 6);
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0 && engine.health().queuedRecords() == 0);
        assertThat(secondary.messages()).hasSize(6);
    }

    /**
     * Without a spool, outside the window, with the queue full of regular events that wait for the window: an urgent
     * event is still sent at once. It used to be dropped ({@code dropNewest}) or to block the application's thread
     * until the window opened, hours later ({@code block}).
     */
    @ParameterizedTest(name = "overflow: {0}")
    @EnumSource(value = OverflowPolicy.class, names = {"DROP_NEWEST", "BLOCK"})
    void anUrgentEventIsSentAtOnceWhenRegularEventsFillTheQueueOutsideTheWindow(OverflowPolicy overflow) {
        SwitchedWindow window = new SwitchedWindow();
        engine = DeliveryEngine.start(EngineSettings.builder("urgent-full-queue")
                .targets(List.of(Target.parse(primary.target()))).transport(quickTransport())
                .queueCapacity(10).overflow(overflow).schedule(window)
                .urgency(UrgencyPolicy.atOrAbove(Severity.ERROR.code())).shutdownTimeout(Duration.ofSeconds(2))
                .build());
        for (long i = 0; i < 10; i++) {
            assertThat(engine.append(NumberedEvents.event(i))).isTrue();
        }
        if (overflow == OverflowPolicy.DROP_NEWEST) {
            assertThat(engine.append(NumberedEvents.event(10))).isFalse(); // a regular event: the queue is full
        }
        CompletableFuture<Boolean> accepted = CompletableFuture.supplyAsync(() -> engine.append(urgent(11)));
        await().atMost(WAIT).until(accepted::isDone);
        assertThat(accepted.join()).isTrue();
        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).contains(11L));
        assertThat(distinctNumbers(primary.messages())).containsExactly(11L);
        assertThat(engine.counters().dropped(DropReason.QUEUE_FULL))
                .isEqualTo(overflow == OverflowPolicy.DROP_NEWEST ? 1 : 0);

        window.open.set(true);
        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).size() == 11);
        assertThat(distinctNumbers(primary.messages()))
                .containsExactlyInAnyOrderElementsOf(LongStream.concat(LongStream.range(0, 10), LongStream.of(11))
                        .boxed().toList());
        await().atMost(WAIT).until(() -> engine.health().queuedRecords() == 0);
        assertThat(primary.messages()).filteredOn(m -> NumberedEvents.number(m.message()) >= 0).hasSize(11);
    }

    /**
     * {@code overflow=dropOldest} without a spool: urgent events pushed out of the full queue are counted and
     * announced as dropped, so they must not be delivered all the same by the urgent lane (which also kept every one
     * of them in memory, past {@code queueCapacity}, for as long as the receiver was down).
     */
    @Test
    void urgentEventsThatDropOldestPushedOutOfTheQueueAreNotSentAnyway() {
        primary.stop();
        engine = DeliveryEngine.start(EngineSettings.builder("urgent-drop-oldest")
                .targets(List.of(Target.parse(primary.target()))).transport(quickTransport())
                .queueCapacity(10).overflow(OverflowPolicy.DROP_OLDEST)
                .urgency(UrgencyPolicy.atOrAbove(Severity.ERROR.code())).shutdownTimeout(Duration.ofSeconds(2))
                .build());
        for (long i = 0; i < 100; i++) {
            assertThat(engine.append(urgent(i))).isTrue();
        }
        assertThat(engine.counters().dropped(DropReason.QUEUE_FULL)).isEqualTo(90);
        primary.start();
        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).contains(99L));
        await().atMost(WAIT).until(() -> engine.counters().snapshot().acknowledged() >= 10);
        assertThat(distinctNumbers(primary.messages()))
                .containsExactlyElementsOf(LongStream.range(90, 100).boxed().toList());
        assertThat(primary.messages().get(0).message())
                .isEqualTo("90 message(s) dropped by Sluice before this one: 90 queue full");
    }

    /** An engine on the primary, with a spool in {@code dir} to start again on, and urgent events at ERROR. */
    private EngineSettings.Builder restartedWithSpool(String name, SwitchedWindow window) {
        return EngineSettings.builder(name)
                .targets(List.of(Target.parse(primary.target()))).transport(quickTransport())
                .schedule(window).urgency(UrgencyPolicy.atOrAbove(Severity.ERROR.code()))
                .spool(SpoolConfig.builder(dir.resolve("spool")).build()).shutdownTimeout(Duration.ofMillis(500));
    }

    /**
     * An urgent event spooled while the receiver was down, then the application restarted, outside the window: the
     * new run must send it as soon as the receiver is there, as the first run would have, not leave it with the
     * regular records for the window's opening; and once the window opens, everything arrives once and the spool
     * empties.
     */
    @Test
    void anUrgentEventSpooledBeforeARestartIsSentAtOnceOutsideTheWindow() {
        SwitchedWindow window = new SwitchedWindow();
        EngineSettings.Builder b = restartedWithSpool("urgent-restart", window);
        primary.stop();
        engine = DeliveryEngine.start(b.build());
        for (long i = 0; i < 3; i++) {
            assertThat(engine.append(NumberedEvents.event(i))).isTrue();
        }
        assertThat(engine.append(urgent(3))).isTrue();
        assertThat(engine.append(NumberedEvents.event(4))).isTrue();
        engine.close();

        primary.start();
        engine = DeliveryEngine.start(b.build());
        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).contains(3L));
        assertThat(distinctNumbers(primary.messages())).containsExactly(3L);
        assertThat(engine.append(urgent(5))).isTrue();
        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).contains(5L));
        assertThat(distinctNumbers(primary.messages())).containsExactly(3L, 5L);

        window.open.set(true);
        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).size() == 6);
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
        assertThat(primary.messages()).hasSize(6);
        assertThat(primary.messages().stream().filter(m -> m.message().equals("event 3")).findFirst().orElseThrow()
                .sdParam("meta", "sequenceId")).contains("4");
    }

    /**
     * An urgent event the receiver acknowledged outside the window stays in the spool until the window: the
     * application stopping and starting again (or a reconfiguration starting a new engine on the spool), outside the
     * window, must not send it again at each start, nor must the window's opening; everything else arrives once.
     */
    @Test
    void anUrgentEventDeliveredBeforeARestartIsNotSentAgain() {
        SwitchedWindow window = new SwitchedWindow();
        EngineSettings.Builder b = restartedWithSpool("urgent-delivered-restart", window);
        engine = DeliveryEngine.start(b.build());
        assertThat(engine.append(NumberedEvents.event(0))).isTrue();
        assertThat(engine.append(urgent(1))).isTrue();
        assertThat(engine.append(NumberedEvents.event(2))).isTrue();
        await().atMost(WAIT).until(() -> engine.counters().snapshot().acknowledged() == 1);
        engine.close();

        long next = 3;
        for (int start = 0; start < 2; start++) {
            // a new urgent event: once it arrived, the new run has looked at the spool for urgent records
            engine = DeliveryEngine.start(b.build());
            long n = next++;
            assertThat(engine.append(urgent(n))).isTrue();
            await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).contains(n));
            await().atMost(WAIT).until(() -> engine.counters().snapshot().acknowledged() >= 1);
            engine.close();
        }
        assertThat(distinctNumbers(primary.messages())).containsExactly(1L, 3L, 4L);
        assertThat(primary.messages()).hasSize(3);

        window.open.set(true);
        engine = DeliveryEngine.start(b.build());
        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).size() == 5);
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
        assertThat(primary.messages()).hasSize(5);
        assertThat(engine.counters().snapshot().resent()).isZero();
    }

    /**
     * The lane's bound, {@link DeliveryEngine#MAX_URGENT_HELD}, is on what it holds to send: urgent events it has
     * delivered and that only wait in the spool for the window do not count, so after that many errors outside the
     * window, the next one is still sent at once, and nothing is announced as held back.
     */
    @Test
    void urgentEventsAlreadyDeliveredDoNotCountAgainstTheLanesBound() {
        SwitchedWindow window = new SwitchedWindow();
        RecordingDiagnostics diagnostics = new RecordingDiagnostics();
        int events = DeliveryEngine.MAX_URGENT_HELD;
        fillTheLane("urgent-delivered-bound", quickTransport(), window, diagnostics);
        await().atMost(WAIT).until(() -> engine.counters().snapshot().acknowledged() == events);

        for (long i = events; i < events + 10; i++) {
            assertThat(engine.append(urgent(i))).isTrue();
        }
        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).size() == events + 10);
        assertThat(diagnostics.messages).filteredOn(m -> m.contains("urgentLevel")).isEmpty();

        window.open.set(true);
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
        assertThat(primary.messages()).hasSize(events + 10);
    }

    /**
     * {@code overflow=dropOldest} with a spool: the segments it drops hold urgent events that the urgent lane also
     * has (the receiver is down, so it has not sent them). They are counted and announced as dropped, so the lane
     * must not deliver them all the same: what arrives is what the spool kept, no more.
     */
    @Test
    void urgentEventsInSpoolSegmentsThatDropOldestDroppedAreNotSentAnyway() {
        primary.stop();
        engine = DeliveryEngine.start(EngineSettings.builder("urgent-spool-drop-oldest")
                .targets(List.of(Target.parse(primary.target()))).transport(quickTransport())
                .overflow(OverflowPolicy.DROP_OLDEST).urgency(UrgencyPolicy.atOrAbove(Severity.ERROR.code()))
                .spool(SpoolConfig.builder(dir.resolve("spool")).maxSize(64 * 1024).segmentSize(16 * 1024)
                        .minFreeDiskSpace(0).build())
                .shutdownTimeout(Duration.ofSeconds(2)).build());
        int events = 3_000;
        for (long i = 0; i < events; i++) {
            assertThat(engine.append(urgent(i))).isTrue();
        }
        long dropped = engine.counters().dropped(DropReason.SPOOL_FULL);
        long kept = engine.health().spoolRecords();
        assertThat(dropped).isPositive().isEqualTo(events - kept);

        primary.start();
        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).contains(events - 1L));
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
        assertThat(distinctNumbers(primary.messages())).hasSize((int) kept)
                .containsAll(LongStream.range(events - 100, events).boxed().toList());
        assertThat(primary.messages().get(0).message())
                .isEqualTo(dropped + " message(s) dropped by Sluice before this one: " + dropped + " spool full");
    }

    /**
     * Drops outside the window are announced ahead of the next message out, an urgent one: if the target that took
     * the notice goes away before acknowledging it, failover must announce the drops again on the next target, or
     * the central server never learns of the hole.
     */
    @Test
    void aDropNoticeAFailedTargetLeftUnacknowledgedIsAnnouncedOnTheNextTarget() {
        SwitchedWindow window = new SwitchedWindow();
        primary.faults().withholdAcks();
        engine = DeliveryEngine.start(EngineSettings.builder("notice-failover")
                .targets(List.of(Target.parse(primary.target()), Target.parse(secondary.target())))
                .transport(quickTransport().toBuilder().ackTimeout(Duration.ofMinutes(5)).build())
                .failover(FailoverPolicy.PREFER_PRIMARY).primaryRetry(Duration.ofMinutes(5))
                .queueCapacity(10).overflow(OverflowPolicy.DROP_OLDEST)
                .schedule(window).urgency(UrgencyPolicy.atOrAbove(Severity.ERROR.code()))
                .shutdownTimeout(Duration.ofSeconds(2)).build());
        for (long i = 0; i < 20; i++) {
            assertThat(engine.append(NumberedEvents.event(i))).isTrue();
        }
        assertThat(engine.append(urgent(20))).isTrue();
        assertThat(engine.counters().dropped(DropReason.QUEUE_FULL)).isEqualTo(11);
        String notice = "11 message(s) dropped by Sluice before this one: 11 queue full";
        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).contains(20L));
        assertThat(primary.messages().get(0).message()).isEqualTo(notice);

        primary.stop();
        await().atMost(WAIT).until(() -> distinctNumbers(secondary.messages()).contains(20L));
        window.open.set(true);
        await().atMost(WAIT).until(() -> distinctNumbers(secondary.messages()).size() == 10);
        assertThat(secondary.messages()).filteredOn(m -> "DROPPED".equals(m.msgId())).singleElement()
                .satisfies(m -> assertThat(m.message()).isEqualTo(notice));
        assertThat(secondary.messages().get(0).message()).isEqualTo(notice);
    }

    /**
     * A stop outside the window with a spool: nothing spooled may be sent before the window opens, so there is
     * nothing to drain and {@code close()} must not wait out {@code shutdownTimeout} (5 s by default, on every stop
     * of the application in business hours; here 10 minutes, so waiting it out cannot pass). What is in flight, an
     * urgent event, is still waited for, and the rest stays in the spool for the next run.
     */
    @Test
    void aStopOutsideTheWindowWithASpoolDoesNotWaitOutTheShutdownTimeout() throws Exception {
        SwitchedWindow window = new SwitchedWindow();
        EngineSettings.Builder b = EngineSettings.builder("closed-stop")
                .targets(List.of(Target.parse(primary.target()))).transport(quickTransport())
                .schedule(window).urgency(UrgencyPolicy.atOrAbove(Severity.ERROR.code()))
                .spool(SpoolConfig.builder(dir.resolve("spool")).build()).shutdownTimeout(Duration.ofMinutes(10));
        engine = DeliveryEngine.start(b.build());
        for (long i = 0; i < 10; i++) {
            assertThat(engine.append(NumberedEvents.event(i))).isTrue();
        }
        assertThat(engine.append(urgent(10))).isTrue();
        await().atMost(WAIT).until(() -> engine.counters().snapshot().acknowledged() == 1);

        DeliveryEngine stopping = engine;
        Thread closer = new Thread(stopping::close, "closer");
        closer.setDaemon(true);
        closer.start();
        await().atMost(WAIT).until(() -> !closer.isAlive());
        assertThat(distinctNumbers(primary.messages())).containsExactly(10L);

        window.open.set(true);
        engine = DeliveryEngine.start(b.build());
        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).size() == 11);
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
    }

    /**
     * Failover in an open window while urgent and regular events are in flight on the primary, which withholds its
     * acks: the secondary gets every event exactly once, each frame the primary took is counted as resent once, and
     * the spool empties.
     */
    @ParameterizedTest(name = "spool: {0}")
    @ValueSource(booleans = {false, true})
    void aSwitchWithUrgentEventsInFlightDeliversEachOnceOnTheSecondaryAndEmptiesTheSpool(boolean spooled) {
        int window = 16;
        int events = 100;
        primary.faults().withholdAcks();
        EngineSettings.Builder b = EngineSettings.builder("urgent-switch-open")
                .targets(List.of(Target.parse(primary.target()), Target.parse(secondary.target())))
                .transport(quickTransport().toBuilder().windowSize(window).ackTimeout(Duration.ofMinutes(5)).build())
                .failover(FailoverPolicy.PREFER_PRIMARY).primaryRetry(Duration.ofMinutes(5))
                .urgency(UrgencyPolicy.atOrAbove(Severity.ERROR.code())).shutdownTimeout(Duration.ofSeconds(2));
        if (spooled) {
            b.spool(SpoolConfig.builder(dir.resolve("spool")).build());
        }
        engine = DeliveryEngine.start(b.build());
        for (long i = 0; i < events; i++) {
            assertThat(engine.append(i % 3 == 0 ? urgent(i) : NumberedEvents.event(i))).isTrue();
        }
        await().atMost(WAIT).until(() -> primary.messages().size() == window);

        primary.stop();
        await().atMost(WAIT).until(() -> distinctNumbers(secondary.messages()).size() == events);
        await().atMost(WAIT).until(() -> engine.counters().snapshot().acknowledged() >= events);
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0 && engine.health().queuedRecords() == 0);
        assertThat(distinctNumbers(secondary.messages()))
                .containsExactlyElementsOf(LongStream.range(0, events).boxed().toList());
        assertThat(secondary.messages()).hasSize(events);
        assertThat(engine.counters().snapshot().resent()).isEqualTo(window);
        assertThat(engine.counters().snapshot().acknowledged()).isEqualTo(events);
    }

    /**
     * The largest {@code queueCapacity} an option can give, with urgent events and no spool: the lane's allowance
     * beyond the queue ({@link DeliveryEngine#MAX_URGENT_HELD}) is added without overflowing, so an urgent event is
     * accepted and delivered, not dropped as if the queue were full (under {@code block}, its thread would wait for
     * ever).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = OverflowPolicy.class, names = {"DROP_NEWEST", "BLOCK"})
    void theLargestQueueCapacityTakesUrgentEvents(OverflowPolicy overflow) {
        engine = DeliveryEngine.start(EngineSettings.builder("urgent-max-capacity")
                .targets(List.of(Target.parse(primary.target()))).transport(quickTransport())
                .queueCapacity(Integer.MAX_VALUE).overflow(overflow)
                .urgency(UrgencyPolicy.atOrAbove(Severity.ERROR.code())).shutdownTimeout(Duration.ofSeconds(2))
                .build());
        CompletableFuture<Boolean> appended = CompletableFuture.supplyAsync(() -> engine.append(urgent(1)));
        assertThat(appended).succeedsWithin(WAIT).isEqualTo(true);
        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).contains(1L));
        assertThat(engine.counters().snapshot().droppedTotal()).isZero();
    }

    /**
     * Outside the window, an urgent event goes at once and its record waits in the spool for those before it:
     * health does not count it as undelivered, nor give its age as the oldest undelivered event's; a regular
     * event after it is counted.
     */
    @Test
    void anUrgentEventSentAheadIsNotCountedAsUndeliveredByHealth() {
        SwitchedWindow window = new SwitchedWindow();
        engine = DeliveryEngine.start(EngineSettings.builder("urgent-health")
                .targets(List.of(Target.parse(primary.target()))).transport(quickTransport())
                .schedule(window).urgency(UrgencyPolicy.atOrAbove(Severity.ERROR.code()))
                .spool(SpoolConfig.builder(dir.resolve("spool")).build()).shutdownTimeout(Duration.ofSeconds(2))
                .build());
        assertThat(engine.append(urgent(1))).isTrue();
        await().atMost(WAIT).until(() -> engine.health().counters().acknowledged() == 1);
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
        assertThat(engine.health().oldestUndelivered()).isEmpty();

        assertThat(engine.append(NumberedEvents.event(2))).isTrue();
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 1);
        assertThat(engine.health().oldestUndelivered()).isPresent();
        window.open.set(true);
        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).size() == 2);
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
        assertThat(engine.health().oldestUndelivered()).isEmpty();
    }
}
