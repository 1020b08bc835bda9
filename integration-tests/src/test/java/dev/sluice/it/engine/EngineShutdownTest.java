package dev.sluice.it.engine;

import static dev.sluice.it.engine.NumberedEvents.distinctNumbers;
import static dev.sluice.it.engine.NumberedEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.relp.server.RelpTestServer;
import dev.sluice.transport.delivery.DeliveryEngine;
import dev.sluice.transport.delivery.EngineSettings;
import dev.sluice.transport.health.DeliveryState;
import dev.sluice.transport.net.Backoff;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.net.TransportSettings;
import dev.sluice.transport.spool.SpoolConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shutdown bound (issue 4, item 8): with a backlog of 10,000 and a server that cannot take it, {@code close()}
 * ends the engine after {@code shutdownTimeout}, not after the server, and the next engine on the same spool
 * delivers the backlog.
 *
 * <p>{@code close()} waits at most {@code shutdownTimeout} plus 5 s for the delivery thread (the join's bound), so
 * the tests hold two things: the engine is {@code STOPPED} when it returns (the delivery thread ended, it was not
 * given up on), and it returned within {@code shutdownTimeout} plus {@link #MARGIN}, under the join's bound. The
 * transport's connect and ack timeouts are minutes here, so that a stop that waited for the server (for an answer,
 * or for it to come back) fails both by far, while a slow machine has 4 s to spare over a stop that takes about
 * {@code shutdownTimeout}. What close() took is printed; the "plus one second" is a figure to read there,
 * not one a busy build machine can be held to.
 */
class EngineShutdownTest {

    private static final int BACKLOG = 10_000;
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);
    /** Over {@code shutdownTimeout}: a liveness bound, under the 5 s for which close() waits for the thread. */
    private static final Duration MARGIN = Duration.ofSeconds(4);
    /** The transport's connect and ack timeouts: what a stop that waited for the server would wait. */
    private static final Duration SERVER_TIMEOUTS = Duration.ofMinutes(5);
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

    private EngineSettings settings(String target) {
        return EngineSettings.builder("shutdown").targets(List.of(Target.parse(target)))
                .transport(TransportSettings.builder().connectTimeout(SERVER_TIMEOUTS).ackTimeout(SERVER_TIMEOUTS)
                        .backoff(() -> Backoff.fixed(Duration.ofMillis(50))).build())
                .spool(SpoolConfig.builder(dir.resolve("spool")).build())
                .shutdownTimeout(SHUTDOWN_TIMEOUT).build();
    }

    private static int portNothingListensOn() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    /** Closes the engine: stopped, not given up on, within the bound. Returns what it took, to print. */
    private Duration closeAndMeasure() {
        long t0 = System.nanoTime();
        engine.close();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(engine.health().state()).as("the delivery thread ended").isEqualTo(DeliveryState.STOPPED);
        assertThat(took).isLessThan(SHUTDOWN_TIMEOUT.plus(MARGIN));
        return took;
    }

    private void appendBacklog() {
        for (int i = 0; i < BACKLOG; i++) {
            assertThat(engine.append(event(i))).isTrue();
        }
    }

    private void nextEngineDeliversTheBacklog() {
        server.clear();
        engine = DeliveryEngine.start(settings(server.target()));
        await().atMost(WAIT).until(() -> distinctNumbers(server.messages()).size() == BACKLOG);
        assertThat(distinctNumbers(server.messages()))
                .containsExactlyElementsOf(LongStream.range(0, BACKLOG).boxed().toList());
        await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
    }

    @Test
    void closeReturnsWithinTheBoundWhenNothingListensAndTheNextStartDeliversTheBacklog() throws IOException {
        engine = DeliveryEngine.start(settings("relp://127.0.0.1:" + portNothingListensOn()));
        appendBacklog();
        assertThat(engine.health().spoolRecords()).isEqualTo(BACKLOG);

        Duration took = closeAndMeasure();
        System.out.printf("shutdown, nothing listening: close() took %d ms (shutdownTimeout %d ms)%n",
                took.toMillis(), SHUTDOWN_TIMEOUT.toMillis());

        nextEngineDeliversTheBacklog();
    }

    @Test
    void closeReturnsWithinTheBoundWhenTheServerWithholdsAcksAndTheNextStartDeliversTheBacklog() {
        server.faults().withholdAcks();
        engine = DeliveryEngine.start(settings(server.target()));
        appendBacklog();
        // The server has the frames but acknowledges none: nothing may leave the spool.
        await().atMost(WAIT).until(() -> !server.messages().isEmpty());
        assertThat(engine.health().counters().acknowledged()).isZero();

        Duration took = closeAndMeasure();
        System.out.printf("shutdown, acks withheld (%d frames received unacknowledged): close() took %d ms "
                + "(shutdownTimeout %d ms)%n", server.messages().size(), took.toMillis(), SHUTDOWN_TIMEOUT.toMillis());

        server.faults().reset();
        nextEngineDeliversTheBacklog();
    }
}
