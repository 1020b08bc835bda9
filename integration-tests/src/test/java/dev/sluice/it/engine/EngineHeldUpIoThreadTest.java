package dev.sluice.it.engine;

import static dev.sluice.it.engine.NumberedEvents.distinctNumbers;
import static dev.sluice.it.engine.NumberedEvents.event;
import static dev.sluice.it.engine.NumberedEvents.quickTransport;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.it.transport.HeldIoThreads;
import dev.sluice.relp.server.RelpTestServer;
import dev.sluice.transport.delivery.DeliveryEngine;
import dev.sluice.transport.delivery.DeliverySchedule;
import dev.sluice.transport.delivery.EngineSettings;
import dev.sluice.transport.delivery.FailoverPolicy;
import dev.sluice.transport.delivery.UrgencyPolicy;
import dev.sluice.transport.health.AppenderListener;
import dev.sluice.transport.health.DeliveryState;
import dev.sluice.transport.health.DropReason;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.spool.Spool;
import dev.sluice.transport.spool.SpoolConfig;
import dev.sluice.transport.syslog.Severity;
import dev.sluice.transport.syslog.SyslogMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transport's close gives up waiting for its I/O thread after its bound plus two seconds; when the shared I/O thread
 * is held up that long (an application's listener that blocks it, a long pause), what the transport held must still
 * come back to the engine once the thread gets to it: sent again after a failover switch, counted as dropped after a
 * stop. Without a spool, both used to be lost without a count. The I/O threads are held here by a task of the test.
 */
class EngineHeldUpIoThreadTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int WINDOW = 16;
    private static final int EVENTS = 100;

    @RegisterExtension
    final RelpTestServer primary = RelpTestServer.builder().build();
    @RegisterExtension
    final RelpTestServer secondary = RelpTestServer.builder().build();

    @TempDir
    Path dir;

    private final RecordingDiagnostics diagnostics = new RecordingDiagnostics();
    private HeldIoThreads held;
    private DeliveryEngine engine;

    @AfterEach
    void tearDown() {
        if (held != null) {
            held.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    private void holdIoThreads() throws InterruptedException {
        held = HeldIoThreads.hold();
    }

    /** Records the I/O thread that connects to {@code target}. */
    private static AppenderListener threadOf(String target, AtomicReference<String> thread) {
        return new AppenderListener() {
            @Override
            public void connected(String connected, boolean reconnect) {
                if (connected.equals(target)) {
                    thread.set(Thread.currentThread().getName());
                }
            }
        };
    }

    private void append(long from, long to) {
        for (long i = from; i < to; i++) {
            assertThat(engine.append(event(i))).isTrue();
        }
    }

    private static List<Long> range(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    @Test
    void aFailoverSwitchWhileTheIoThreadIsHeldUpSendsWhatTheOldTargetHeldOnceTheThreadIsBack() throws Exception {
        primary.stop();
        secondary.faults().withholdAcks(); // a window in flight, the rest waiting in the transport
        engine = DeliveryEngine.start(EngineSettings.builder("held-up-switch")
                .targets(List.of(Target.parse(primary.target()), Target.parse(secondary.target())))
                .transport(quickTransport().toBuilder().windowSize(WINDOW).ackTimeout(Duration.ofMinutes(5)).build())
                .failover(FailoverPolicy.PREFER_PRIMARY).primaryRetry(Duration.ofSeconds(3))
                .shutdownTimeout(Duration.ofSeconds(2)).build());
        append(0, EVENTS);
        await().atMost(WAIT).until(() -> secondary.messages().size() == WINDOW);

        holdIoThreads();
        // still on the secondary (primaryRetry has not passed): the switch below is made while the threads are held
        assertThat(engine.health().state()).isEqualTo(DeliveryState.DELIVERING);
        primary.start();
        // after primaryRetry the engine goes back to the primary: the secondary's transport is closed, and its close
        // returns after two seconds without what it held (the new transport, not yet connected, is what health shows)
        await().atMost(WAIT).until(() -> engine.health().state() == DeliveryState.DISCONNECTED);
        held.release();

        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).size() == EVENTS);
        assertThat(primary.messages()).extracting(m -> NumberedEvents.number(m.message()))
                .as("in order, once each").containsExactlyElementsOf(range(0, EVENTS));
        assertThat(engine.counters().snapshot().resent()).as("taken by the secondary, unanswered").isEqualTo(WINDOW);
        assertThat(engine.counters().snapshot().dropped().values()).allMatch(n -> n == 0);
    }

    @Test
    void aStopWhileTheIoThreadIsHeldUpCountsWhatTheTransportHeldAsDroppedOnceTheThreadIsBack() throws Exception {
        primary.faults().withholdAcks();
        engine = DeliveryEngine.start(EngineSettings.builder("held-up-stop")
                .targets(List.of(Target.parse(primary.target())))
                .transport(quickTransport().toBuilder().windowSize(WINDOW).ackTimeout(Duration.ofMinutes(5)).build())
                .shutdownTimeout(Duration.ofMillis(200)).build());
        append(0, EVENTS);
        await().atMost(WAIT).until(() -> primary.messages().size() == WINDOW);

        holdIoThreads();
        engine.close(); // returns once the transport's close has given up (two seconds)
        held.release();

        await().atMost(WAIT).until(() -> engine.counters().dropped(DropReason.SHUTDOWN) == EVENTS);
        assertThat(engine.counters().snapshot().delivered()).isZero();
    }

    /**
     * A spool opened late is taken into use once nothing is in flight: what the transport holds is taken back
     * first, by closing it. When that close gives up on a held-up I/O thread, the spool must wait for the events to
     * come back, or it would take over a queue without them, and they would stay in memory behind it for good.
     */
    @Test
    void aSpoolOpenedLateWaitsForWhatAHeldUpIoThreadHandsBackAndTakesItAll() throws Exception {
        primary.faults().withholdAcks();
        Path spoolDir = dir.resolve("spool");
        Spool holder = Spool.open(SpoolConfig.builder(spoolDir).build()); // as an engine still stopping would
        try {
            engine = DeliveryEngine.start(EngineSettings.builder("held-up-late-spool")
                    .targets(List.of(Target.parse(primary.target())))
                    .transport(quickTransport().toBuilder().windowSize(WINDOW).ackTimeout(Duration.ofMinutes(5))
                            .build())
                    .spool(SpoolConfig.builder(spoolDir).build()).diagnostics(diagnostics)
                    .shutdownTimeout(Duration.ofSeconds(2)).build());
            append(0, EVENTS);
            await().atMost(WAIT).until(() -> primary.messages().size() == WINDOW);
            holdIoThreads();
        } finally {
            holder.close();
        }
        // the engine opens the spool, waits a second for answers, then closes the transport to take back what it
        // holds: that close gives up after two seconds (the new transport is what health shows)
        await().atMost(WAIT).until(() -> engine.health().state() == DeliveryState.DISCONNECTED);
        held.release();

        await().atMost(WAIT).until(() -> diagnostics.messages.stream().anyMatch(m -> m.startsWith("INFO ")
                && m.contains("opened")));
        assertThat(diagnostics.messages).anySatisfy(m -> assertThat(m).contains("(" + EVENTS + " held in memory"
                + " moved into it)"));
        assertThat(engine.health().queuedRecords()).isZero();
        assertThat(engine.health().spoolRecords()).isEqualTo(EVENTS);
    }

    /**
     * After a switch, events queued meanwhile are not sent before those the old target held come back: with the old
     * transport's thread held and the new one's free, the new target gets them all in order once it is released.
     */
    @Test
    void aSwitchWaitsForWhatTheHeldUpOldTransportHandsBackBeforeSendingNewerEvents() throws Exception {
        primary.stop();
        secondary.faults().withholdAcks();
        String secondaryTarget = Target.parse(secondary.target()).toString();
        AtomicReference<String> secondaryThread = new AtomicReference<>();
        engine = DeliveryEngine.start(EngineSettings.builder("held-up-order")
                .targets(List.of(Target.parse(primary.target()), Target.parse(secondary.target())))
                .transport(quickTransport().toBuilder().windowSize(WINDOW).maxPending(2 * WINDOW)
                        .ackTimeout(Duration.ofMinutes(5)).build())
                .failover(FailoverPolicy.PREFER_PRIMARY).primaryRetry(Duration.ofSeconds(3))
                .listener(threadOf(secondaryTarget, secondaryThread))
                .shutdownTimeout(Duration.ofSeconds(2)).build());
        append(0, EVENTS); // the secondary's transport takes 2 windows, the rest waits in the engine's queue
        await().atMost(WAIT).until(() -> secondary.messages().size() == WINDOW);
        assertThat(secondaryThread.get()).isNotNull();

        held = HeldIoThreads.holdOnly(secondaryThread.get());
        assumeTrue(held.threads() > 1, "needs two I/O threads (two cores)");
        assertThat(engine.health().state()).isEqualTo(DeliveryState.DELIVERING);
        primary.start();
        // switched: the new transport runs on the other thread, and connects while the old one's is held
        await().atMost(WAIT).until(() -> primary.server().activeSessions() > 0);
        held.release();

        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).size() == EVENTS);
        assertThat(primary.messages()).extracting(m -> NumberedEvents.number(m.message()))
                .as("in order, once each").containsExactlyElementsOf(range(0, EVENTS));
    }

    /**
     * With a spool, urgent events the lane had sent to the old target unanswered go back to the lane when the
     * held-up thread hands them back: they reach the new target at once, not when the window opens (here: never).
     */
    @Test
    void withASpoolUrgentEventsAHeldUpOldTransportHandsBackGoOutAtOnceOutsideTheWindow() throws Exception {
        SwitchedWindow window = new SwitchedWindow(); // closed
        int urgentEvents = 5;
        sendUrgentToTheSecondaryThenHoldItsThread("held-up-urgent", urgentEvents, window);

        // outside the window health does not show the switch: the new transport's connection does, on the other
        // I/O thread, while the old one's is held
        assertThat(primary.server().activeSessions()).isZero();
        primary.start();
        await().atMost(WAIT).until(() -> primary.server().activeSessions() > 0); // switched
        held.release();

        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).size() == urgentEvents);
        assertThat(window.open).isFalse();
        assertThat(primary.messages()).extracting(m -> NumberedEvents.number(m.message()))
                .containsExactlyElementsOf(range(0, urgentEvents));
    }

    /**
     * The other side of the test above: inside the window the regular path sends those urgent events again from the
     * spool right after the switch, and the lane must not send them a third time when the late hand-back comes.
     */
    @Test
    void withASpoolInsideTheWindowUrgentEventsTheRegularPathSentAgainAreNotSentOnceMoreByTheLane() throws Exception {
        int urgentEvents = 5;
        sendUrgentToTheSecondaryThenHoldItsThread("held-up-urgent-open", urgentEvents, DeliverySchedule.always());
        primary.start();
        // switched, and the regular path sent them again from the spool, answered: all acknowledged
        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).size() == urgentEvents
                && engine.health().spoolRecords() == 0);
        held.release();
        // the late hand-back is taken before this event is offered, and urgent events go before regular ones
        assertThat(engine.append(event(urgentEvents))).isTrue();
        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).contains((long) urgentEvents));

        assertThat(primary.messages()).extracting(m -> NumberedEvents.number(m.message()))
                .as("once each").containsExactlyElementsOf(range(0, urgentEvents + 1));
    }

    /**
     * With a spool: {@code count} urgent events sent by the lane to the secondary, which does not answer, while the
     * primary is down; then only the old transport's I/O thread is held (the new one can connect).
     */
    private void sendUrgentToTheSecondaryThenHoldItsThread(String name, int count, DeliverySchedule schedule)
            throws InterruptedException {
        primary.stop();
        secondary.faults().withholdAcks();
        String secondaryTarget = Target.parse(secondary.target()).toString();
        AtomicReference<String> secondaryThread = new AtomicReference<>();
        engine = DeliveryEngine.start(EngineSettings.builder(name)
                .targets(List.of(Target.parse(primary.target()), Target.parse(secondary.target())))
                .transport(quickTransport().toBuilder().windowSize(WINDOW).ackTimeout(Duration.ofMinutes(5)).build())
                .failover(FailoverPolicy.PREFER_PRIMARY).primaryRetry(Duration.ofSeconds(3))
                .spool(SpoolConfig.builder(dir.resolve("spool")).build()).schedule(schedule)
                .urgency(UrgencyPolicy.atOrAbove(Severity.ERROR.code()))
                .listener(threadOf(secondaryTarget, secondaryThread))
                .shutdownTimeout(Duration.ofSeconds(2)).build());
        for (long i = 0; i < count; i++) {
            assertThat(engine.append(urgent(i))).isTrue();
        }
        await().atMost(WAIT).until(() -> secondary.messages().size() == count);
        held = HeldIoThreads.holdOnly(secondaryThread.get());
        assumeTrue(held.threads() > 1, "needs two I/O threads (two cores)");
    }

    private static SyslogMessage urgent(long n) {
        return SyslogMessage.builder().timestamp(NumberedEvents.EVENT_TIME).severity(Severity.ERROR).hostname("h")
                .appName("app").message(NumberedEvents.PREFIX + n).build();
    }
}
