package dev.sluice.it.engine;

import dev.sluice.relp.server.RelpTestServer;
import dev.sluice.transport.delivery.DeliveryEngine;
import dev.sluice.transport.delivery.DeliveryEngines;
import dev.sluice.transport.delivery.EngineEvent;
import dev.sluice.transport.delivery.EngineSettings;
import dev.sluice.transport.health.AppenderListener;
import dev.sluice.transport.health.DeliveryState;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.spool.SpoolConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An engine whose delivery thread died, met again by the registry's {@code acquire}: by a reload of the configuration
 * (the same appender name, the same options: the new appender acquires, then the old one lets go), or by another
 * appender on the same targets and spool. Either must bring delivery back rather than share the stopped engine until
 * the JVM ends.
 */
class EngineStoppedByItselfTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final RelpTestServer server = RelpTestServer.builder().build();

    @TempDir
    Path dir;

    private final BreakableSchedule schedule = new BreakableSchedule();
    /** Breaks the delivery thread once the second event is accepted (before it is sent, as the receiver is down). */
    private final AppenderListener breakOnSecondEvent = new AppenderListener() {
        @Override
        public void accepted(long sequenceId) {
            if (sequenceId == 2) {
                schedule.broken.set(true);
            }
        }
    };

    /** The settings of an appender {@code name} made from one and the same configuration file, each time. */
    private EngineSettings settings(String name, boolean spool, RecordingDiagnostics diagnostics) {
        EngineSettings.Builder b = EngineSettings.builder(name).options("the same options")
                .targets(List.of(Target.parse(server.target())))
                .transport(NumberedEvents.quickTransport())
                .schedule(schedule).listener(breakOnSecondEvent).diagnostics(diagnostics)
                .shutdownTimeout(Duration.ofSeconds(2));
        if (spool) {
            b.spool(SpoolConfig.builder(dir).build());
        }
        return b.build();
    }

    private static EngineEvent event(int i) {
        return EngineEvent.of(NumberedEvents.event(i));
    }

    private static Set<Long> delivered() {
        return NumberedEvents.distinctNumbers(server.messages());
    }

    /**
     * Delivers event 0 through {@code lease}, then, with the receiver down, has event 1 accepted and the delivery
     * thread die before it sends anything: with a spool, event 1 stays there; without one, it is lost.
     *
     * @return the stopped engine
     */
    private DeliveryEngine kill(DeliveryEngines.Lease lease) {
        assertThat(lease.append(event(0))).isTrue();
        await().atMost(WAIT).until(() -> delivered().contains(0L));
        server.stop();
        assertThat(lease.append(event(1))).isTrue();
        server.start();
        DeliveryEngine stopped = lease.engine();
        await().atMost(WAIT).until(() -> stopped.health().state() == DeliveryState.STOPPED);
        assertThat(lease.append(event(2))).as("the stopped engine drops").isFalse();
        schedule.broken.set(false); // the bug does not strike the engine that replaces it
        return stopped;
    }

    /** Appends events 10 to 19 through {@code lease}, and waits for them, and for event 1 with a spool. */
    private static void appendAndAwaitDelivery(DeliveryEngines.Lease lease, boolean spool) {
        for (int i = 10; i < 20; i++) {
            assertThat(lease.append(event(i))).as("event %d, through the new lease", i).isTrue();
        }
        Set<Long> expected = LongStream.range(10, 20).boxed().collect(Collectors.toSet());
        if (spool) {
            expected.add(1L); // replayed from the spool
        }
        await().atMost(WAIT).until(() -> delivered().containsAll(expected));
    }

    private void reloadAlike(boolean spool) {
        DeliveryEngines registry = new DeliveryEngines(DeliveryEngine::start);
        RecordingDiagnostics oldChannel = new RecordingDiagnostics();
        RecordingDiagnostics newChannel = new RecordingDiagnostics();
        DeliveryEngines.Lease old = registry.acquire(settings("central", spool, oldChannel));
        DeliveryEngine stopped = kill(old);

        try (DeliveryEngines.Lease next = registry.acquire(settings("central", spool, newChannel))) {
            old.close();

            appendAndAwaitDelivery(next, spool);
            assertThat(next.engine()).isNotSameAs(stopped);
            assertThat(next.engine().health().state()).isNotEqualTo(DeliveryState.STOPPED);
            assertThat(next.engine().counters()).as("counted on").isSameAs(stopped.counters());
            assertThat(registry.runningCount()).isEqualTo(1);
            assertThat(oldChannel.messages).filteredOn(m -> m.contains("delivery thread failed")).hasSize(1);
            assertThat(newChannel.messages).filteredOn(m -> m.contains("had stopped")).hasSize(1);
            if (spool) {
                await().atMost(WAIT).until(() -> next.engine().health().spoolRecords() == 0);
            }
        }
        assertThat(registry.runningCount()).isZero();
    }

    @Test
    void aReloadAlikeReplacesAnEngineWhoseDeliveryThreadDied() {
        reloadAlike(false);
    }

    @Test
    void withASpoolTheEngineThatReplacesADeadOneDeliversWhatTheSpoolHeld() {
        reloadAlike(true);
    }

    @Test
    void anotherAppenderOnTheSameSpoolGetsANewEngineThoughTheStoppedOnesAppenderNeverLetsGo() {
        DeliveryEngines registry = new DeliveryEngines(DeliveryEngine::start);
        RecordingDiagnostics auditChannel = new RecordingDiagnostics();
        try (DeliveryEngines.Lease central = registry.acquire(settings("central", true, new RecordingDiagnostics()))) {
            DeliveryEngine stopped = kill(central);

            // "central" stays open: waiting for it to let go would be no remedy
            try (DeliveryEngines.Lease audit = registry.acquire(settings("audit", true, auditChannel))) {
                appendAndAwaitDelivery(audit, true);
                assertThat(central.append(event(20))).as("and the first appender logs again").isTrue();
                await().atMost(WAIT).until(() -> delivered().contains(20L));
                assertThat(audit.engine()).isNotSameAs(stopped).isSameAs(central.engine());
                assertThat(auditChannel.messages).filteredOn(m -> m.contains("had stopped")).hasSize(1);
                assertThat(registry.runningCount()).isEqualTo(1);
            }
        }
        assertThat(registry.runningCount()).isZero();
    }
}
