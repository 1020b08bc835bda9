package dev.sluice.transport.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.transport.delivery.DeliveryEngine;
import dev.sluice.transport.delivery.EngineSettings;
import dev.sluice.transport.delivery.OverflowPolicy;
import dev.sluice.transport.health.DeliveryState;
import dev.sluice.transport.health.Diagnostics;
import dev.sluice.transport.health.DropReason;
import dev.sluice.transport.health.Health;
import dev.sluice.transport.net.Backoff;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.net.TransportSettings;
import dev.sluice.transport.syslog.Severity;
import dev.sluice.transport.syslog.SyslogMessage;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full or failing disk under the delivery engine (the spool's own behaviour is in {@link SpoolTest}). As the README
 * says, an append the spool refuses because less than {@code minFreeDiskSpace} would be left "goes as when the spool
 * is full, by {@code overflow}, and what is dropped is counted and reported as {@code DISK_FULL} ("disk full or
 * unwritable")"; an append that fails (a write error such as ENOSPC) is dropped and counted the same way, and reported
 * as a spool problem. Either way nothing is thrown into the application, the drop is announced in-band ahead of the
 * next message delivered, and delivery goes on once the disk has room or works again.
 *
 * <p>Here, not with the other engine tests in {@code integration-tests}, because the fault is injected through the
 * spool's file system ({@link FaultyFileSystem}), which only this package can reach; the receiver is a plain TCP one.
 */
class EngineDiskFullTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long MIN_FREE = 10L << 20;
    /** Free space close enough to {@link #MIN_FREE} that the spool asks for it again at every append. */
    private static final long LITTLE_ABOVE_MIN_FREE = MIN_FREE + 100_000;

    @TempDir
    Path dir;

    private final FaultyFileSystem fs = new FaultyFileSystem();
    private final List<String> diagnostics = new CopyOnWriteArrayList<>();
    private Receiver receiver;
    private DeliveryEngine engine;

    @AfterEach
    void stop() throws IOException {
        if (engine != null) {
            engine.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    private DeliveryEngine start(OverflowPolicy overflow, boolean mapped) throws IOException {
        receiver = new Receiver();
        return DeliveryEngine.start(EngineSettings.builder("disk-full")
                .targets(List.of(Target.parse(receiver.target())))
                .transport(TransportSettings.builder().backoff(() -> Backoff.fixed(Duration.ofMillis(50))).build())
                .overflow(overflow)
                .spool(SpoolConfig.builder(dir.resolve("spool")).minFreeDiskSpace(MIN_FREE).fileSystem(fs)
                        .memoryMapped(mapped).build())
                .shutdownTimeout(Duration.ofSeconds(2)).diagnostics(new Diagnostics() {
                    @Override
                    public void warn(String message, Throwable cause) {
                        diagnostics.add("WARN " + message);
                    }

                    @Override
                    public void error(String message, Throwable cause) {
                        diagnostics.add("ERROR " + message);
                    }
                }).build());
    }

    private static SyslogMessage event(long n) {
        return SyslogMessage.builder().timestamp(Instant.parse("2026-11-27T09:00:00Z"))
                .severity(Severity.INFORMATIONAL).hostname("h").appName("app").message("event " + n).build();
    }

    private void appendAll(long from, long to) {
        for (long i = from; i < to; i++) {
            assertThat(engine.append(event(i))).as("event %d accepted", i).isTrue();
        }
    }

    private void awaitDelivered(long from, long to) {
        await().atMost(WAIT).until(() -> receiver.events().containsAll(range(from, to)));
    }

    private static List<Long> range(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    @Test
    void aNearlyFullDiskDropsTheNewEventsCountsReportsAndAnnouncesThemAndDeliveryGoesOnWhenSpaceReturns()
            throws Exception {
        fs.usableSpace = LITTLE_ABOVE_MIN_FREE;
        engine = start(OverflowPolicy.DROP_NEWEST, true);
        appendAll(0, 10);
        awaitDelivered(0, 10);

        fs.usableSpace = MIN_FREE; // an append now would leave less than minFreeDiskSpace
        for (long i = 10; i < 15; i++) {
            assertThat(engine.append(event(i))).as("event %d accepted", i).isFalse();
        }
        Health health = engine.health();
        assertThat(health.counters().dropped()).containsEntry(DropReason.DISK_FULL, 5L);
        assertThat(health.counters().droppedTotal()).isEqualTo(5);
        assertThat(health.counters().accepted()).isEqualTo(10);
        assertThat(health.state()).isEqualTo(DeliveryState.DELIVERING);
        assertThat(diagnostics).anyMatch(m -> m.startsWith("WARN RemoteSyslog[disk-full]: ")
                && m.contains("event(s) dropped: disk full or unwritable"));

        fs.usableSpace = 1L << 30; // room again
        appendAll(15, 25);
        awaitDelivered(15, 25);
        assertDropsAnnouncedOnceAheadOf(5, 15);
        assertThat(receiver.events()).doesNotContainAnyElementsOf(range(10, 15));
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
        assertThat(engine.counters().dropped(DropReason.DISK_FULL)).isEqualTo(5);
        assertThat(diagnostics).noneMatch(m -> m.contains(": spool: "));
    }

    /** Under {@code block} the application's thread waits for room on the disk as it does for room in the spool. */
    @Test
    void underBlockANearlyFullDiskHoldsTheAppendUntilSpaceReturnsAndNothingIsDropped() throws Exception {
        fs.usableSpace = LITTLE_ABOVE_MIN_FREE;
        engine = start(OverflowPolicy.BLOCK, true);
        appendAll(0, 10);
        awaitDelivered(0, 10);

        fs.usableSpace = MIN_FREE;
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> engine.append(event(10)));
        // it waits: nothing more is accepted, nothing dropped, and the append has not returned
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> !waiting.isDone()
                && engine.health().counters().accepted() == 10);
        assertThat(engine.health().counters().droppedTotal()).isZero();

        fs.usableSpace = 1L << 30;
        await("the append, once the disk has room").atMost(WAIT).until(waiting::isDone);
        assertThat(waiting.join()).isTrue();
        appendAll(11, 20);
        awaitDelivered(10, 20);
        assertThat(engine.health().counters().droppedTotal()).isZero();
        assertThat(receiver.messages).noneMatch(m -> m.contains(" DROPPED "));
    }

    /** With write calls, so that the failing write is the append's own (mapped, it is the preallocation's first). */
    @Test
    void aFailingWriteDropsTheEventReportsTheSpoolProblemAndDeliveryGoesOnWhenWritesWorkAgain() throws Exception {
        engine = start(OverflowPolicy.DROP_NEWEST, false);
        appendAll(0, 10);
        awaitDelivered(0, 10);

        fs.failWrites = true; // each write stores a few octets, then fails: "No space left on device"
        for (long i = 10; i < 13; i++) {
            assertThat(engine.append(event(i))).as("event %d accepted", i).isFalse();
        }
        assertThat(fs.failedWrites).isGreaterThanOrEqualTo(3); // a checkpoint written meanwhile fails too
        assertThat(engine.health().counters().dropped()).containsEntry(DropReason.DISK_FULL, 3L);
        assertThat(engine.health().counters().droppedTotal()).isEqualTo(3);
        assertThat(diagnostics).anyMatch(m -> m.startsWith("ERROR RemoteSyslog[disk-full]: spool: append failed: ")
                && m.contains("injected: No space left on device"));
        assertThat(diagnostics).anyMatch(m -> m.contains("event(s) dropped: disk full or unwritable"));

        fs.failWrites = false;
        appendAll(13, 20);
        awaitDelivered(13, 20);
        assertDropsAnnouncedOnceAheadOf(3, 13);
        assertThat(receiver.events()).doesNotContainAnyElementsOf(range(10, 13));
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
        // the failed writes left nothing behind: what a restart replays is what was delivered, intact
        engine.close();
        engine = null;
        try (Spool spool = Spool.open(SpoolConfig.builder(dir.resolve("spool")).minFreeDiskSpace(0).build())) {
            assertThat(spool.isEmpty()).isTrue();
            assertThat(spool.corruptRegions()).isZero();
            assertThat(spool.tornTails()).isZero();
        }
    }

    /** The one drop notice says {@code count} events went for a full disk, and comes just before event {@code next}. */
    private void assertDropsAnnouncedOnceAheadOf(long count, long next) {
        List<String> received = new ArrayList<>(receiver.messages);
        List<String> notices = received.stream().filter(m -> m.contains(" DROPPED ")).toList();
        assertThat(notices).singleElement().asString().endsWith(count + " message(s) dropped by Sluice before this one: "
                + count + " disk full or unwritable");
        int at = received.indexOf(notices.get(0));
        assertThat(received.get(at + 1)).endsWith("\uFEFFevent " + next);
    }

    /** A plain TCP syslog receiver (octet counting, RFC 6587) that keeps each message it reads, one session at a time. */
    private static final class Receiver implements AutoCloseable {
        private static final String EVENT = "\uFEFFevent ";
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<String> messages = new CopyOnWriteArrayList<>();

        Receiver() throws IOException {
            Thread t = new Thread(this::serve, "tcp-receiver");
            t.setDaemon(true);
            t.start();
        }

        String target() {
            return "tcp://127.0.0.1:" + socket.getLocalPort();
        }

        /** The numbers of the events received (MSG {@code "event <n>"}, after its BOM), in order of arrival. */
        List<Long> events() {
            List<Long> numbers = new ArrayList<>();
            for (String m : messages) {
                int at = m.lastIndexOf(EVENT);
                if (at >= 0) {
                    numbers.add(Long.parseLong(m.substring(at + EVENT.length())));
                }
            }
            return numbers;
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket session = socket.accept();
                        DataInputStream in = new DataInputStream(new BufferedInputStream(session.getInputStream()))) {
                    while (true) {
                        int length = 0;
                        for (int c = in.read(); c != ' '; c = in.read()) {
                            if (c < 0) {
                                throw new EOFException();
                            }
                            length = length * 10 + (c - '0');
                        }
                        byte[] message = new byte[length];
                        in.readFully(message);
                        messages.add(new String(message, StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    // the session ended (EOF), or the receiver was closed: accept the next, or stop
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
