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
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full spool at engine level (issue 4, item 3): with a tiny {@code maxSize} and the server down, {@code dropNewest}
 * drops what does not fit, counts it as {@code SPOOL_FULL}, never throws into the application, and what was
 * spooled is delivered intact when the server returns.
 */
class EngineSpoolFullTest {

    private static final long MAX_SIZE = 64 * 1024;
    private static final long SEGMENT_SIZE = 16 * 1024;
    private static final int EVENTS = 5_000;
    private static final Duration WAIT = Duration.ofSeconds(30);

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
}
