package dev.sluice.it.appender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.relp.server.MessageSink;
import dev.sluice.relp.server.ReceivedMessage;
import dev.sluice.relp.server.RelpTestServer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both appenders, RELP with a spool each, under 16 logging threads while the server is stopped in the middle of
 * the run and started again: every event arrives at least once, nothing is dropped, and no caller waits on the
 * network. The run is in three phases, each thread logging {@value #DEFAULT_EVENTS_PER_PHASE} events through each
 * appender in each: the server is stopped while the threads log the first; the second starts once both appenders
 * report {@code DISCONNECTED} and must end while the server is still down, which a caller that waited for the
 * network (a connect or an acknowledgement) cannot do; the server is started before the third.
 *
 * <p>What a log call costs the caller, with the receiver up or down and under several threads, is measured by the
 * benchmarks, not here: {@code e2e.CallerLatency --threads N --receiver up|down sluiceRelpSpool} (percentiles of
 * every call) and {@code CallerCostBenchmark} (see BENCHMARKS.md). {@code -Dsluice.it.load.eventsPerPhase=N}
 * changes the size of the run (it once logged 3,200,000 events, about 100 s of a 2-core machine, to time calls).
 */
class AppenderLoadTest {

    private static final int THREADS = 16;
    static final int DEFAULT_EVENTS_PER_PHASE = 2_000;
    private static final int EVENTS_PER_PHASE = Integer.getInteger("sluice.it.load.eventsPerPhase",
            DEFAULT_EVENTS_PER_PHASE);
    private static final int PHASES = 3;
    private static final int EVENTS_PER_THREAD = PHASES * EVENTS_PER_PHASE;
    /** Liveness bounds for a slow 2-core machine, not figures: a phase takes a second or two. */
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Which events arrived, by front-end (0 Log4j2, 1 Logback) and thread; fed on the server's I/O threads. */
    private static final Received RECEIVED = new Received();

    @RegisterExtension
    static final RelpTestServer SERVER = RelpTestServer.builder().recordMessages(false).sink(RECEIVED).build();

    @TempDir
    Path spool;

    private final List<FrontEnd> frontEnds = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<CountDownLatch> gates = new ArrayList<>();
    /** Per thread, the phases it has finished. */
    private final AtomicIntegerArray phasesDone = new AtomicIntegerArray(THREADS);
    /** Set when the test ends, so that threads left behind by a failed phase leave. */
    private volatile boolean ended;

    /**
     * The build runs with paranoid leak detection, which records a stack trace per buffer operation: on millions of
     * frames and answers it, not the appenders, set the pace. Leaks are the other tests' business; this one runs
     * with Netty's production default.
     */
    private ResourceLeakDetector.Level configuredLeakDetection;

    @BeforeEach
    void productionLeakDetection() {
        configuredLeakDetection = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
    }

    @AfterEach
    void closeFrontEnds() {
        // Only if a phase failed: threads waiting at a gate leave, and calls that wait for the server get it back,
        // so that closing the contexts (Log4j2 waits for the calls in progress) cannot hang the build.
        ended = true;
        gates.forEach(CountDownLatch::countDown);
        SERVER.start();
        frontEnds.forEach(FrontEnd::close);
        ResourceLeakDetector.setLevel(configuredLeakDetection);
    }

    @Test
    void everyEventArrivesAndNoCallerWaitsWhileTheServerIsDownMidRun() {
        System.setProperty("sluice.it.target", SERVER.target());
        System.setProperty("sluice.it.spool", spool.toString());
        FrontEnd log4j2 = FrontEnd.log4j2("/load-log4j2.xml", "load.log4j2");
        frontEnds.add(log4j2);
        FrontEnd logback = FrontEnd.logback("/load-logback.xml", "load.logback");
        frontEnds.add(logback);
        Health log4j2Health = new Health("load-log4j2");
        Health logbackHealth = new Health("load-logback");
        List<Health> healths = List.of(log4j2Health, logbackHealth);
        long total = 2L * THREADS * EVENTS_PER_THREAD;
        long perPhase = 2L * THREADS * EVENTS_PER_PHASE;

        AtomicLong logged = new AtomicLong();
        CountDownLatch[] go = new CountDownLatch[PHASES];
        CountDownLatch[] done = new CountDownLatch[PHASES];
        for (int p = 0; p < PHASES; p++) {
            go[p] = new CountDownLatch(1);
            done[p] = new CountDownLatch(THREADS);
            gates.add(go[p]);
        }
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                for (int p = 0; p < PHASES; p++) {
                    awaitQuietly(go[p]);
                    for (int i = p * EVENTS_PER_PHASE; i < (p + 1) * EVENTS_PER_PHASE; i++) {
                        if (ended) {
                            return;
                        }
                        log4j2.info("L " + thread + " " + i);
                        logback.info("B " + thread + " " + i);
                        logged.addAndGet(2);
                    }
                    phasesDone.set(thread, p + 1);
                    done[p].countDown();
                }
            }, "load-" + t);
            worker.setDaemon(true);
            threads.add(worker);
            worker.start();
        }

        // Phase 1: the server goes down while the threads log.
        go[0].countDown();
        await().atMost(WAIT).until(() -> logged.get() >= perPhase / 2);
        SERVER.stop();
        long stoppedAt = logged.get();
        awaitPhase(done, 0, "phase 1");
        await().atMost(WAIT).untilAsserted(() -> assertThat(healths)
                .as("both appenders know that the server is down").allMatch(h -> h.state().equals("DISCONNECTED")));

        // Phase 2: every thread logs its share while both appenders know the server is down, and is done before it
        // comes back: no log call waited for the network.
        go[1].countDown();
        awaitPhase(done, 1, "phase 2, with the server down");
        assertThat(healths).as("still down").allMatch(h -> h.state().equals("DISCONNECTED"));

        // Phase 3: the server is back; every event of the three phases arrives.
        long restartedAt = logged.get();
        SERVER.start();
        go[2].countDown();
        awaitPhase(done, 2, "phase 3");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(RECEIVED.distinct()).as("distinct events received; health: %s, %s",
                        log4j2Health, logbackHealth).isEqualTo(total));

        System.out.printf(Locale.ROOT, "AppenderLoadTest: %d threads x %d events x 2 appenders = %d events;"
                + " server stopped after %d, started after %d logged; received %d (%d duplicates);"
                + " reconnects log4j2 %d / logback %d%n", THREADS, EVENTS_PER_THREAD, total, stoppedAt, restartedAt,
                RECEIVED.total(), RECEIVED.total() - total, log4j2Health.number("Reconnects"),
                logbackHealth.number("Reconnects"));
        assertThat(RECEIVED.malformed()).as("messages without a load marker").isZero();
        assertThat(SERVER.server().sessionsOpened()).as("sessions: one each before, one each after").isGreaterThanOrEqualTo(4);
        for (Health health : healths) {
            assertThat(health.number("Dropped")).isZero();
            assertThat(health.number("Accepted")).isEqualTo(total / 2);
        }
    }

    /** Waits for every thread to finish phase {@code p}; on failure, says where those still in it are. */
    private void awaitPhase(CountDownLatch[] done, int p, String phase) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(done[p].getCount())
                .as(() -> "threads still logging in " + phase + ":" + stillIn(p)).isZero());
    }

    private String stillIn(int p) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < THREADS; i++) {
            Thread t = threads.get(i);
            if (phasesDone.get(i) <= p) {
                b.append("\n").append(t.getName()).append(' ').append(t.getState());
                StackTraceElement[] stack = t.getStackTrace();
                for (int f = 0; f < Math.min(stack.length, 12); f++) {
                    b.append("\n\tat ").append(stack[f]);
                }
            }
        }
        return b.toString();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Marks "L|B thread counter" messages in one bit set per front-end and thread. */
    private static final class Received implements MessageSink {
        private final BitSet[][] seen = new BitSet[2][THREADS];
        private long total;
        private long distinct;
        private long malformed;

        Received() {
            for (BitSet[] perFrontEnd : seen) {
                for (int t = 0; t < THREADS; t++) {
                    perFrontEnd[t] = new BitSet();
                }
            }
        }

        @Override
        public synchronized void accept(ReceivedMessage message) {
            total++;
            String[] parts = message.message().split(" ");
            if (parts.length != 3 || !(parts[0].equals("L") || parts[0].equals("B"))) {
                malformed++;
                return;
            }
            BitSet bits = seen[parts[0].equals("L") ? 0 : 1][Integer.parseInt(parts[1])];
            int counter = Integer.parseInt(parts[2]);
            if (!bits.get(counter)) {
                bits.set(counter);
                distinct++;
            }
        }

        synchronized long total() {
            return total;
        }

        synchronized long distinct() {
            return distinct;
        }

        synchronized long malformed() {
            return malformed;
        }
    }
}
