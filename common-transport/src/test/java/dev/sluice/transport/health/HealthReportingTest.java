package dev.sluice.transport.health;

import dev.sluice.transport.delivery.FakeClock;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;

import static org.assertj.core.api.Assertions.assertThat;

class HealthReportingTest {

    static final class RecordingDiagnostics implements Diagnostics {
        final List<String> warnings = new ArrayList<>();
        final List<String> errors = new ArrayList<>();
        final List<String> infos = new ArrayList<>();

        @Override
        public void warn(String message, Throwable cause) {
            warnings.add(message);
        }

        @Override
        public void error(String message, Throwable cause) {
            errors.add(message);
        }

        @Override
        public void info(String message) {
            infos.add(message);
        }
    }

    @Test
    void countersCountEveryKindOfEvent() {
        Counters c = new Counters();
        c.accepted(1);
        c.accepted(2);
        c.delivered(1);
        c.acknowledged(1);
        c.resent(2);
        c.rejected(2, "500 no");
        c.truncated(2, 9000, 8192);
        c.dropped(DropReason.QUEUE_FULL, 5);
        c.dropped(DropReason.SPOOL_FULL, 2);
        c.connected("relp://a:1", false);
        c.connected("relp://a:1", true);
        c.tlsFailure("relp://a:1", "untrusted");

        Health.CountersSnapshot s = c.snapshot();
        assertThat(s.accepted()).isEqualTo(2);
        assertThat(s.delivered()).isEqualTo(1);
        assertThat(s.acknowledged()).isEqualTo(1);
        assertThat(s.resent()).isEqualTo(1);
        assertThat(s.rejected()).isEqualTo(1);
        assertThat(s.truncated()).isEqualTo(1);
        assertThat(s.dropped()).containsEntry(DropReason.QUEUE_FULL, 5L).containsEntry(DropReason.SPOOL_FULL, 2L)
                .containsEntry(DropReason.SHUTDOWN, 0L);
        assertThat(s.droppedTotal()).isEqualTo(7);
        assertThat(s.reconnects()).isEqualTo(1);
        assertThat(s.tlsFailures()).isEqualTo(1);
    }

    @Test
    void statusMessagesOfOneKindAreRateLimitedAndSaySoHowManyWereSuppressed() {
        FakeClock clock = FakeClock.at("2026-11-27T12:00:00Z");
        RecordingDiagnostics d = new RecordingDiagnostics();
        StatusReporter reporter = new StatusReporter("central", d, clock, Duration.ofSeconds(30));

        reporter.dropped(DropReason.QUEUE_FULL, 3);
        reporter.dropped(DropReason.QUEUE_FULL, 1);
        reporter.dropped(DropReason.QUEUE_FULL, 1);
        reporter.dropped(DropReason.SPOOL_FULL, 1);
        assertThat(d.warnings).containsExactly(
                "RemoteSyslog[central]: 3 event(s) dropped: queue full",
                "RemoteSyslog[central]: 1 event(s) dropped: spool full");

        clock.advance(Duration.ofSeconds(31));
        reporter.dropped(DropReason.QUEUE_FULL, 4);
        assertThat(d.warnings).last().isEqualTo(
                "RemoteSyslog[central]: 4 event(s) dropped: queue full (2 more drop reports since the last report)");
    }

