package dev.sluice.it.engine;

import dev.sluice.relp.server.ReceivedMessage;
import dev.sluice.relp.server.RelpTestServer;
import dev.sluice.transport.delivery.DeliveryEngine;
import dev.sluice.transport.delivery.EngineSettings;
import dev.sluice.transport.delivery.OverflowPolicy;
import dev.sluice.transport.delivery.UrgencyPolicy;
import dev.sluice.transport.health.DeliveryState;
import dev.sluice.transport.net.Backoff;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.net.TransportSettings;
import dev.sluice.transport.spool.AppendResult;
import dev.sluice.transport.spool.Spool;
import dev.sluice.transport.spool.SpoolConfig;
import dev.sluice.transport.syslog.Severity;
import dev.sluice.transport.syslog.SyslogMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A spool that cannot be opened when the engine starts (here: held by another {@link Spool} in this JVM, as by an
 * engine still stopping or another process): the engine runs from memory, tries the spool again, and once it opens
 * moves what waited in memory into it and goes on in spool mode, durable again.
 */
class EngineLateSpoolTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Instant EVENT_TIME = Instant.parse("2026-11-29T09:00:00Z");

    @RegisterExtension
    static final RelpTestServer server = RelpTestServer.builder().build();

    @TempDir
    Path dir;

    private final RecordingDiagnostics diagnostics = new RecordingDiagnostics();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private DeliveryEngine engine;

    @AfterEach
    void close() throws Exception {
        if (engine != null) {
            engine.close();
        }
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private EngineSettings.Builder settings(Path spool) {
        return EngineSettings.builder("late")
                .targets(List.of(Target.parse(server.target())))
                .transport(TransportSettings.builder().connectTimeout(Duration.ofSeconds(2))
                        .ackTimeout(Duration.ofSeconds(2)).backoff(() -> Backoff.fixed(Duration.ofMillis(50)))
                        .build())
                .spool(SpoolConfig.builder(spool).build())
                .diagnostics(diagnostics)
                .shutdownTimeout(Duration.ofSeconds(2));
    }

    private static SyslogMessage event(String text, Severity severity) {
        return SyslogMessage.builder().timestamp(EVENT_TIME).severity(severity).hostname("h").appName("app")
                .message(text).build();
    }

    /** Holds {@code spool} as another engine would, with {@code left} records it did not deliver (ids 1…left). */
    private Spool holdWith(Path spool, int left) throws IOException {
        Spool holder = Spool.open(SpoolConfig.builder(spool).build());
        toClose.add(holder);
        for (int i = 1; i <= left; i++) {
            byte[] record = ("<14>1 2026-11-29T08:00:00Z h app - - - left " + i).getBytes(StandardCharsets.UTF_8);
            assertThat(holder.append(i, EVENT_TIME, record)).isEqualTo(AppendResult.APPENDED);
        }
        return holder;
    }

    private boolean adopted() {
        return diagnostics.messages.stream().anyMatch(m -> m.startsWith("INFO ") && m.contains("opened"));
    }

    @Test
    void whatWaitedInMemoryMovesIntoTheSpoolOnceItOpensAndSurvivesARestart() throws Exception {
        server.stop();
        Path spool = dir.resolve("spool");
        Spool holder = holdWith(spool, 3);
        engine = DeliveryEngine.start(settings(spool).build());
        assertThat(diagnostics.messages).anySatisfy(m -> assertThat(m).startsWith("ERROR ")
                .contains("cannot be used, keeping events in memory until it can"));
        for (int i = 0; i < 100; i++) {
            assertThat(engine.append(event("event " + i, Severity.INFORMATIONAL))).isTrue();
        }
        assertThat(engine.health().queuedRecords()).isEqualTo(100);
        assertThat(engine.health().spoolRecords()).isZero();

        holder.close();
        await().atMost(WAIT).until(this::adopted);
        assertThat(diagnostics.messages).anySatisfy(m -> assertThat(m)
                .isEqualTo("INFO RemoteSyslog[late]: spool " + spool + " opened; events are spooled again (100 held"
                        + " in memory moved into it)"));
        assertThat(engine.append(event("event 100", Severity.INFORMATIONAL))).isTrue();
        assertThat(engine.health().queuedRecords()).isZero();
        assertThat(engine.health().spoolRecords()).isEqualTo(3 + 101);

        // durable now: stopped while the receiver is down, they are all there for the next start
        engine.close();
        assertThat(engine.health().counters().droppedTotal()).isZero();
        server.start();
        engine = DeliveryEngine.start(settings(spool).build());
        List<ReceivedMessage> received = server.awaitMessages(3 + 101, WAIT);
        List<String> expected = new ArrayList<>(List.of("left 1", "left 2", "left 3"));
        for (int i = 0; i <= 100; i++) {
            expected.add("event " + i);
        }
        assertThat(received).extracting(ReceivedMessage::message).containsExactlyElementsOf(expected);
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
        assertThat(server.messages()).hasSize(3 + 101);
        // numbered again as they moved, after the ids memory had drawn (1-100) and the spool's highest (3): an id is
        // never given twice, whichever of the two is higher
        assertThat(received.get(3).sdParam("meta", "sequenceId")).contains("101");
        assertThat(received.get(3 + 100).sdParam("meta", "sequenceId")).contains("201");
    }

    @Test
    void withTheReceiverUpDeliveryGoesOnFromMemoryThenFromTheSpoolInOrder() throws Exception {
        Path spool = dir.resolve("spool");
        Spool holder = holdWith(spool, 0);
        engine = DeliveryEngine.start(settings(spool).build());
        for (int i = 0; i < 50; i++) {
            assertThat(engine.append(event("event " + i, Severity.INFORMATIONAL))).isTrue();
        }
        server.awaitMessages(50, WAIT);

        holder.close();
        // a stream meanwhile, one event per poll: the switch waits for what is in flight, loses and reorders nothing
        AtomicInteger next = new AtomicInteger(50);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(1)).until(() -> {
            assertThat(engine.append(event("event " + next.getAndIncrement(), Severity.INFORMATIONAL))).isTrue();
            return adopted();
        });
        for (int i = 0; i < 50; i++) {
            assertThat(engine.append(event("event " + next.getAndIncrement(), Severity.INFORMATIONAL))).isTrue();
        }
        int total = next.get();
        List<ReceivedMessage> received = server.awaitMessages(total, WAIT);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            expected.add("event " + i);
        }
        assertThat(received).extracting(ReceivedMessage::message).containsExactlyElementsOf(expected);
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
        assertThat(server.messages()).hasSize(total);
        assertThat(engine.health().counters().droppedTotal()).isZero();
        assertThat(engine.health().counters().resent()).isZero();
    }

    @Test
    void anUrgentEventHeldInMemoryOutsideTheWindowIsStillSentAtOnceFromTheSpool() throws Exception {
        server.stop();
        Path spool = dir.resolve("spool");
        Spool holder = holdWith(spool, 0);
        SwitchedWindow window = new SwitchedWindow();
        engine = DeliveryEngine.start(settings(spool).schedule(window)
                .urgency(UrgencyPolicy.atOrAbove(Severity.ERROR.code())).build());
        for (int i = 0; i < 10; i++) {
            assertThat(engine.append(event("event " + i, Severity.INFORMATIONAL))).isTrue();
        }
        assertThat(engine.append(event("urgent", Severity.ERROR))).isTrue();

        holder.close();
        await().atMost(WAIT).until(this::adopted);
        assertThat(engine.health().spoolRecords()).isEqualTo(11);
        server.start();
        assertThat(server.awaitMessages(1, WAIT).get(0).message()).isEqualTo("urgent");
        assertThat(engine.health().spoolRecords()).isGreaterThanOrEqualTo(10);

        window.open.set(true);
        server.awaitMessages(11, WAIT);
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
        assertThat(server.messages()).hasSize(11).extracting(ReceivedMessage::message).containsOnlyOnce("urgent");
    }

    /**
     * Four threads under {@code overflow=block} with the queue full while the receiver holds back its answers: the
     * spool, once open, waits a moment for the answers to what is in flight, then takes it back (sent again on a new
     * connection, counted as resent) and is taken into use; the blocked threads go on into it, and nothing is lost.
     */
    @Test
    void threadsBlockedOnAFullQueueGoOnIntoTheSpoolWhenTheAnswersDoNotCome() throws Exception {
        Path spool = dir.resolve("spool");
        Spool holder = holdWith(spool, 0);
        engine = DeliveryEngine.start(settings(spool).queueCapacity(1_000).overflow(OverflowPolicy.BLOCK)
                .urgency(UrgencyPolicy.atOrAbove(Severity.ERROR.code()))
                .transport(TransportSettings.builder().ackTimeout(Duration.ofSeconds(60))
                        .backoff(() -> Backoff.fixed(Duration.ofMillis(50))).build())
                .build());
        await().atMost(WAIT).until(() -> engine.health().state() == DeliveryState.DELIVERING);
        server.faults().withholdAcks();
        int threads = 4;
        int each = 3_000;
        List<Thread> appenders = startAppenders(threads, each);
        // the window out unanswered, the queue full: the appending threads wait
        await().atMost(WAIT).until(() -> engine.health().queuedRecords() >= 1_000);
        holder.close();
        await().atMost(WAIT).until(this::adopted);
        await().atMost(WAIT).until(() -> appenders.stream().noneMatch(Thread::isAlive));
        assertThat(engine.health().queuedRecords()).isZero();

        server.faults().resumeAcks();
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
        assertEveryEventArrived(threads, each);
        assertThat(engine.health().counters().droppedTotal()).isZero();
        assertThat(engine.health().counters().resent()).isPositive();
    }

    /**
     * The receiver goes away while messages sent from memory are unanswered: the spool, once open, is taken into use
     * at once (what was in flight goes back to be sent again), and what follows is spooled, not dropped.
     */
    @Test
    void withTheReceiverGoneWhatWasInFlightIsTakenBackAndTheSpoolIsTakenIntoUseAtOnce() throws Exception {
        Path spool = dir.resolve("spool");
        Spool holder = holdWith(spool, 0);
        engine = DeliveryEngine.start(settings(spool).queueCapacity(200).build());
        await().atMost(WAIT).until(() -> engine.health().state() == DeliveryState.DELIVERING);
        server.faults().withholdAcks();
        for (int i = 0; i < 20; i++) {
            assertThat(engine.append(event("event " + i, Severity.INFORMATIONAL))).isTrue();
        }
        server.awaitMessages(20, WAIT);
        server.kill();
        holder.close();
        await().atMost(WAIT).until(this::adopted);
        for (int i = 20; i < 1_000; i++) {
            assertThat(engine.append(event("event " + i, Severity.INFORMATIONAL))).isTrue();
        }
        assertThat(engine.health().spoolRecords()).isEqualTo(1_000);

        server.faults().resumeAcks();
        server.start();
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            expected.add("event " + i);
        }
        // the first 20 twice: recorded before the kill, unanswered, so sent again
        assertThat(server.messages()).extracting(ReceivedMessage::message).containsAll(expected)
                .hasSize(1_020);
        assertThat(engine.health().counters().droppedTotal()).isZero();
    }

    /**
     * Stopped while the spool, opened late, waits for answers that do not come: what memory holds goes into the spool
     * (at the stop, or when the wait ended just before) rather than being lost, and the next start delivers it.
     */
    @Test
    void aStopWhileTheSpoolWaitsForAnswersLeavesWhatMemoryHeldInTheSpool() throws Exception {
        Path spool = dir.resolve("spool");
        Spool holder = holdWith(spool, 0);
        engine = DeliveryEngine.start(settings(spool)
                .transport(TransportSettings.builder().ackTimeout(Duration.ofSeconds(60))
                        .backoff(() -> Backoff.fixed(Duration.ofMillis(50))).build())
                .shutdownTimeout(Duration.ofMillis(200)).build());
        await().atMost(WAIT).until(() -> engine.health().state() == DeliveryState.DELIVERING);
        server.faults().withholdAcks();
        for (int i = 0; i < 500; i++) {
            assertThat(engine.append(event("event " + i, Severity.INFORMATIONAL))).isTrue();
        }
        holder.close();
        await().atMost(WAIT).until(() -> heldByAnother(spool)); // opened, offers held
        engine.close();
        assertThat(diagnostics.messages).anySatisfy(m -> assertThat(m).startsWith("INFO ").contains("opened"));
        assertThat(engine.health().counters().droppedTotal()).isZero();

        server.faults().resumeAcks();
        server.restart();
        engine = DeliveryEngine.start(settings(spool).build());
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            expected.add("event " + i);
        }
        assertThat(server.messages()).extracting(ReceivedMessage::message).containsAll(expected);
    }

    private List<Thread> startAppenders(int threads, int each) {
        List<Thread> appenders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread appender = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    engine.append(event("t" + thread + " " + i, i % 10 == 0 ? Severity.ERROR : Severity.INFORMATIONAL));
                }
            }, "appender-" + t);
            appender.start();
            appenders.add(appender);
        }
        return appenders;
    }

    private static void assertEveryEventArrived(int threads, int each) {
        List<String> received = server.messages().stream().map(ReceivedMessage::message).toList();
        for (int t = 0; t < threads; t++) {
            List<String> all = new ArrayList<>();
            for (int i = 0; i < each; i++) {
                all.add("t" + t + " " + i);
            }
            assertThat(received).containsAll(all);
        }
    }

    /** Whether {@code spool} is open elsewhere in this JVM (if not, it is opened and closed again at once). */
    private static boolean heldByAnother(Path spool) {
        try {
            Spool.open(SpoolConfig.builder(spool).build()).close();
            return false;
        } catch (IOException e) {
            assertThat(e).hasMessageContaining("is in use");
            return true;
        }
    }
}
