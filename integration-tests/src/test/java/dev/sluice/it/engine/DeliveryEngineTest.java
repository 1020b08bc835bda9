package dev.sluice.it.engine;

import dev.sluice.relp.server.ReceivedMessage;
import dev.sluice.relp.server.RelpTestServer;
import dev.sluice.transport.delivery.DeliveryEngine;
import dev.sluice.transport.delivery.EngineEvent;
import dev.sluice.transport.delivery.EngineSettings;
import dev.sluice.transport.delivery.EngineTestHooks;
import dev.sluice.transport.delivery.OverflowPolicy;
import dev.sluice.transport.delivery.UrgencyPolicy;
import dev.sluice.transport.health.AppenderListener;
import dev.sluice.transport.health.DeliveryState;
import dev.sluice.transport.health.DropReason;
import dev.sluice.transport.health.Health;
import dev.sluice.transport.net.Backoff;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.net.TransportSettings;
import dev.sluice.transport.spool.SpoolConfig;
import dev.sluice.transport.syslog.Severity;
import dev.sluice.transport.syslog.SyslogFields;
import dev.sluice.transport.syslog.SyslogMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The delivery engine end to end against the RELP test server. */
class DeliveryEngineTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Instant EVENT_TIME = Instant.parse("2026-11-27T09:00:00.123456Z");

    @RegisterExtension
    static final RelpTestServer server = RelpTestServer.builder().build();

    @TempDir
    Path dir;

    private DeliveryEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    private EngineSettings.Builder settings() {
        return EngineSettings.builder("test")
                .targets(List.of(Target.parse(server.target())))
                .transport(TransportSettings.builder().connectTimeout(Duration.ofSeconds(2))
                        .ackTimeout(Duration.ofSeconds(2)).backoff(() -> Backoff.fixed(Duration.ofMillis(50)))
                        .build())
                .shutdownTimeout(Duration.ofSeconds(2));
    }

    private static SyslogMessage event(int i) {
        return event(i, Severity.INFORMATIONAL);
    }

    private static SyslogMessage event(int i, Severity severity) {
        return SyslogMessage.builder().timestamp(EVENT_TIME).severity(severity).hostname("h").appName("app")
                .message("event " + i).build();
    }

    private static Set<Integer> eventNumbers(List<ReceivedMessage> messages) {
        Set<Integer> seen = new TreeSet<>();
        for (ReceivedMessage m : messages) {
            if (m.message().startsWith("event ")) {
                seen.add(Integer.parseInt(m.message().substring(6)));
            }
        }
        return seen;
    }

    @Test
    void deliversEveryAcceptedEventWithItsOwnTimeAndASequenceId() {
        engine = DeliveryEngine.start(settings().build());
        for (int i = 0; i < 10_000; i++) {
            assertThat(engine.append(event(i))).isTrue();
        }
        List<ReceivedMessage> received = server.awaitMessages(10_000, WAIT);
        assertThat(eventNumbers(received)).hasSize(10_000);
        ReceivedMessage first = received.get(0);
        assertThat(first.timestamp()).isEqualTo("2026-11-27T09:00:00.123456Z");
        assertThat(first.sdParam("meta", "sequenceId")).contains("1");
        assertThat(received.get(9_999).sdParam("meta", "sequenceId")).contains("10000");
        await().atMost(WAIT).until(() -> engine.health().counters().acknowledged() == 10_000);
        Health health = engine.health();
        assertThat(health.state()).isEqualTo(DeliveryState.DELIVERING);
        assertThat(health.counters().accepted()).isEqualTo(10_000);
        assertThat(health.lastAcknowledgedTime()).isPresent();
        assertThat(java.lang.management.ManagementFactory.getPlatformMBeanServer()
                .isRegistered(dev.sluice.transport.health.Jmx.objectName("test"))).isTrue();
    }

    @Test
    void dropsNewestWhenMemoryIsFullCountsExactlyAndAnnouncesTheDropsFirst() {
        server.stop();
        engine = DeliveryEngine.start(settings().queueCapacity(100).build());
        for (int i = 0; i < 10_000; i++) {
            engine.append(event(i));
        }
        long dropped = engine.counters().dropped(DropReason.QUEUE_FULL);
        assertThat(dropped).isEqualTo(9_900);
        assertThat(engine.health().counters().accepted()).isEqualTo(100);
        assertThat(engine.health().queuedRecords()).isEqualTo(100);
        server.start();
        List<ReceivedMessage> received = server.awaitMessages(101, WAIT);
        ReceivedMessage notice = received.get(0);
        assertThat(notice.msgId()).isEqualTo("DROPPED");
        assertThat(notice.message()).isEqualTo("9900 message(s) dropped by Sluice before this one: 9900 queue full");
        assertThat(notice.severity()).isEqualTo(Severity.WARNING.code());
        assertThat(eventNumbers(received)).hasSize(100).contains(0, 99);
    }

    @Test
    void keepsEventsOutsideTheWindowAndSendsUrgentOnesAtOnce() {
        SwitchedWindow schedule = new SwitchedWindow();
        engine = DeliveryEngine.start(settings().spool(SpoolConfig.builder(dir.resolve("spool")).build())
                .schedule(schedule).urgency(UrgencyPolicy.atOrAbove(Severity.ERROR.code())).build());
        for (int i = 0; i < 100; i++) {
            engine.append(event(i));
        }
        engine.append(event(1000, Severity.ERROR));
        assertThat(server.awaitMessages(1, WAIT).get(0).message()).isEqualTo("event 1000");
        assertThat(engine.health().state()).isEqualTo(DeliveryState.WAITING_FOR_WINDOW);
        assertThat(engine.health().nextWindow()).isPresent();
        assertThat(engine.health().spoolRecords()).isGreaterThanOrEqualTo(100);
        assertThat(server.messages()).hasSize(1);

        schedule.open.set(true);
        await().atMost(WAIT).until(() -> eventNumbers(server.messages()).size() == 101);
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
    }

    @Test
    void urgentEventsInAnOpenWindowAreSentOnceAndLeaveTheSpoolEmpty() {
        engine = DeliveryEngine.start(settings().spool(SpoolConfig.builder(dir.resolve("spool")).build())
                .urgency(UrgencyPolicy.atOrAbove(Severity.ERROR.code())).build());
        for (int i = 0; i < 2_000; i++) {
            assertThat(engine.append(event(i, i % 3 == 0 ? Severity.ERROR : Severity.INFORMATIONAL))).isTrue();
        }
        await().atMost(WAIT).until(() -> eventNumbers(server.messages()).size() == 2_000);
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
        await().atMost(WAIT).until(() -> engine.health().counters().acknowledged() >= 2_000);
        // one session, no reconnect: each event once
        assertThat(server.messages()).hasSize(2_000);
        assertThat(engine.health().counters().resent()).isZero();
    }

    @Test
    void anUrgentEventTheServerRefusesIsMovedAsideFromTheSpoolAndDeliveryGoesOn() throws Exception {
        Path spool = dir.resolve("spool");
        engine = DeliveryEngine.start(settings().spool(SpoolConfig.builder(spool).build())
                .urgency(UrgencyPolicy.atOrAbove(Severity.ERROR.code())).build());
        assertThat(engine.append(event(0))).isTrue();
        await().atMost(WAIT).until(() -> engine.health().counters().acknowledged() == 1);
        server.faults().rejectNext(1 + TransportSettings.DEFAULT_MAX_REJECT_ATTEMPTS); // the first try, every retry
        assertThat(engine.append(event(1, Severity.ERROR))).isTrue();
        await().atMost(WAIT).until(() -> engine.health().counters().rejected() == 1);
        assertThat(engine.append(event(2))).isTrue();
        await().atMost(WAIT).until(() -> eventNumbers(server.messages()).equals(Set.of(0, 2)));
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
        Path aside = spool.resolve("rejected.spool");
        assertThat(aside).exists();
        assertThat(new String(java.nio.file.Files.readAllBytes(aside), java.nio.charset.StandardCharsets.UTF_8))
                .contains("event 1");
    }

    /** A receiver that refuses every message cannot fill the disk with copies: rejected.spool stops at maxSize. */
    @Test
    void aReceiverThatRefusesEverythingDoesNotGrowTheRejectedFileBeyondMaxSize() throws Exception {
        Path spool = dir.resolve("spool");
        RecordingDiagnostics diagnostics = new RecordingDiagnostics();
        engine = DeliveryEngine.start(settings().diagnostics(diagnostics)
                .spool(SpoolConfig.builder(spool).maxSize(16_512).segmentSize(4_128).build()).build());
        server.faults().rejectNext(300 * (1 + TransportSettings.DEFAULT_MAX_REJECT_ATTEMPTS));
        for (int chunk = 0; chunk < 6; chunk++) {
            for (int i = 0; i < 50; i++) {
                assertThat(engine.append(event(chunk * 50 + i))).isTrue();
            }
            int done = (chunk + 1) * 50;
            await().atMost(WAIT).until(() -> engine.health().counters().rejected() == done);
        }
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
        assertThat(java.nio.file.Files.size(spool.resolve("rejected.spool"))).isLessThanOrEqualTo(16_512);
        assertThat(diagnostics.messages).filteredOn(m -> m.contains("rejected.spool has reached maxSize"))
                .hasSize(1); // once: the file never has room again
        assertThat(engine.health().counters().droppedTotal()).isZero();
        assertThat(engine.health().state()).as("every message refused").isEqualTo(DeliveryState.FAILING);
        // the receiver takes messages again: delivery goes on
        assertThat(engine.append(event(300))).isTrue();
        await().atMost(WAIT).until(() -> eventNumbers(server.messages()).contains(300));
        await().atMost(WAIT).until(() -> engine.health().state() == DeliveryState.DELIVERING);
    }

    @Test
    void aBurstBeyondTheInFlightLimitLeavesNothingSpooledOnceAcknowledged() {
        // 20,000 > the engine's 4,096 in flight: while the transport holds thousands, outcomes wake the delivery
        // thread once per 1,024; near the end every batch must wake it, or the last records stay spooled
        Path spool = dir.resolve("spool");
        engine = DeliveryEngine.start(settings().spool(SpoolConfig.builder(spool).build()).build());
        for (int i = 0; i < 20_000; i++) {
            assertThat(engine.append(event(i))).isTrue();
        }
        await().atMost(WAIT).until(() -> engine.health().counters().acknowledged() == 20_000);
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
        assertThat(eventNumbers(server.messages())).hasSize(20_000);
        assertThat(engine.health().oldestUndelivered()).isEmpty();
    }

    @Test
    void spooledEventsSurviveARestartAndSequenceIdsContinue() {
        server.stop();
        Path spool = dir.resolve("spool");
        engine = DeliveryEngine.start(settings().spool(SpoolConfig.builder(spool).build()).build());
        for (int i = 0; i < 500; i++) {
            assertThat(engine.append(event(i))).isTrue();
        }
        engine.close(); // within its bound with nothing listening: EngineShutdownTest
        assertThat(engine.health().state()).isEqualTo(DeliveryState.STOPPED);

        server.start();
        engine = DeliveryEngine.start(settings().spool(SpoolConfig.builder(spool).build()).build());
        engine.append(event(500));
        await().atMost(WAIT).until(() -> eventNumbers(server.messages()).size() == 501);
        assertThat(server.messages()).filteredOn(m -> m.message().equals("event 500")).first()
                .satisfies(m -> assertThat(m.sdParam("meta", "sequenceId")).contains("501"));
    }

    /**
     * A record cut short at the end of the spool, as a crash in the middle of its write leaves it: the engine starts,
     * delivers every sound record and says, through the status channel, what it cut off and where it put it.
     */
    @Test
    void aRecordCutShortAtTheSpoolsEndIsReportedAndTheRestDelivered() throws Exception {
        server.stop();
        Path spool = dir.resolve("spool");
        engine = DeliveryEngine.start(settings().spool(SpoolConfig.builder(spool).build()).build());
        for (int i = 0; i < 20; i++) {
            assertThat(engine.append(event(i))).isTrue();
        }
        engine.close();
        Path last;
        try (var files = Files.list(spool)) {
            last = files.filter(f -> f.getFileName().toString().matches("segment-\\d{19}\\.spool")).sorted()
                    .reduce((a, b) -> b).orElseThrow();
        }
        byte[] half = new byte[60];
        java.util.Arrays.fill(half, (byte) 'x');
        Files.write(last, half, java.nio.file.StandardOpenOption.APPEND);

        server.start();
        RecordingDiagnostics diagnostics = new RecordingDiagnostics();
        engine = DeliveryEngine.start(settings().spool(SpoolConfig.builder(spool).build()).diagnostics(diagnostics)
                .build());
        await().atMost(WAIT).until(() -> eventNumbers(server.messages()).size() == 20);
        assertThat(diagnostics.messages).filteredOn(m -> m.contains("cut short")).singleElement().asString()
                .contains(last.getFileName().toString()).contains("(60 octets)").contains("quarantine");
    }

    /**
     * The delivery thread dies (a bug, an OutOfMemoryError; here the delivery window throws on that thread): the
     * engine says so, stops accepting rather than queueing events nobody will send, counts them as dropped, and
     * health says STOPPED instead of DELIVERING.
     */
    @Test
    void aDeliveryThreadThatDiesStopsTheEngineInsteadOfLeavingItHalfAlive() {
        BreakableSchedule always = new BreakableSchedule();
        RecordingDiagnostics diagnostics = new RecordingDiagnostics();
        engine = DeliveryEngine.start(settings().schedule(always).diagnostics(diagnostics).build());
        assertThat(engine.append(event(0))).isTrue();
        await().atMost(WAIT).until(() -> eventNumbers(server.messages()).contains(0));

        always.broken.set(true);
        engine.append(event(1)); // wakes the delivery thread, which fails
        await().atMost(WAIT).until(() -> engine.health().state() == DeliveryState.STOPPED);
        assertThat(diagnostics.messages).filteredOn(m -> m.contains("delivery thread failed")).hasSize(1);
        long droppedBefore = engine.counters().dropped(DropReason.SHUTDOWN);
        assertThat(engine.append(event(2))).isFalse();
        assertThat(engine.counters().dropped(DropReason.SHUTDOWN)).isEqualTo(droppedBefore + 1);
    }

    @Test
    void withoutASpoolStopCountsWhatItCouldNotDeliverAsDropped() {
        server.stop();
        engine = DeliveryEngine.start(settings().shutdownTimeout(Duration.ofMillis(500)).build());
        for (int i = 0; i < 50; i++) {
            engine.append(event(i));
        }
        // The stop takes about its 500 ms; one that waited for the server to come back would never end, and close()
        // would give up on the delivery thread after 5 s more. So: stopped, and well before that (a liveness bound,
        // not a figure; EngineShutdownTest holds the bound with a spool).
        long t0 = System.nanoTime();
        engine.close();
        assertThat(engine.health().state()).isEqualTo(DeliveryState.STOPPED);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(500).plusSeconds(4));
        assertThat(engine.counters().dropped(DropReason.SHUTDOWN)).isEqualTo(50);
    }

    @Test
    void failsOverToTheSecondTargetWhenTheFirstIsDown() {
        int deadPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            deadPort = s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        engine = DeliveryEngine.start(settings().targets(List.of(Target.parse("relp://127.0.0.1:" + deadPort),
                Target.parse(server.target()))).build());
        for (int i = 0; i < 1000; i++) {
            engine.append(event(i));
        }
        await().atMost(WAIT).until(() -> eventNumbers(server.messages()).size() == 1000);
    }

    @Test
    void overflowDropOldestKeepsTheNewest() {
        server.stop();
        engine = DeliveryEngine.start(settings().queueCapacity(10).overflow(OverflowPolicy.DROP_OLDEST)
                .transport(TransportSettings.builder().maxPending(1).connectTimeout(Duration.ofSeconds(1))
                        .backoff(() -> Backoff.fixed(Duration.ofMillis(50))).build()).build());
        for (int i = 0; i < 1000; i++) {
            engine.append(event(i));
        }
        assertThat(engine.counters().dropped(DropReason.QUEUE_FULL)).isGreaterThan(900);
        server.start();
        await().atMost(WAIT).until(() -> eventNumbers(server.messages()).contains(999));
    }

    @Test
    void sendsAHeartbeatWhileIdle() {
        engine = DeliveryEngine.start(settings().heartbeat(Duration.ofMillis(200)).build());
        engine.append(event(0));
        await().atMost(WAIT).until(() -> server.messages().stream().filter(m -> "HEARTBEAT".equals(m.msgId()))
                .count() >= 2);
        ReceivedMessage heartbeat = server.messages().stream().filter(m -> "HEARTBEAT".equals(m.msgId()))
                .findFirst().orElseThrow();
        assertThat(heartbeat.appName()).isEqualTo("app");
        assertThat(heartbeat.hostname()).isEqualTo("h");
    }

    @Test
    void connectionTtlEndsSessionsCleanlyAndLosesNothing() {
        RecordingDiagnostics diagnostics = new RecordingDiagnostics();
        engine = DeliveryEngine.start(settings().connectionTtl(Duration.ofMillis(200))
                .diagnostics(diagnostics).build());
        long sessionsBefore = server.server().sessionsOpened();
        for (int round = 0; round < 5; round++) {
            int base = round * 1000;
            for (int i = 0; i < 1000; i++) {
                engine.append(event(base + i));
            }
            int expected = base + 1000;
            await().atMost(WAIT).until(() -> eventNumbers(server.messages()).size() == expected);
            long opened = server.server().sessionsOpened();
            await().atMost(WAIT).until(() -> server.server().sessionsOpened() > opened);
        }
        assertThat(server.server().sessionsOpened() - sessionsBefore).isGreaterThanOrEqualTo(5);
        assertThat(server.server().duplicateCount()).isZero();
        assertThat(engine.counters().snapshot().resent()).isZero();
        // Sessions this side ended on purpose (connectionTtl, then the stop) are no delivery failure to warn of.
        engine.close();
        engine = null;
        assertThat(diagnostics.messages).isEmpty();
    }

    @Test
    void aNormalStopWarnsOfNothing() {
        RecordingDiagnostics diagnostics = new RecordingDiagnostics();
        engine = DeliveryEngine.start(settings().diagnostics(diagnostics).build());
        for (int i = 0; i < 100; i++) {
            engine.append(event(i));
        }
        await().atMost(WAIT).until(() -> engine.counters().snapshot().acknowledged() == 100);
        engine.close();
        engine = null;
        assertThat(diagnostics.messages).isEmpty();
    }

    /** An event that records which thread formats it. */
    private static final class RecordingEvent implements EngineEvent {
        private final SyslogMessage message;
        final AtomicReference<String> formattedOn = new AtomicReference<>();

        RecordingEvent(SyslogMessage message) {
            this.message = message;
        }

        @Override
        public Instant timestamp() {
            return message.timestamp();
        }

        @Override
        public Severity severity() {
            return message.severity();
        }

        @Override
        public SyslogFields fields() {
            formattedOn.set(Thread.currentThread().getName());
            return message;
        }

        @Override
        public int sizeEstimate() {
            return EngineEvent.sizeEstimate(message);
        }
    }

    @Test
    void withoutASpoolTheDeliveryThreadFormatsWithASpoolTheCaller() {
        engine = DeliveryEngine.start(settings().build());
        RecordingEvent memory = new RecordingEvent(event(0));
        assertThat(engine.append(memory)).isTrue();
        server.awaitMessages(1, WAIT);
        assertThat(memory.formattedOn.get()).isEqualTo("sluice-delivery-test");
        engine.close();

        engine = DeliveryEngine.start(settings().spool(SpoolConfig.builder(dir.resolve("spool")).build()).build());
        RecordingEvent spooled = new RecordingEvent(event(1));
        assertThat(engine.append(spooled)).isTrue();
        assertThat(spooled.formattedOn.get()).isEqualTo(Thread.currentThread().getName());
        await().atMost(WAIT).until(() -> eventNumbers(server.messages()).containsAll(List.of(0, 1)));
        assertThat(server.messages()).filteredOn(m -> m.message().equals("event 1")).first()
                .satisfies(m -> assertThat(m.sdParam("meta", "sequenceId")).contains("1"));
    }

    /**
     * The delivery thread's longest park in the wake-up tests, instead of its 1 s: far beyond their liveness bound
     * ({@link #WAIT}), so that an event whose wake-up was lost is not sent before the bound ends, however slow the
     * machine. With the 1 s park such an event was only a second late, which a bound just under a second told
     * from a slow round trip, and a slow machine with it.
     */
    private static final Duration LONGEST_PARK = Duration.ofHours(1);

    /**
     * The application's threads unpark the delivery thread only when it waits for events; one event at a time, each
     * sent when the one before was acknowledged, shows that no wake-up is lost: a lost one would leave the event
     * until the delivery thread's longest park ({@link #LONGEST_PARK}) ends.
     */
    @Test
    void anEventAfterAQuietSpellIsSentAtOnceWithAndWithoutASpool() {
        for (boolean spooled : new boolean[] {false, true}) {
            EngineSettings.Builder b = settings();
            if (spooled) {
                b.spool(SpoolConfig.builder(dir.resolve("quiet-spool")).build());
            }
            engine = EngineTestHooks.startWithLongestPark(b.build(), LONGEST_PARK);
            server.clear();
            for (int i = 0; i < 200; i++) {
                long acknowledged = engine.counters().snapshot().acknowledged();
                engine.append(event(i));
                await("event " + i + " acknowledged (else its wake-up was lost), spool " + spooled).atMost(WAIT)
                        .pollInterval(Duration.ofMillis(1))
                        .until(() -> engine.counters().snapshot().acknowledged() > acknowledged);
            }
            engine.close();
        }
        engine = null;
    }

    /**
     * Several threads append at once, each round after the one before was acknowledged, so that their appends race
     * with each other and with the delivery thread going to park for want of events: the first to find it waiting
     * lowers the flag and unparks it, the others find the flag down and do not. No event may wait for the delivery
     * thread's longest park ({@link #LONGEST_PARK}).
     */
    @Test
    void appendsRacingFromSeveralThreadsLoseNoWakeUpWithAndWithoutASpool() throws Exception {
        int threads = 4;
        int rounds = 150;
        for (boolean spooled : new boolean[] {false, true}) {
            EngineSettings.Builder b = settings();
            if (spooled) {
                b.spool(SpoolConfig.builder(dir.resolve("racing-spool")).build());
            }
            engine = EngineTestHooks.startWithLongestPark(b.build(), LONGEST_PARK);
            DeliveryEngine e = engine;
            CyclicBarrier start = new CyclicBarrier(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        for (int r = 0; r < rounds; r++) {
                            start.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                            assertThat(e.append(event(r * threads + thread))).isTrue();
                            long expected = (long) (r + 1) * threads;
                            await("round " + r + " acknowledged (else a wake-up was lost)").atMost(WAIT)
                                    .pollInterval(Duration.ofMillis(1))
                                    .until(() -> e.counters().snapshot().acknowledged() >= expected);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(2 * WAIT.toSeconds(), TimeUnit.SECONDS); // the rounds' own bound fails first
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(e.counters().snapshot().acknowledged()).as("spool %s", spooled)
                    .isEqualTo((long) threads * rounds);
            engine.close();
        }
        engine = null;
    }

    /**
     * While no receiver listens, the delivery thread waits for {@code connected()} (or a park's end) instead of
     * waking over and over: it once spun on 1 ns parks, ~13,000 wake-ups a second, for as long as the receiver was
     * down. Counted by the JVM: each park of the engine's delivery thread (and each time it blocks on a monitor),
     * while the transport fails to connect three times (500 ms apart). Waiting, it wakes a few times a second: for
     * each failed attempt, at the end of a park; spinning, thousands of times. The bound, 50 a second, is far from
     * both; and a slow machine only makes the rate lower.
     */
    @Test
    void whileTheReceiverIsDownTheDeliveryThreadWaitsInsteadOfSpinning() throws Exception {
        int deadPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        for (boolean spooled : new boolean[] {false, true}) {
            AtomicInteger failedAttempts = new AtomicInteger();
            String name = "receiver-down-" + spooled;
            EngineSettings.Builder b = EngineSettings.builder(name)
                    .targets(List.of(Target.parse("relp://127.0.0.1:" + deadPort)))
                    .transport(TransportSettings.builder().connectTimeout(Duration.ofSeconds(2))
                            .backoff(() -> Backoff.fixed(Duration.ofMillis(500))).build())
                    .listener(new AppenderListener() {
                        @Override
                        public void disconnected(String target, String reason) {
                            failedAttempts.incrementAndGet();
                        }
                    })
                    .shutdownTimeout(Duration.ofMillis(100)); // nothing can be delivered: no need to wait at the end
            if (spooled) {
                b.spool(SpoolConfig.builder(dir.resolve("down-spool")).build());
            }
            engine = DeliveryEngine.start(b.build());
            for (int i = 0; i < 100; i++) {
                engine.append(event(i));
            }
            await().atMost(WAIT).until(() -> engine.counters().snapshot().accepted() == 100);
            Thread delivery = thread("sluice-delivery-" + name);
            int attempts = failedAttempts.get();
            long before = wakeUps(delivery);
            long start = System.nanoTime();
            await().atMost(WAIT).until(() -> failedAttempts.get() >= attempts + 3);
            double seconds = (System.nanoTime() - start) / 1e9;
            long perSecond = Math.round((wakeUps(delivery) - before) / seconds);
            assertThat(perSecond).as("delivery thread wake-ups per second, spool %s", spooled).isLessThan(50);
            assertThat(engine.counters().snapshot().delivered()).isZero();
            engine.close();
        }
        engine = null;
    }

    private static Thread thread(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no thread " + name));
    }

    /** How many times {@code thread} parked, waited or blocked on a monitor so far (counted by the JVM). */
    private static long wakeUps(Thread thread) {
        ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(thread.getId());
        return info.getWaitedCount() + info.getBlockedCount();
    }
}
