package dev.sluice.it.engine;

import static dev.sluice.it.engine.NumberedEvents.distinctNumbers;
import static dev.sluice.it.engine.NumberedEvents.duplicates;
import static dev.sluice.it.engine.NumberedEvents.event;
import static dev.sluice.it.engine.NumberedEvents.quickTransport;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.it.engine.NumberedEvents.Percentiles;
import dev.sluice.relp.server.ReceivedMessage;
import dev.sluice.relp.server.RelpTestServer;
import dev.sluice.transport.delivery.DeliveryEngine;
import dev.sluice.transport.delivery.EngineSettings;
import dev.sluice.transport.health.DropReason;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.syslog.Severity;
import dev.sluice.transport.syslog.SyslogMessage;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Overflow without a spool (issue 4, item 5): a long outage fills the memory queue, the rest is dropped and counted
 * exactly, the drop notice is the first thing the server sees when it returns, and the application thread's cost
 * per {@code append} does not grow with the outage.
 */
class EngineOverflowTest {

    private static final int EVENTS = 1_000_000;
    private static final int CAPACITY = 10_000;
    private static final int SLICE = 100_000;
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
    void aMillionAppendsDuringAnOutageKeepTheQueueCountEveryDropAndNeverSlowTheCaller() {
        server.stop();
        engine = DeliveryEngine.start(EngineSettings.builder("overflow")
                .targets(List.of(Target.parse(server.target()))).transport(quickTransport())
                .queueCapacity(CAPACITY).shutdownTimeout(Duration.ofSeconds(2)).build());

        long[] nanos = new long[EVENTS];
        int accepted = 0;
        long started = System.nanoTime();
        for (int i = 0; i < EVENTS; i++) {
            SyslogMessage m = event(i); // the application builds its event anyway; only append() is timed
            long t0 = System.nanoTime();
            boolean ok = engine.append(m);
            nanos[i] = System.nanoTime() - t0;
            if (ok) {
                accepted++;
            }
        }
        Duration appending = Duration.ofNanos(System.nanoTime() - started);

        Percentiles first = Percentiles.of(nanos, 0, SLICE);
        Percentiles last = Percentiles.of(nanos, EVENTS - SLICE, EVENTS);
        Percentiles all = Percentiles.of(nanos, 0, EVENTS);
        System.out.printf("overflow: %,d appends in %d ms while the server was down; %,d accepted, %,d dropped%n"
                + "  append, all:             %s%n  append, first 100,000:   %s%n  append, last 100,000:    %s%n",
                EVENTS, appending.toMillis(), accepted, engine.counters().dropped(DropReason.QUEUE_FULL), all,
                first, last);

        // Exact counts: the first CAPACITY stay in memory, every later one is dropped and counted as QUEUE_FULL.
        assertThat(accepted).isEqualTo(CAPACITY);
        assertThat(engine.counters().dropped(DropReason.QUEUE_FULL)).isEqualTo(EVENTS - CAPACITY);
        assertThat(engine.health().counters().accepted()).isEqualTo(CAPACITY);
        assertThat(engine.health().counters().droppedTotal()).isEqualTo(EVENTS - CAPACITY);
        assertThat(engine.health().queuedRecords()).isEqualTo(CAPACITY);

        // The caller's cost does not grow with the outage: the last 100,000 appends (queue full for 890,000
        // events) are no slower than the first 100,000 (cold JIT included), within a loose factor that a busy
        // 2-core machine keeps. The absolute figures are printed above.
        assertThat(last.p999()).as("p99.9 of the last 100,000 appends vs the first: %s vs %s", last, first)
                .isLessThan(Math.max(5 * first.p999(), Duration.ofMillis(1).toNanos()));
        assertThat(all.p999()).as("p99.9 of all appends").isLessThan(Duration.ofMillis(5).toNanos());

        server.start();
        List<ReceivedMessage> received = server.awaitMessages(CAPACITY + 1, WAIT);
        ReceivedMessage notice = received.get(0);
        assertThat(notice.msgId()).isEqualTo("DROPPED");
        assertThat(notice.severity()).isEqualTo(Severity.WARNING.code());
        assertThat(notice.message())
                .isEqualTo("990000 message(s) dropped by Sluice before this one: 990000 queue full");
        assertThat(distinctNumbers(received.subList(1, received.size())))
                .containsExactlyElementsOf(LongStream.range(0, CAPACITY).boxed().toList());
        assertThat(received.get(1).sdParam("meta", "sequenceId")).contains("1");

        await().atMost(WAIT).until(() -> engine.health().counters().acknowledged() == CAPACITY);
        assertThat(engine.health().queuedRecords()).isZero();
        assertThat(duplicates(server.messages())).isZero();
        assertThat(server.messages()).hasSize(CAPACITY + 1);
    }
}
