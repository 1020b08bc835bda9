package dev.sluice.it.engine;

import static dev.sluice.it.engine.NumberedEvents.distinctNumbers;
import static dev.sluice.it.engine.NumberedEvents.duplicates;
import static dev.sluice.it.engine.NumberedEvents.event;
import static dev.sluice.it.engine.NumberedEvents.quickTransport;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.relp.server.ReceivedMessage;
import dev.sluice.relp.server.RelpTestServer;
import dev.sluice.transport.delivery.DeliveryEngine;
import dev.sluice.transport.delivery.EngineSettings;
import dev.sluice.transport.health.DropReason;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.syslog.Severity;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Overflow without a spool (issue 4, item 5): a long outage fills the memory queue, the rest is dropped and counted
 * exactly, the drop notice is the first thing the server sees when it returns, and the application thread never
 * waits, however far the queue overflows: every append returns while the receiver is still down, and the appending
 * thread neither parks nor blocks on a monitor per event (the JVM counts each time a thread does either).
 *
 * <p>What an append costs in time, and whether that grows with the outage, is measured by the benchmarks, not
 * here: {@code CallerCostBenchmark} with {@code receiver=down} appends as fast as it can, so the queue is full and
 * nearly every call is a drop, and {@code e2e.CallerLatency --receiver down} gives the percentiles of every call at
 * a steady rate (see BENCHMARKS.md).
 */
class EngineOverflowTest {

    /** Nine times the queue dropped after it filled: an overflow many times its size, as a long outage makes. */
    private static final int EVENTS = 100_000;
    private static final int CAPACITY = 10_000;
    private static final int DROPS = EVENTS - CAPACITY;
    /** A liveness bound: the appends take well under a second; one that waited for the receiver never returns. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final RelpTestServer server = RelpTestServer.builder().build();

    private DeliveryEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void appendsDuringAnOutageKeepTheQueueCountEveryDropAndNeverWait() {
        server.stop();
        long sessions = server.server().sessionsOpened();
        engine = DeliveryEngine.start(EngineSettings.builder("overflow")
                .targets(List.of(Target.parse(server.target()))).transport(quickTransport())
                .queueCapacity(CAPACITY).shutdownTimeout(Duration.ofSeconds(2)).build());

        // An application thread of its own, so that an append that waits shows as a failure, not as a hung build.
        AtomicLong accepted = new AtomicLong();
        AtomicLong waits = new AtomicLong(-1);
        DeliveryEngine e = engine;
        Thread application = new Thread(() -> {
            long before = waitsOfThisThread();
            for (int i = 0; i < EVENTS; i++) {
                if (e.append(event(i))) {
                    accepted.incrementAndGet();
                }
            }
            waits.set(waitsOfThisThread() - before);
        }, "application");
        application.setDaemon(true);
        application.start();
        await().atMost(WAIT).untilAsserted(() -> assertThat(application.isAlive())
                .as(() -> "the application thread is still in append() while the receiver is down: "
                        + stateOf(application)).isFalse());
        System.out.printf("overflow: %,d appends while the receiver was down, %,d accepted, %,d dropped; the"
                + " application thread parked or blocked %d times%n", EVENTS, accepted.get(),
                engine.counters().dropped(DropReason.QUEUE_FULL), waits.get());
        assertThat(server.server().sessionsOpened()).as("the receiver was down during every append")
                .isEqualTo(sessions);

        // Exact counts: the first CAPACITY stay in memory, every later one is dropped and counted as QUEUE_FULL.
        assertThat(accepted).hasValue(CAPACITY);
        assertThat(engine.counters().dropped(DropReason.QUEUE_FULL)).isEqualTo(DROPS);
        assertThat(engine.health().counters().accepted()).isEqualTo(CAPACITY);
        assertThat(engine.health().counters().droppedTotal()).isEqualTo(DROPS);
        assertThat(engine.health().queuedRecords()).isEqualTo(CAPACITY);

        // The caller did not wait for room, for the receiver or for a lock held across either: a drop is counted
        // and the call returns. An overflow that made each caller wait (for room, even briefly) parks it once per
        // drop, 90,000 times; an uncontended append parks never. The margin leaves room for a lock passed with
        // the delivery thread or a status report now and then.
        assertThat(waits.get()).as("times the application thread parked or blocked in %,d appends, %,d of them"
                + " drops", EVENTS, DROPS).isBetween(0L, DROPS / 100L);

        server.start();
        List<ReceivedMessage> received = server.awaitMessages(CAPACITY + 1, WAIT);
        ReceivedMessage notice = received.get(0);
        assertThat(notice.msgId()).isEqualTo("DROPPED");
        assertThat(notice.severity()).isEqualTo(Severity.WARNING.code());
        assertThat(notice.message())
                .isEqualTo(DROPS + " message(s) dropped by Sluice before this one: " + DROPS + " queue full");
        assertThat(distinctNumbers(received.subList(1, received.size())))
                .containsExactlyElementsOf(LongStream.range(0, CAPACITY).boxed().toList());
        assertThat(received.get(1).sdParam("meta", "sequenceId")).contains("1");

        await().atMost(WAIT).until(() -> engine.health().counters().acknowledged() == CAPACITY);
        assertThat(engine.health().queuedRecords()).isZero();
        assertThat(duplicates(server.messages())).isZero();
        assertThat(server.messages()).hasSize(CAPACITY + 1);
    }

    /** How many times the calling thread parked, waited or blocked on a monitor so far (counted by the JVM). */
    private static long waitsOfThisThread() {
        ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(Thread.currentThread().getId());
        return info.getWaitedCount() + info.getBlockedCount();
    }

    private static String stateOf(Thread thread) {
        return thread.getState() + Arrays.stream(thread.getStackTrace()).map(f -> "\n\tat " + f)
                .collect(Collectors.joining());
    }
}
