package dev.sluice.it.engine;

import static dev.sluice.it.engine.NumberedEvents.distinctNumbers;
import static dev.sluice.it.engine.NumberedEvents.duplicates;
import static dev.sluice.it.engine.NumberedEvents.event;
import static dev.sluice.it.engine.NumberedEvents.quickTransport;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.it.transport.CountingBackoff;
import dev.sluice.relp.server.ReceivedMessage;
import dev.sluice.relp.server.RelpTestServer;
import dev.sluice.transport.delivery.DeliveryEngine;
import dev.sluice.transport.delivery.EngineSettings;
import dev.sluice.transport.delivery.FailoverPolicy;
import dev.sluice.transport.health.DropReason;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.spool.SpoolConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Failover between two RELP servers (issue 4, item 6): a down primary sends everything to the secondary,
 * {@code preferPrimary} goes back after {@code primaryRetry}, and across every switch each event arrives at least
 * once on one of the two servers. {@code roundRobin} moves on only when its current target fails.
 */
class EngineFailoverTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final RelpTestServer primary = RelpTestServer.builder().build();
    @RegisterExtension
    final RelpTestServer secondary = RelpTestServer.builder().build();

    private DeliveryEngine engine;
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    private EngineSettings.Builder settings(FailoverPolicy policy, Duration primaryRetry) {
        return EngineSettings.builder("failover-" + policy)
                .targets(List.of(Target.parse(primary.target()), Target.parse(secondary.target())))
                .transport(quickTransport()).failover(policy).primaryRetry(primaryRetry)
                .shutdownTimeout(Duration.ofSeconds(2));
    }

    private Set<Long> bothServers() {
        List<ReceivedMessage> all = new ArrayList<>(primary.messages());
        all.addAll(secondary.messages());
        return distinctNumbers(all);
    }

    private static List<Long> range(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    private void append(long from, long to) {
        for (long i = from; i < to; i++) {
            assertThat(engine.append(event(i))).isTrue();
        }
    }

    @Test
    void preferPrimaryUsesTheSecondaryWhileThePrimaryIsDownGoesBackAfterPrimaryRetryAndLosesNothing() {
        primary.stop();
        engine = DeliveryEngine.start(settings(FailoverPolicy.PREFER_PRIMARY, Duration.ofSeconds(1)).build());

        // 1. Primary down: everything reaches the secondary.
        append(0, 1_000);
        await().atMost(WAIT).until(() -> distinctNumbers(secondary.messages()).size() == 1_000);
        assertThat(primary.messages()).isEmpty();

        // 2. Primary back: after primaryRetry the engine returns to it, and new events go there. (It has been trying
        //    the primary every primaryRetry meanwhile, so no lower bound holds from here: see
        //    preferPrimaryStaysOnTheSecondaryForPrimaryRetryEvenWhenThePrimaryIsBackAtOnce.)
        long backAt = System.nanoTime();
        primary.start();
        await().atMost(WAIT).until(() -> primary.server().activeSessions() > 0);
        System.out.printf("failover: back on the primary %d ms after it returned (primaryRetry 1 s)%n",
                Duration.ofNanos(System.nanoTime() - backAt).toMillis());
        int secondaryBefore = secondary.messages().size();
        append(1_000, 2_000);
        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).containsAll(range(1_000, 2_000)));
        assertThat(distinctNumbers(secondary.messages())).doesNotContainAnyElementsOf(range(1_000, 2_000));
        assertThat(secondary.messages()).hasSize(secondaryBefore);

        // 3. Primary killed mid-stream (connection reset, unacknowledged frames lost with it): the engine goes to
        //    the secondary, tries the primary again every second, and with RELP nothing is lost.
        append(2_000, 7_000);
        primary.kill();
        append(7_000, 12_000);
        await().atMost(WAIT).until(() -> bothServers().size() == 12_000);
        assertThat(bothServers()).containsExactlyElementsOf(range(0, 12_000));
        assertThat(distinctNumbers(secondary.messages())).containsAnyElementsOf(range(7_000, 12_000));
        assertThat(engine.counters().dropped(DropReason.QUEUE_FULL)).isZero();

        // 4. Primary back again: new events go to it.
        primary.start();
        await().atMost(WAIT).until(() -> primary.server().activeSessions() > 0);
        int secondaryNow = secondary.messages().size();
        append(12_000, 13_000);
        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).containsAll(range(12_000, 13_000)));
        assertThat(secondary.messages()).hasSize(secondaryNow);

        List<ReceivedMessage> all = new ArrayList<>(primary.messages());
        all.addAll(secondary.messages());
        System.out.printf("failover: %d events, %d on the primary, %d on the secondary, %d duplicates, "
                + "%d resent, %d reconnects%n", 13_000, distinctNumbers(primary.messages()).size(),
                distinctNumbers(secondary.messages()).size(), duplicates(all),
                engine.health().counters().resent(), engine.health().counters().reconnects());
        assertThat(distinctNumbers(all)).containsExactlyElementsOf(range(0, 13_000));
        // secondary, primary, secondary, primary at least: every session after the first is a reconnect
        assertThat(engine.health().counters().reconnects()).isGreaterThanOrEqualTo(3);
    }

    /**
     * {@code preferPrimary} goes back to the primary only after {@code primaryRetry} on the secondary, even when the
     * primary is back at once. Measured from before the primary's stop, so from before the switch it causes: a lower
     * bound, which a slow machine only makes longer. {@code primaryRetry} is well above the delivery thread's longest
     * park (1 s), so an engine that went back without waiting would be back before it.
     */
    @Test
    void preferPrimaryStaysOnTheSecondaryForPrimaryRetryEvenWhenThePrimaryIsBackAtOnce() {
        Duration primaryRetry = Duration.ofSeconds(3);
        engine = DeliveryEngine.start(settings(FailoverPolicy.PREFER_PRIMARY, primaryRetry).build());
        append(0, 100);
        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).size() == 100);

        long beforeSwitch = System.nanoTime();
        long secondarySessions = secondary.server().sessionsOpened();
        primary.stop();
        await().atMost(WAIT).until(() -> secondary.server().sessionsOpened() > secondarySessions);
        primary.start();
        append(100, 200);
        await().atMost(WAIT).until(() -> primary.server().activeSessions() > 0);
        assertThat(Duration.ofNanos(System.nanoTime() - beforeSwitch))
                .as("from the primary's stop to the engine's return to it").isGreaterThanOrEqualTo(primaryRetry);

        // what came meanwhile went to the secondary; what comes now goes to the primary; nothing is lost
        append(200, 300);
        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).containsAll(range(200, 300)));
        assertThat(bothServers()).containsExactlyElementsOf(range(0, 300));
        assertThat(distinctNumbers(secondary.messages())).containsAnyElementsOf(range(100, 200))
                .doesNotContainAnyElementsOf(range(200, 300));
    }

    /**
     * A switch closes the old transport and offers what it held again on the new target: the frames the primary
     * took without acknowledging are sent a second time, and {@code resent} (JMX {@code Resent}) must say so, once
     * each, while the messages the primary never saw are not resends. The primary withholds its acks, so exactly a
     * window of frames is out when it stops; its stop (then two refused reconnects) is what forces the switch.
     */
    @ParameterizedTest(name = "spool: {0}")
    @ValueSource(booleans = {false, true})
    void aSwitchCountsWhatThePrimaryTookWithoutAcknowledgingAsResentOnceAndTheSecondaryGetsEverything(
            boolean spooled) {
        int window = 16;
        int events = 100;
        primary.faults().withholdAcks();
        // an ackTimeout far away: the primary's session must not end (and its frames be resent to it) on its own
        EngineSettings.Builder b = settings(FailoverPolicy.PREFER_PRIMARY, Duration.ofMinutes(5))
                .transport(quickTransport().toBuilder().windowSize(window).ackTimeout(Duration.ofMinutes(5)).build());
        if (spooled) {
            b.spool(SpoolConfig.builder(dir.resolve("spool")).build());
        }
        engine = DeliveryEngine.start(b.build());
        append(0, events);
        await().atMost(WAIT).until(() -> primary.messages().size() == window);
        assertThat(engine.counters().snapshot().resent()).isZero();

        primary.stop();
        await().atMost(WAIT).until(() -> distinctNumbers(secondary.messages()).size() == events);

        assertThat(distinctNumbers(secondary.messages())).containsExactlyElementsOf(range(0, events));
        assertThat(secondary.messages()).hasSize(events);
        assertThat(primary.messages()).hasSize(window);
        assertThat(engine.counters().snapshot().resent()).isEqualTo(window);
        assertThat(engine.counters().snapshot().acknowledged()).isEqualTo(events);
    }

    /**
     * A primary that answers RELP's {@code open} and closes each session at once, before it answers any message (a
     * proxy whose backend refuses it): each session is reported connected but never proves healthy, and failover
     * counts it as a failed attempt, so the engine moves to the secondary, which gets everything. Before, each
     * connected session made the primary count as reachable again, and the engine stayed on it for ever.
     */
    @Test
    void aPrimaryThatClosesEachSessionRightAfterOpenIsLeftForTheSecondary() {
        primary.faults().closeEachSessionAfterOpen();
        engine = DeliveryEngine.start(settings(FailoverPolicy.PREFER_PRIMARY, Duration.ofMinutes(5)).build());
        append(0, 100);
        await().atMost(WAIT).until(() -> distinctNumbers(secondary.messages()).size() == 100);
        assertThat(distinctNumbers(secondary.messages())).containsExactlyElementsOf(range(0, 100));
        assertThat(primary.messages()).isEmpty();
        assertThat(primary.server().sessionsOpened()).as("sessions the primary opened and closed").isPositive();
        await().atMost(WAIT).until(() -> engine.counters().snapshot().acknowledged() == 100);
    }

    /**
     * A primary that answers {@code open} and then no message (rsyslog whose queue is full and blocks, an output hung
     * behind {@code imrelp}): each session ends by {@code ackTimeout} without proving healthy, and failover counts it
     * as a failed attempt, so the engine moves to the secondary, which gets everything. Before, the engine stayed on
     * the primary for ever, sending its window again every {@code ackTimeout}.
     */
    @Test
    void aPrimaryThatLeavesEveryFrameUnansweredIsLeftForTheSecondary() {
        primary.faults().withholdAcks();
        engine = DeliveryEngine.start(settings(FailoverPolicy.PREFER_PRIMARY, Duration.ofMinutes(5))
                .transport(quickTransport().toBuilder().ackTimeout(Duration.ofMillis(500)).build()).build());
        append(0, 100);
        await().atMost(WAIT).until(() -> distinctNumbers(secondary.messages()).size() == 100);
        assertThat(distinctNumbers(secondary.messages())).containsExactlyElementsOf(range(0, 100));
        assertThat(primary.messages()).as("taken by the primary, never answered").isNotEmpty();
        await().atMost(WAIT).until(() -> engine.counters().snapshot().acknowledged() == 100);
    }

    @Test
    void roundRobinStaysOnTheTargetThatWorksAndMovesOnOnlyWhenItFails() {
        primary.stop();
        engine = DeliveryEngine.start(settings(FailoverPolicy.ROUND_ROBIN, Duration.ofMillis(500)).build());

        append(0, 500);
        await().atMost(WAIT).until(() -> distinctNumbers(secondary.messages()).size() == 500);

        // The first target is back, but round robin has no preferred target: it stays where it is (well past the
        // primaryRetry that preferPrimary would use).
        primary.start();
        await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(3))
                .until(() -> primary.server().activeSessions() == 0);
        append(500, 1_000);
        await().atMost(WAIT).until(() -> distinctNumbers(secondary.messages()).size() == 1_000);
        assertThat(primary.messages()).isEmpty();

        // The second target fails: the next in the ring takes over.
        secondary.stop();
        append(1_000, 1_500);
        await().atMost(WAIT).until(() -> distinctNumbers(primary.messages()).containsAll(range(1_000, 1_500)));
        assertThat(bothServers()).containsExactlyElementsOf(range(0, 1_500));
        Set<Long> onBoth = new TreeSet<>(distinctNumbers(primary.messages()));
        onBoth.retainAll(distinctNumbers(secondary.messages()));
        System.out.printf("roundRobin: 1,500 events, %d on both targets (resent around the switch)%n",
                onBoth.size());
    }

    /**
     * Both targets down: failover opens one transport after another, and they all take their delays from one
     * backoff, so the delays keep growing towards {@code reconnectDelay} across the switches instead of each new
     * transport starting again from the shortest (about four attempts a second, for ever).
     */
    @Test
    void withEveryTargetDownTheDelaysGrowAcrossSwitches() {
        primary.stop();
        secondary.stop();
        java.util.concurrent.atomic.AtomicInteger made = new java.util.concurrent.atomic.AtomicInteger();
        CountingBackoff counting = new CountingBackoff();
        engine = DeliveryEngine.start(settings(FailoverPolicy.ROUND_ROBIN, Duration.ofMinutes(5))
                .transport(quickTransport().toBuilder().backoff(() -> {
                    made.incrementAndGet();
                    return counting;
                }).build()).build());
        append(0, 10);
        // two failed attempts per target before a switch: this many failures mean several switches
        await().atMost(WAIT).until(() -> counting.delays() >= 8);
        assertThat(made.get()).as("backoffs made: one for the engine, whatever the switches").isEqualTo(1);
        assertThat(counting.resets()).as("no session opened").isZero();

        secondary.start();
        await().atMost(WAIT).until(() -> bothServers().size() == 10);
        // reset once the session proved healthy: by the answers, which reach us after the server recorded the frames
        await().atMost(WAIT).until(() -> counting.resets() > 0);
    }
}