    @Test
    void dropsReportedFromManyThreadsAtOnceAreLetThroughOnceAndEverySuppressedOneIsCounted() throws Exception {
        FakeClock clock = FakeClock.at("2026-11-27T12:00:00Z");
        RecordingDiagnostics d = new RecordingDiagnostics();
        StatusReporter reporter = new StatusReporter("central", d, clock, Duration.ofSeconds(30));
        int threads = 4;
        int each = 20_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < each; i++) {
                    reporter.dropped(DropReason.QUEUE_FULL, 1);
                }
            });
            th.start();
            running.add(th);
        }
        for (Thread th : running) {
            th.join();
        }
        assertThat(d.warnings).containsExactly("RemoteSyslog[central]: 1 event(s) dropped: queue full");

        clock.advance(Duration.ofSeconds(31));
        reporter.dropped(DropReason.QUEUE_FULL, 1);
        assertThat(d.warnings).last().isEqualTo("RemoteSyslog[central]: 1 event(s) dropped: queue full ("
                + (threads * each - 1) + " more drop reports since the last report)");
    }

    @Test
    void tlsFailuresAreErrorsAndAReconnectAfterAFailureIsReportedOnce() {
        RecordingDiagnostics d = new RecordingDiagnostics();
        StatusReporter reporter = new StatusReporter("central", d, FakeClock.at("2026-11-27T12:00:00Z"), Duration.ofSeconds(30));
        reporter.tlsFailure("relp+tls://logs:2514", "peer name not permitted");
        reporter.disconnected("relp+tls://logs:2514", "connection refused");
        reporter.connected("relp+tls://logs:2514", true);
        assertThat(d.errors).containsExactly(
                "RemoteSyslog[central]: TLS with relp+tls://logs:2514 failed: peer name not permitted");
        assertThat(d.warnings).containsExactly(
                "RemoteSyslog[central]: cannot deliver to relp+tls://logs:2514: connection refused");
        assertThat(d.infos).containsExactly("RemoteSyslog[central]: delivering to relp+tls://logs:2514 again");
    }

    @Test
    void theMBeanShowsAFreshSnapshotUnderItsDocumentedName() throws Exception {
        Counters counters = new Counters();
        Instant ack = Instant.parse("2026-11-27T11:59:00Z");
        Health[] health = new Health[1];
        Runnable refresh = () -> health[0] = new Health(DeliveryState.WAITING_FOR_WINDOW, 3, 300, 10, 4096,
                Duration.ofMinutes(5), ack, Instant.parse("2026-11-27T22:00:00Z"), counters.snapshot());
        refresh.run();
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("dev.sluice:type=RemoteSyslog,name=central");
        try (AutoCloseable registration = Jmx.register("central", () -> {
            refresh.run();
            return health[0];
        }, Diagnostics.NONE)) {
            counters.dropped(DropReason.SPOOL_FULL, 2);
            assertThat(server.getAttribute(name, "State")).isEqualTo("WAITING_FOR_WINDOW");
            assertThat(server.getAttribute(name, "SpoolRecords")).isEqualTo(10L);
            assertThat(server.getAttribute(name, "OldestUndeliveredAgeMillis")).isEqualTo(300_000L);
            assertThat(server.getAttribute(name, "LastAcknowledged")).isEqualTo("2026-11-27T11:59:00Z");
            assertThat(server.getAttribute(name, "NextWindowOpening")).isEqualTo("2026-11-27T22:00:00Z");
            assertThat(server.getAttribute(name, "Dropped")).isEqualTo(2L);
        }
        assertThat(server.isRegistered(name)).isFalse();
    }

    @Test
    void aNameJmxCannotTakeAsIsIsQuoted() {
        assertThat(Jmx.objectName("a,b=c").toString()).isEqualTo("dev.sluice:type=RemoteSyslog,name=\"a,b=c\"");
        assertThat(Jmx.objectName("central-1").getKeyProperty("name")).isEqualTo("central-1");
    }

    @Test
    void aReconfigurationReplacesTheBeanAndTheOldAppenderDoesNotUnregisterTheNewOne() throws Exception {
        Health old = new Health(DeliveryState.STOPPED, 0, 0, 0, 0, null, null, null, new Counters().snapshot());
        Health current = new Health(DeliveryState.DELIVERING, 0, 0, 0, 0, null, null, null,
                new Counters().snapshot());
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = Jmx.objectName("twice");
        AutoCloseable first = Jmx.register("twice", () -> old, Diagnostics.NONE);
        try (AutoCloseable second = Jmx.register("twice", () -> current, Diagnostics.NONE)) {
            first.close();
            assertThat(server.getAttribute(name, "State")).isEqualTo("DELIVERING");
        }
        assertThat(server.isRegistered(name)).isFalse();
    }
}
