package dev.sluice.transport.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.transport.health.AppenderListener;
import dev.sluice.transport.health.Diagnostics;
import dev.sluice.transport.health.DropReason;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.spool.Spool;
import dev.sluice.transport.spool.SpoolConfig;
import dev.sluice.transport.syslog.Severity;
import dev.sluice.transport.syslog.SyslogFields;
import dev.sluice.transport.syslog.SyslogMessage;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry of running engines as a Log4j2 reconfiguration uses it: the new appender acquires before the old one
 * lets go. Engines deliver over UDP to the discard port; nothing here waits on a network.
 */
class DeliveryEnginesTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path spool;

    private static EngineSettings settings(String name, String target, String options, Path spool) {
        EngineSettings.Builder b = EngineSettings.builder(name).targets(Target.parseList(target)).options(options)
                .shutdownTimeout(Duration.ofMillis(200));
        if (spool != null) {
            b.spool(SpoolConfig.builder(spool).build());
        }
        return b.build();
    }

    /** A registry whose engines with options "b" start only once {@code startNext} is counted down. */
    private static DeliveryEngines holdingBackOptionsB(CountDownLatch startNext) {
        return new DeliveryEngines((s, drops, counters) -> {
            if (s.options().equals("b")) {
                try {
                    assertThat(startNext.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return DeliveryEngine.start(s, drops, counters);
        });
    }

    /**
     * Lets go of {@code old} on a thread of its own, as Log4j2 stops the old configuration, and waits until
     * {@code next} holds its events for the engine that replaces the old one.
     */
    private static Thread releaseInBackground(DeliveryEngines.Lease old, DeliveryEngines.Lease next) {
        Thread reconfiguration = new Thread(old::close, "reconfiguration");
        reconfiguration.start();
        await().atMost(WAIT).until(() -> next.engine() == null);
        return reconfiguration;
    }

    /** Diagnostics that add every warning and error to {@code messages}. */
    private static Diagnostics recording(List<String> messages) {
        return new Diagnostics() {
            @Override
            public void warn(String message, Throwable cause) {
                messages.add(message);
            }

            @Override
            public void error(String message, Throwable cause) {
                messages.add(message);
            }
        };
    }

    /** Receives datagrams on {@code receiver} until one ends with {@code last}; what it received, in order. */
    private static List<String> receiveUntil(DatagramSocket receiver, String last) throws Exception {
        receiver.setSoTimeout((int) WAIT.toMillis());
        List<String> received = new ArrayList<>();
        while (received.stream().noneMatch(m -> m.endsWith(last))) {
            DatagramPacket packet = new DatagramPacket(new byte[8192], 8192);
            receiver.receive(packet);
            received.add(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
        }
        return received;
    }

    /**
     * An appender (options "a", no spool) whose new configuration ({@link #next}: options "b", a queue of 4 and the
     * given overflow) holds its events while the engine is replaced: the new engine starts only on
     * {@link #startNext()}. Both send to {@link #receiver}.
     */
    private static final class Replacement implements AutoCloseable {
        final DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        final CountDownLatch startNext = new CountDownLatch(1);
        final DeliveryEngines registry = holdingBackOptionsB(startNext);
        final DeliveryEngines.Lease next;
        final Thread reconfiguration;

        Replacement(OverflowPolicy overflow, Diagnostics diagnostics) throws Exception {
            String target = "udp://127.0.0.1:" + receiver.getLocalPort();
            DeliveryEngines.Lease old = registry.acquire(settings("central", target, "a", null));
            next = registry.acquire(EngineSettings.builder("central").targets(Target.parseList(target)).options("b")
                    .queueCapacity(4).overflow(overflow).diagnostics(diagnostics)
                    .shutdownTimeout(Duration.ofMillis(200)).build());
            reconfiguration = releaseInBackground(old, next);
        }

        /** Lets the new engine start, and waits until the reconfiguration is done. */
        void startNext() throws InterruptedException {
            startNext.countDown();
            reconfiguration.join(WAIT.toMillis());
        }

        @Override
        public void close() {
            startNext.countDown();
            next.close();
            receiver.close();
        }
    }

    /**
     * A thread that appends "held 0" … "held {@code count - 1}" to {@code lease} with {@code abandonWait}, and
     * records in {@code results} what each append returned.
     */
    private static Thread appending(DeliveryEngines.Lease lease, int count, BooleanSupplier abandonWait,
                                    List<Boolean> results) {
        Thread application = new Thread(() -> {
            for (int i = 0; i < count; i++) {
                results.add(lease.append(event("held " + i), null, abandonWait));
            }
        }, "application");
        application.start();
        return application;
    }

    /**
     * The appender's lease closed while its engine was replaced: its warning says {@code dropped} events went with it,
     * and the new engine, once it starts, stops unused.
     */
    private static void assertStoppedWhileReplaced(Replacement r, List<String> warnings, int dropped)
            throws InterruptedException {
        assertThat(warnings).containsExactly("RemoteSyslog[central]: " + dropped + " event(s) dropped: the appender"
                + " stopped while its engine was replaced after a reconfiguration");
        r.startNext();
        await().atMost(WAIT).until(() -> r.registry.runningCount() == 0);
    }

    /** Waits until {@code thread} waits (for the new engine, here), not blocked on a lock nor done. */
    private static void awaitWaiting(Thread thread) {
        await().atMost(WAIT).until(() -> thread.getState() == Thread.State.TIMED_WAITING
                || thread.getState() == Thread.State.WAITING || thread.getState() == Thread.State.TERMINATED);
        assertThat(thread.getState()).as("blocked, not done").isNotEqualTo(Thread.State.TERMINATED);
    }

    private static EngineEvent event(String text) {
        return EngineEvent.of(SyslogMessage.builder().timestamp(Instant.parse("2026-01-01T00:00:00Z"))
                .hostname("h").appName("a").message(text).build());
    }

    @Test
    void theSameOptionsShareTheRunningEngine() {
        DeliveryEngines registry = new DeliveryEngines(DeliveryEngine::start);
        try (DeliveryEngines.Lease old = registry.acquire(settings("central", "udp://127.0.0.1:9", "a", spool));
             DeliveryEngines.Lease next = registry.acquire(settings("central", "udp://127.0.0.1:9", "a", spool))) {
            assertThat(next.engine()).isSameAs(old.engine());
            old.close();
            assertThat(next.engine().settings().options()).isEqualTo("a");
            assertThat(registry.runningCount()).isEqualTo(1);
        }
        assertThat(registry.runningCount()).isZero();
    }

    @Test
    void aNewConfigurationOfTheAppenderTakesOverTheSpoolWhenTheOldOneLetsGo() {
        DeliveryEngines registry = new DeliveryEngines(DeliveryEngine::start);
        DeliveryEngines.Lease old = registry.acquire(settings("central", "udp://127.0.0.1:9", "a", spool));
        DeliveryEngine first = old.engine();
        try (DeliveryEngines.Lease next = registry.acquire(settings("central", "udp://127.0.0.1:10", "b", spool))) {
            assertThat(next.engine()).as("until the old appender lets go").isSameAs(first);
            assertThat(next.append(event("into the running engine's spool"))).isTrue();

            old.close();

            assertThat(next.engine()).isNotSameAs(first);
            assertThat(next.engine().settings().options()).isEqualTo("b");
            assertThat(next.engine().settings().targets()).hasToString("[udp://127.0.0.1:10]");
            assertThat(registry.runningCount()).isEqualTo(1);
        }
        assertThat(registry.runningCount()).isZero();
    }

    @Test
    void theCountersOfAReconfiguredAppenderGoOnFromTheEngineItReplaced() {
        DeliveryEngines registry = new DeliveryEngines(DeliveryEngine::start);
        DeliveryEngines.Lease old = registry.acquire(settings("central", "udp://127.0.0.1:9", "a", spool));
        DeliveryEngine first = old.engine();
        for (int i = 0; i < 3; i++) {
            assertThat(old.append(event("before " + i))).isTrue();
        }
        try (DeliveryEngines.Lease next = registry.acquire(settings("central", "udp://127.0.0.1:10", "b", spool))) {
            old.close();
            assertThat(next.engine()).isNotSameAs(first);
            assertThat(next.append(event("after"))).isTrue();
            assertThat(next.engine().counters().snapshot().accepted()).isEqualTo(4);
            assertThat(next.engine().health().counters().accepted()).as("as JMX reads them").isEqualTo(4);
        }
    }

    /**
     * Without a spool there is no highest id to number on from: the engine that replaces another in a
     * reconfiguration numbers on after that one's last id, so that two messages of the process never share one.
     */
    @Test
    void aReconfiguredAppenderWithoutASpoolNumbersOnFromTheEngineItReplaced() {
        List<Long> ids = new CopyOnWriteArrayList<>();
        AppenderListener listener = new AppenderListener() {
            @Override
            public void accepted(long sequenceId) {
                ids.add(sequenceId);
            }
        };
        DeliveryEngines registry = new DeliveryEngines(DeliveryEngine::start);
        DeliveryEngines.Lease old = registry.acquire(EngineSettings.builder("central")
                .targets(Target.parseList("udp://127.0.0.1:9")).options("a").listener(listener).build());
        DeliveryEngine first = old.engine();
        for (int i = 0; i < 3; i++) {
            assertThat(old.append(event("before " + i))).isTrue();
        }
        try (DeliveryEngines.Lease next = registry.acquire(EngineSettings.builder("central")
                .targets(Target.parseList("udp://127.0.0.1:9")).options("b").listener(listener).build())) {
            old.close();
            assertThat(next.engine()).as("replaced").isNotSameAs(first);
            assertThat(next.append(event("after"))).isTrue();
        }
        assertThat(ids).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void aRenamedAppendersEngineCountsAfreshUnderItsNewName() {
        DeliveryEngines registry = new DeliveryEngines(DeliveryEngine::start);
        DeliveryEngines.Lease old = registry.acquire(settings("central", "udp://127.0.0.1:9", "a", spool));
        assertThat(old.append(event("before"))).isTrue();
        old.retire(); // as a Log4j2 configuration that no longer has it does
        try (DeliveryEngines.Lease renamed = registry.acquire(settings("audit", "udp://127.0.0.1:9", "b", spool))) {
            old.close();
            assertThat(renamed.engine().settings().name()).isEqualTo("audit");
            assertThat(renamed.engine().counters().snapshot().accepted()).isZero();
        }
    }

    /**
     * An appender with a spool (options "a", shutdownTimeout 30 s) and its new configuration (options "b"), both
     * sending to {@code target}: the old lease and the successor's, which logs into the old engine until it is let go.
     */
    private DeliveryEngines.Lease[] reconfiguredWithASpool(String target) {
        DeliveryEngines registry = new DeliveryEngines(DeliveryEngine::start);
        DeliveryEngines.Lease old = registry.acquire(EngineSettings.builder("central")
                .targets(Target.parseList(target)).options("a").shutdownTimeout(Duration.ofSeconds(30))
                .spool(SpoolConfig.builder(spool).build()).build());
        DeliveryEngines.Lease next = registry.acquire(EngineSettings.builder("central")
                .targets(Target.parseList(target)).options("b").shutdownTimeout(Duration.ofMillis(200))
                .spool(SpoolConfig.builder(spool).build()).build());
        return new DeliveryEngines.Lease[] {old, next};
    }

    @Test
    void withASpoolTheOldEngineHandsOverWithoutDrainingAndTheNewOneSpoolsWhatFollowsAtOnce() throws Exception {
        // a receiver that takes the connection and never answers: draining could only wait out shutdownTimeout
        try (ServerSocket silent = new ServerSocket(0)) {
            DeliveryEngines.Lease[] leases = reconfiguredWithASpool("relp://127.0.0.1:" + silent.getLocalPort());
            DeliveryEngines.Lease old = leases[0];
            DeliveryEngines.Lease next = leases[1];
            DeliveryEngine first = old.engine();
            assertThat(old.append(event("before, old appender"))).isTrue();
            assertThat(next.append(event("before, new appender"))).isTrue();

            Thread reconfiguration = new Thread(old::close, "reconfiguration");
            reconfiguration.start();
            for (int i = 0; i < 3; i++) {
                assertThat(next.append(event("after " + i))).isTrue();
            }

            // well before the old engine's shutdownTimeout of 30 s: the new engine runs, and holds everything
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(next.engine()).isNotNull().isNotSameAs(first);
                assertThat(next.engine().settings().options()).isEqualTo("b");
                assertThat(next.engine().health().spoolRecords()).isEqualTo(5);
            });
            reconfiguration.join(WAIT.toMillis());
            assertThat(reconfiguration.isAlive()).isFalse();
            assertThat(first.counters().snapshot().dropped()).allSatisfy((reason, n) -> assertThat(n).isZero());
            next.close();
        }
        try (Spool left = Spool.open(SpoolConfig.builder(spool).build())) {
            assertThat(left.pendingRecords()).as("nothing lost in the hand-over").isEqualTo(5);
        }
    }

    /**
     * An application thread that read its lease's engine just before the hand-over appends to the old engine after
     * it stopped accepting: the event must go to the successor, not be dropped (it was, as "shutdown" or, with the
     * spool closed under it, as "disk full"). The event's formatting, inside the old engine's append and before the
     * spool's lock, runs the hand-over: as if the thread were preempted there.
     */
    @Test
    void anEventAppendedToTheOldEngineDuringTheHandOverGoesToTheSuccessor() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            DeliveryEngines.Lease[] leases = reconfiguredWithASpool("relp://127.0.0.1:" + silent.getLocalPort());
            DeliveryEngines.Lease old = leases[0];
            DeliveryEngines.Lease next = leases[1];
            DeliveryEngine first = next.engine();
            assertThat(first).isSameAs(old.engine()); // the new appender logs into the old engine until the hand-over
            EngineEvent plain = event("during the hand-over");
            AtomicBoolean handedOver = new AtomicBoolean();
            EngineEvent racing = new EngineEvent() {
                @Override
                public Instant timestamp() {
                    return plain.timestamp();
                }

                @Override
                public Severity severity() {
                    return plain.severity();
                }

                @Override
                public SyslogFields fields() {
                    if (handedOver.compareAndSet(false, true)) {
                        old.close(); // the reconfiguration lets the old appender go: the hand-over, done here
                    }
                    return plain.fields();
                }

                @Override
                public int sizeEstimate() {
                    return plain.sizeEstimate();
                }
            };

            assertThat(next.append(racing)).isTrue();

            assertThat(handedOver).isTrue();
            assertThat(first.counters().snapshot().dropped()).allSatisfy((reason, n) -> assertThat(n).isZero());
            assertThat(next.engine()).isNotNull().isNotSameAs(first);
            assertThat(next.engine().counters().snapshot().dropped()).allSatisfy((reason, n) -> assertThat(n).isZero());
            assertThat(next.engine().health().spoolRecords()).isEqualTo(1);
            next.close();
        }
        try (Spool left = Spool.open(SpoolConfig.builder(spool).build())) {
            assertThat(left.pendingRecords()).as("the event is in the spool").isEqualTo(1);
        }
    }

    @Test
    void dropsTheOldEngineDidNotAnnounceAreAnnouncedByTheNewOneAndNotCountedAgain() throws Exception {
        try (ServerSocket silent = new ServerSocket(0);
             DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            receiver.setSoTimeout((int) WAIT.toMillis());
            // The new engine replays the spooled event as soon as its thread runs; here it has sent both datagrams
            // before the registry gets the engine back, so the drops must have been handed over before it ran.
            DeliveryEngines registry = new DeliveryEngines((s, drops, counters) -> {
                DeliveryEngine engine = DeliveryEngine.start(s, drops, counters);
                if (s.options().equals("b")) {
                    await().atMost(WAIT).until(() -> engine.counters().snapshot().delivered() == 1
                            && engine.health().spoolRecords() == 0);
                }
                return engine;
            });
            DeliveryEngines.Lease old = registry.acquire(EngineSettings.builder("central")
                    .targets(Target.parseList("relp://127.0.0.1:" + silent.getLocalPort())).options("a")
                    .shutdownTimeout(Duration.ofSeconds(1)).spool(SpoolConfig.builder(spool).build()).build());
            DeliveryEngines.Lease next = registry.acquire(EngineSettings.builder("central")
                    .targets(Target.parseList("udp://127.0.0.1:" + receiver.getLocalPort())).options("b")
                    .shutdownTimeout(Duration.ofMillis(200)).spool(SpoolConfig.builder(spool).build()).build());
            try {
                old.engine().countDropped(DropReason.QUEUE_FULL, 3);
                assertThat(old.append(event("after the drops"))).isTrue();

                old.close();

                List<String> received = receiveUntil(receiver, "after the drops");
                assertThat(received).hasSize(2);
                assertThat(received.get(0)).contains("3 message(s) dropped by Sluice before this one");
                assertThat(next.engine().counters().dropped(DropReason.QUEUE_FULL))
                        .as("counted once, by the old one, and carried over").isEqualTo(3);
            } finally {
                next.close();
            }
        }
    }

    @Test
    void eventsAppendedWhileTheEngineIsReplacedGoToTheNewOne() throws Exception {
        CountDownLatch startNext = new CountDownLatch(1);
        DeliveryEngines registry = holdingBackOptionsB(startNext);
        DeliveryEngines.Lease old = registry.acquire(settings("central", "udp://127.0.0.1:9", "a", null));
        DeliveryEngines.Lease next = registry.acquire(settings("central", "udp://127.0.0.1:9", "b", null));
        Thread reconfiguration = releaseInBackground(old, next);

        assertThat(next.append(event("held"))).isTrue();
        startNext.countDown();
        reconfiguration.join(WAIT.toMillis());

        assertThat(next.engine().settings().options()).isEqualTo("b");
        assertThat(next.engine().counters().snapshot().accepted()).isEqualTo(1);
        next.close();
        assertThat(registry.runningCount()).isZero();
    }

    @Test
    void eventsBeyondQueueCapacityWhileTheEngineIsReplacedAreCountedAsDroppedByTheNewOne() throws Exception {
        CountDownLatch startNext = new CountDownLatch(1);
        DeliveryEngines registry = holdingBackOptionsB(startNext);
        DeliveryEngines.Lease old = registry.acquire(settings("central", "udp://127.0.0.1:9", "a", null));
        DeliveryEngines.Lease next = registry.acquire(EngineSettings.builder("central")
                .targets(Target.parseList("udp://127.0.0.1:9")).options("b").queueCapacity(10)
                .shutdownTimeout(Duration.ofMillis(200)).build());
        Thread reconfiguration = releaseInBackground(old, next);

        long taken = 0;
        for (int i = 0; i < 15; i++) {
            taken += next.append(event("held " + i)) ? 1 : 0;
        }
        assertThat(taken).isEqualTo(10);
        startNext.countDown();
        reconfiguration.join(WAIT.toMillis());

        assertThat(next.engine().counters().snapshot().accepted()).isEqualTo(10);
        assertThat(next.engine().counters().dropped(DropReason.QUEUE_FULL)).isEqualTo(5);
        next.close();
    }

    /**
     * The in-band notice of what was dropped while the engine was replaced goes ahead of the events held meanwhile:
     * the hole it tells of came before them in the application's order.
     */
    @Test
    void theNoticeOfDropsWhileTheEngineIsReplacedGoesAheadOfTheHeldEvents() throws Exception {
        try (Replacement r = new Replacement(OverflowPolicy.DROP_NEWEST, Diagnostics.NONE)) {
            List<Boolean> results = new CopyOnWriteArrayList<>();
            Thread application = appending(r.next, 6, null, results);
            application.join(WAIT.toMillis());
            assertThat(results).containsExactly(true, true, true, true, false, false);

            r.startNext();

            List<String> received = receiveUntil(r.receiver, "held 3");
            assertThat(received).hasSize(5);
            assertThat(received.get(0)).as("the notice, first").doesNotContain("held").contains("2");
            assertThat(received.subList(1, 5)).allSatisfy(m -> assertThat(m).contains("held"));
        }
    }

    /**
     * {@code overflow=block} promises that nothing is dropped for lack of room: while the engine is replaced, a
     * caller that finds the held events at {@code queueCapacity} waits for the new engine (it used to have its event
     * dropped as "queue full").
     */
    @Test
    void underOverflowBlockACallerBeyondQueueCapacityWaitsForTheNewEngineAndNothingIsDropped() throws Exception {
        try (Replacement r = new Replacement(OverflowPolicy.BLOCK, Diagnostics.NONE)) {
            List<Boolean> results = new CopyOnWriteArrayList<>();

            Thread application = appending(r.next, 8, null, results);
            awaitWaiting(application);
            assertThat(results).as("4 held, the fifth waits").containsExactly(true, true, true, true);

            r.startNext();
            application.join(WAIT.toMillis());

            assertThat(results).hasSize(8).containsOnly(true);
            assertThat(receiveUntil(r.receiver, "held 7")).as("all of them, in order, and no drop notice")
                    .map(m -> m.substring(m.lastIndexOf(' ') + 1))
                    .containsExactly("0", "1", "2", "3", "4", "5", "6", "7");
            assertThat(r.next.engine().settings().options()).isEqualTo("b");
            assertThat(r.next.engine().counters().snapshot().dropped())
                    .allSatisfy((reason, n) -> assertThat(n).isZero());
        }
    }

    /**
     * The new engine opens a spool that is full (its receiver down): an event held while it started finds no room
     * there. Under {@code overflow=block} the hand-over must not wait for room, which may never come, while it holds
     * the lease (callers waiting in it could not give up) and, when it replaces a stopped engine, the registry (every
     * appender start and stop in the JVM would hang behind it): it drops the event, counted as at a stop.
     */
    @Test
    void underOverflowBlockTheHandOverDoesNotWaitForRoomInAFullSpool() throws Exception {
        int deadPort;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = closed.getLocalPort();
        }
        String target = "tcp://127.0.0.1:" + deadPort;
        CountDownLatch startNext = new CountDownLatch(1);
        DeliveryEngines registry = holdingBackOptionsB(startNext);
        SpoolConfig small = SpoolConfig.builder(spool).maxSize(64 * 1024).segmentSize(16 * 1024).build();
        DeliveryEngines.Lease old = registry.acquire(EngineSettings.builder("central")
                .targets(Target.parseList(target)).options("a").spool(small)
                .shutdownTimeout(Duration.ofMillis(200)).build());
        for (int i = 0; old.engine().counters().dropped(DropReason.SPOOL_FULL) == 0; i++) {
            assertThat(i).as("events before the spool is full").isLessThan(10_000);
            old.append(event("spooled " + i));
        }
        DeliveryEngines.Lease next = registry.acquire(EngineSettings.builder("central")
                .targets(Target.parseList(target)).options("b").spool(small).queueCapacity(4)
                .overflow(OverflowPolicy.BLOCK).shutdownTimeout(Duration.ofMillis(200)).build());
        Thread reconfiguration = releaseInBackground(old, next);
        try {
            assertThat(next.append(event("held while replaced"))).isTrue();

            startNext.countDown();
            reconfiguration.join(WAIT.toMillis());

            assertThat(reconfiguration.isAlive()).as("the hand-over waits for room in the full spool").isFalse();
            assertThat(next.engine().settings().options()).isEqualTo("b");
            assertThat(next.engine().counters().dropped(DropReason.SHUTDOWN)).isEqualTo(1);
        } finally {
            startNext.countDown();
            if (!reconfiguration.isAlive()) {
                next.close(); // not while a hand-over holds the lease: the close would wait for it for ever
            }
        }
    }

    /** The appender stops (its lease closes) before the new engine is there: the blocked caller gives up. */
    @Test
    void underOverflowBlockACallerWaitingForTheNewEngineIsReleasedWhenTheAppenderStops() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (Replacement r = new Replacement(OverflowPolicy.BLOCK, recording(warnings))) {
            List<Boolean> results = new CopyOnWriteArrayList<>();
            Thread application = appending(r.next, 5, null, results);
            awaitWaiting(application);

            r.next.close();

            application.join(WAIT.toMillis());
            assertThat(application.isAlive()).isFalse();
            assertThat(results).containsExactly(true, true, true, true, false);
            assertStoppedWhileReplaced(r, warnings, 5);
        }
    }

    /**
     * The appender stops while its engine is replaced, after events beyond {@code queueCapacity} were dropped for
     * lack of room ({@code dropNewest}): the warning counts those too, not only the held ones. (The new engine, which
     * would have counted them, never gets this lease.)
     */
    @Test
    void eventsDroppedForLackOfRoomWhileTheEngineIsReplacedAreReportedWhenTheAppenderStopsFirst() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (Replacement r = new Replacement(OverflowPolicy.DROP_NEWEST, recording(warnings))) {
            List<Boolean> results = new CopyOnWriteArrayList<>();
            Thread application = appending(r.next, 6, null, results);
            application.join(WAIT.toMillis());
            assertThat(results).containsExactly(true, true, true, true, false, false);

            r.next.close();

            assertStoppedWhileReplaced(r, warnings, 6);
        }
    }

    /**
     * Log4j2 passes "the configuration is stopping" as {@code abandonWait}: a caller waiting for the new engine gives
     * up as one waiting for room in an engine does, its event dropped as at a stop and counted.
     */
    @Test
    void underOverflowBlockACallerWaitingForTheNewEngineGivesUpWhenAskedAndTheDropIsCounted() throws Exception {
        try (Replacement r = new Replacement(OverflowPolicy.BLOCK, Diagnostics.NONE)) {
            AtomicBoolean stopping = new AtomicBoolean();
            List<Boolean> results = new CopyOnWriteArrayList<>();
            Thread application = appending(r.next, 5, stopping::get, results);
            awaitWaiting(application);

            stopping.set(true);

            application.join(WAIT.toMillis());
            assertThat(application.isAlive()).isFalse();
            assertThat(results).containsExactly(true, true, true, true, false);
            r.startNext();
            assertThat(r.next.engine().counters().snapshot().accepted()).isEqualTo(4);
            assertThat(r.next.engine().counters().dropped(DropReason.SHUTDOWN)).isEqualTo(1);
            assertThat(r.next.engine().counters().dropped(DropReason.QUEUE_FULL)).isZero();
        }
    }

    /** {@code overflow=dropOldest} while the engine is replaced: the oldest held events go, not the new ones. */
    @Test
    void underOverflowDropOldestTheOldestHeldEventsAreDroppedWhileTheEngineIsReplaced() throws Exception {
        try (Replacement r = new Replacement(OverflowPolicy.DROP_OLDEST, Diagnostics.NONE)) {
            for (int i = 0; i < 6; i++) {
                assertThat(r.next.append(event("held " + i))).as("held " + i).isTrue();
            }
            r.startNext();

            assertThat(receiveUntil(r.receiver, "held 5")).filteredOn(m -> m.contains("held "))
                    .map(m -> m.substring(m.lastIndexOf(' ') + 1)).containsExactly("2", "3", "4", "5");
            assertThat(r.next.engine().counters().dropped(DropReason.QUEUE_FULL)).isEqualTo(2);
        }
    }

    @Test
    void afterTheNewEngineFailedToStartEveryEventIsReportedNotDroppedSilently() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Diagnostics diagnostics = recording(warnings);
        DeliveryEngines registry = new DeliveryEngines((s, drops, counters) -> {
            if (s.options().equals("b")) {
                throw new IllegalStateException("cannot open the spool (test)");
            }
            return DeliveryEngine.start(s, drops, counters);
        });
        DeliveryEngines.Lease old = registry.acquire(settings("central", "udp://127.0.0.1:9", "a", null));
        DeliveryEngines.Lease next = registry.acquire(EngineSettings.builder("central")
                .targets(Target.parseList("udp://127.0.0.1:9")).options("b").diagnostics(diagnostics)
                .shutdownTimeout(Duration.ofMillis(200)).build());
        old.close();

        assertThat(next.engine()).isNull();
        assertThat(next.append(event("nowhere to go"))).isFalse();
        assertThat(next.append(event("nowhere to go either"))).isFalse();
        assertThat(warnings).anyMatch(m -> m.contains("cannot open the spool (test)"))
                .filteredOn(m -> m.contains("no delivery engine since a reconfiguration")).hasSize(1);
        next.close();
        assertThat(registry.runningCount()).isZero();
    }

    @Test
    void anotherAppenderWithOtherOptionsSharesTheEngineAndIsToldSo() {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Diagnostics diagnostics = recording(warnings);
        DeliveryEngines registry = new DeliveryEngines(DeliveryEngine::start);
        try (DeliveryEngines.Lease first = registry.acquire(settings("first", "udp://127.0.0.1:9", "a", null));
             DeliveryEngines.Lease same = registry.acquire(EngineSettings.builder("same")
                     .targets(Target.parseList("udp://127.0.0.1:9")).options("a").diagnostics(diagnostics).build());
             DeliveryEngines.Lease other = registry.acquire(EngineSettings.builder("other")
                     .targets(Target.parseList("udp://127.0.0.1:9")).options("b").diagnostics(diagnostics).build())) {
            assertThat(other.engine()).isSameAs(first.engine()).isSameAs(same.engine());
            assertThat(warnings).containsExactly("RemoteSyslog[other]: shares the delivery engine of appender first"
                    + " (same target udp://127.0.0.1:9 and spool), which runs with that appender's options; other"
                    + " options of this one take effect only when every appender using it has stopped");
        }
    }

    @Test
    void anotherAppenderOnTheSpoolWithOtherTargetsIsRefused() {
        DeliveryEngines registry = new DeliveryEngines(DeliveryEngine::start);
        try (DeliveryEngines.Lease lease = registry.acquire(settings("first", "udp://127.0.0.1:9", "a", spool))) {
            assertThatThrownBy(() -> registry.acquire(settings("second", "udp://127.0.0.1:10", "a",
                    spool.resolve("x").resolve(".."))))
                    .hasMessageStartingWith("Spool.directory: " + spool + " is in use by appender first");
            assertThat(lease.engine()).isNotNull();
        }
    }

    /**
     * Logback's order: the old appender's lease is kept open, retiring, until the new one has acquired. An appender
     * of another name, on the same targets or only the same spool directory, is then the retiring engine's successor
     * (an engine with its own name and options takes over the spool when the old lease closes), not a sharer with the
     * old settings and not refused; one of the same name and options shares it.
     */
    @Test
    void aRetiringEnginePassesToTheAppenderThatReplacesItUnderAnotherName() {
        DeliveryEngines registry = new DeliveryEngines(DeliveryEngine::start);
        for (String target : new String[] {"udp://127.0.0.1:9", "udp://127.0.0.1:10"}) {
            DeliveryEngines.Lease old = registry.acquire(settings("central", "udp://127.0.0.1:9", "a", spool));
            DeliveryEngine first = old.engine();
            old.retire();
            try (DeliveryEngines.Lease moved = registry.acquire(settings("moved", target, "b", spool))) {
                assertThat(moved.engine()).as("until the old appender lets go").isSameAs(first);

                old.close();

                assertThat(moved.engine()).isNotSameAs(first);
                assertThat(moved.engine().settings().name()).isEqualTo("moved");
                assertThat(moved.engine().settings().targets()).hasToString("[" + target + "]");
                assertThat(registry.runningCount()).isEqualTo(1);
            }
            assertThat(registry.runningCount()).isZero();
        }
        try (DeliveryEngines.Lease old = registry.acquire(settings("central", "udp://127.0.0.1:9", "a", spool))) {
            old.retire();
            try (DeliveryEngines.Lease same = registry.acquire(settings("central", "udp://127.0.0.1:9", "a", spool))) {
                assertThat(same.engine()).isSameAs(old.engine());
                old.close();
                assertThat(same.engine().settings().options()).isEqualTo("a");
            }
        }
    }
}
