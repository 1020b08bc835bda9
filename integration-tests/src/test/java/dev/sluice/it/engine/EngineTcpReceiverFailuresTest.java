package dev.sluice.it.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.it.transport.PlainReceivers;
import dev.sluice.transport.delivery.DeliveryEngine;
import dev.sluice.transport.delivery.EngineSettings;
import dev.sluice.transport.health.DeliveryState;
import dev.sluice.transport.net.Backoff;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.net.TransportSettings;
import dev.sluice.transport.syslog.Severity;
import dev.sluice.transport.syslog.SyslogMessage;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine over plain TCP against receivers that fail without saying so: one that stops reading. Nothing is
 * acknowledged on {@code tcp://}, so the transport has to find these out itself, and the engine to move on.
 */
class EngineTcpReceiverFailuresTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern EVENT = Pattern.compile("event (\\d+)$");

    private final RecordingDiagnostics diagnostics = new RecordingDiagnostics();
    private DeliveryEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    /** Event {@code n}, padded to about 2 KB so that a few thousand fill the socket buffers. */
    private static SyslogMessage largeEvent(long n) {
        return SyslogMessage.builder().timestamp(NumberedEvents.EVENT_TIME).severity(Severity.INFORMATIONAL)
                .hostname("h").appName("app").message("x".repeat(2_000) + " event " + n).build();
    }

    private static Set<Long> events(PlainReceivers.Tcp receiver) {
        Set<Long> numbers = new TreeSet<>();
        for (String message : receiver.octetCounted()) {
            Matcher m = EVENT.matcher(message);
            if (m.find()) {
                numbers.add(Long.parseLong(m.group(1)));
            }
        }
        return numbers;
    }

    private static Target tcp(PlainReceivers.Tcp receiver) {
        return Target.parse("tcp://127.0.0.1:" + receiver.port());
    }

    /**
     * A primary that stops reading and is then gone (as a host that died without a reset: its connection answers
     * nothing and new ones are refused). Nothing could be written to it for {@code ackTimeout}: the session ends,
     * health leaves DELIVERING, failover moves on, and what the primary's connection had not taken reaches the
     * secondary, in order. Before, the engine waited on the full connection for ever, saying DELIVERING.
     */
    @Test
    void aPrimaryThatStopsReadingIsLeftForTheSecondary() {
        int count = 5_000; // 10 MB: more than the socket buffers hold
        try (PlainReceivers.Tcp primary = PlainReceivers.Tcp.stallingFirst(1);
                PlainReceivers.Tcp secondary = new PlainReceivers.Tcp()) {
            Target first = tcp(primary);
            engine = DeliveryEngine.start(EngineSettings.builder("stalled-primary")
                    .targets(List.of(first, tcp(secondary)))
                    .transport(TransportSettings.builder().ackTimeout(Duration.ofSeconds(1))
                            .backoff(() -> Backoff.fixed(Duration.ofMillis(500))).build())
                    .diagnostics(diagnostics).shutdownTimeout(Duration.ofSeconds(2)).build());
            await().atMost(WAIT).until(() -> primary.connectionsEverAccepted() == 1);
            primary.stopListening();
            await().atMost(WAIT).until(() -> engine.health().state() == DeliveryState.DELIVERING);
            for (long n = 0; n < count; n++) {
                assertThat(engine.append(largeEvent(n))).isTrue();
            }

            await().atMost(WAIT).pollInterval(Duration.ofMillis(10))
                    .until(() -> engine.health().state() != DeliveryState.DELIVERING);
            // written to a socket: TCP has nothing more to count
            await().atMost(WAIT).until(() -> engine.counters().snapshot().delivered() == count);
            await().atMost(WAIT).until(() -> engine.health().state() == DeliveryState.DELIVERING);
            Set<Long> onSecondary = events(secondary);
            assertThat(onSecondary).isNotEmpty().hasSizeLessThan(count); // the rest went into the primary's buffers
            assertThat(onSecondary).containsExactlyElementsOf(LongStream.range(count - onSecondary.size(), count)
                    .boxed().collect(Collectors.toList()));
            assertThat(diagnostics.messages).anyMatch(m -> m.startsWith("WARN ") && m.contains("cannot deliver to "
                    + first + ": the receiver " + first + " stopped reading"));
        }
    }
}
