package dev.sluice.it.engine;

import static dev.sluice.it.engine.NumberedEvents.distinctNumbers;
import static dev.sluice.it.engine.NumberedEvents.event;
import static dev.sluice.it.engine.NumberedEvents.quickTransport;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.relp.server.RelpTestServer;
import dev.sluice.transport.delivery.DeliveryEngine;
import dev.sluice.transport.delivery.FailoverPolicy;
import dev.sluice.transport.delivery.EngineSettings;
import dev.sluice.transport.delivery.OverflowPolicy;
import dev.sluice.transport.health.AppenderListener;
import dev.sluice.transport.health.DeliveryState;
import dev.sluice.transport.health.DropReason;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.spool.SpoolConfig;
import dev.sluice.transport.tls.AuthMode;
import dev.sluice.transport.tls.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A target whose host name never resolves ({@code .invalid}, RFC 2606), as after a typo in the configuration or
 * with a DNS server that has lost the name. The name is looked up on {@code sluice-dns-N} threads, so DESIGN's
 * promises must hold as for any other outage: the application's thread is never held, events are kept or counted
 * as dropped under the overflow policy, the failure is reported once (rate-limited) as a failed lookup naming the
 * host, health says disconnected, and {@code close()} keeps its bound.
 */
class EngineUnresolvableHostTest {

    private static final String HOST = "no-such-host.invalid";
    private static final int EVENTS = 1_000;
    private static final int CAPACITY = 100;
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration MARGIN = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final RelpTestServer server = RelpTestServer.builder().build();

    @TempDir
    Path dir;

    private final RecordingDiagnostics diagnostics = new RecordingDiagnostics();
    private final List<String> disconnects = new CopyOnWriteArrayList<>();
    private DeliveryEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    private EngineSettings.Builder settings(String target) {
        return EngineSettings.builder("unresolvable").targets(List.of(Target.parse(target)))
                .transport(quickTransport()).shutdownTimeout(SHUTDOWN_TIMEOUT).diagnostics(diagnostics)
                .listener(new AppenderListener() {
                    @Override
                    public void disconnected(String target, String reason) {
                        disconnects.add(reason);
                    }
                });
    }

    /** Appends {@link #EVENTS} events on another thread, which must be done in a moment; returns how many it took. */
    private long appendAllPromptly() {
        CompletableFuture<Long> appending = CompletableFuture.supplyAsync(
                () -> LongStream.range(0, EVENTS).filter(i -> engine.append(event(i))).count());
        await().atMost(Duration.ofSeconds(5)).until(appending::isDone);
        return appending.join();
    }

    /** Several lookups failed, each reported to the listener; the status channel said so once, naming the host. */
    private void lookupFailureReportedOnce() {
        await().atMost(WAIT).until(() -> disconnects.size() >= 3);
        assertThat(disconnects).allMatch(reason -> reason.contains("cannot resolve " + HOST));
        assertThat(diagnostics.messages).filteredOn(m -> m.contains(HOST)).singleElement().asString()
                .startsWith("WARN ").contains("cannot resolve " + HOST);
        assertThat(engine.health().state()).isEqualTo(DeliveryState.DISCONNECTED);
    }

    private void closesWithinTheBound() {
        CompletableFuture<Void> closing = CompletableFuture.runAsync(engine::close);
        await().atMost(SHUTDOWN_TIMEOUT.plus(MARGIN)).until(closing::isDone);
        assertThat(engine.health().state()).isEqualTo(DeliveryState.STOPPED);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"relp://" + HOST + ":2514", "tcp://" + HOST + ":514"})
    void withoutASpoolKeepsWhatTheQueueHoldsCountsTheRestAsDroppedAndReportsTheLookupOnce(String target) {
        engine = DeliveryEngine.start(settings(target).queueCapacity(CAPACITY)
                .overflow(OverflowPolicy.DROP_NEWEST).build());

        assertThat(appendAllPromptly()).isEqualTo(CAPACITY);
        assertThat(engine.health().queuedRecords()).isEqualTo(CAPACITY);
        assertThat(engine.counters().snapshot().accepted()).isEqualTo(CAPACITY);
        assertThat(engine.counters().dropped(DropReason.QUEUE_FULL)).isEqualTo(EVENTS - CAPACITY);
        lookupFailureReportedOnce();

        closesWithinTheBound();
        // nowhere to keep them without a spool: counted, not lost silently
        assertThat(engine.counters().dropped(DropReason.SHUTDOWN)).isEqualTo(CAPACITY);
        engine = null;
    }

    @Test
    void aTransportWarningRepeatedByEveryFailoverSwitchIsReportedOncePerTarget() {
        String other = "other-" + HOST;
        engine = DeliveryEngine.start(EngineSettings.builder("unresolvable")
                .targets(List.of(Target.parse("relp+tls://" + HOST + ":6514"),
                        Target.parse("relp+tls://" + other + ":6514")))
                .failover(FailoverPolicy.ROUND_ROBIN)
                .transport(quickTransport().toBuilder().tls(TlsSettings.builder().authMode(AuthMode.ANON).build())
                        .build())
                .shutdownTimeout(SHUTDOWN_TIMEOUT).diagnostics(diagnostics)
                .listener(new AppenderListener() {
                    @Override
                    public void disconnected(String target, String reason) {
                        disconnects.add(target);
                    }
                }).build());
        // every switch makes a new transport, which warns about anon again
        await().atMost(WAIT).until(() -> disconnects.stream().filter(t -> t.contains(other)).count() >= 3
                && disconnects.stream().filter(t -> !t.contains(other)).count() >= 3);
        assertThat(diagnostics.messages).filteredOn(m -> m.contains("authMode anon")).hasSize(2)
                .anySatisfy(m -> assertThat(m).contains("relp+tls://" + HOST))
                .anySatisfy(m -> assertThat(m).contains(other));
    }

    @Test
    void withASpoolKeepsEveryEventForTheNextStartAndReportsTheLookupOnce() {
        SpoolConfig spool = SpoolConfig.builder(dir.resolve("spool")).build();
        engine = DeliveryEngine.start(settings("relp://" + HOST + ":2514").spool(spool).build());

        assertThat(appendAllPromptly()).isEqualTo(EVENTS);
        assertThat(engine.health().spoolRecords()).isEqualTo(EVENTS);
        assertThat(engine.counters().snapshot().droppedTotal()).isZero();
        lookupFailureReportedOnce();

        closesWithinTheBound();
        assertThat(engine.counters().snapshot().droppedTotal()).isZero();

        // the configuration fixed: the next engine on the same spool delivers all of them
        engine = DeliveryEngine.start(settings(server.target()).spool(spool).build());
        await().atMost(WAIT).until(() -> distinctNumbers(server.messages()).size() == EVENTS);
        assertThat(distinctNumbers(server.messages()))
                .containsExactlyElementsOf(LongStream.range(0, EVENTS).boxed().toList());
    }
}
