package dev.sluice.it.engine;

import static dev.sluice.it.engine.NumberedEvents.EVENT_TIME;
import static dev.sluice.it.engine.NumberedEvents.quickTransport;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.relp.server.ReceivedMessage;
import dev.sluice.relp.server.RelpTestServer;
import dev.sluice.transport.delivery.DeliveryEngine;
import dev.sluice.transport.delivery.EngineSettings;
import dev.sluice.transport.delivery.UrgencyPolicy;
import dev.sluice.transport.health.DropReason;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.syslog.Severity;
import dev.sluice.transport.syslog.SyslogMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code maxBytesPerSecond} end to end ({@code RateLimiterTest} holds the token bucket to a fake clock): the engine
 * delivers regular events no faster than the cap allows, while urgent events ({@code urgentLevel}), drop notices and
 * heartbeats go out past it, as the README says ("urgent events are sent at once and use none of the limit, nor do
 * drop notices and heartbeats").
 *
 * <p>No upper bound on time: the cap is checked by the least time the delivery can have taken (the bucket starts
 * full with one second's worth and never holds more, so in any stretch of t seconds at most {@code cap * (1 + t)}
 * octets go), which a slow machine only makes longer; the messages going out past it by their arrival while the
 * regular events are held back for far longer than the generous wait for them.
 */
class EngineRateLimitTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PREFIX = "paced ";

    @RegisterExtension
    static final RelpTestServer server = RelpTestServer.builder().build();

    private DeliveryEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    private static EngineSettings.Builder settings(long maxBytesPerSecond) {
        return EngineSettings.builder("rate-limit").targets(List.of(Target.parse(server.target())))
                .transport(quickTransport()).maxBytesPerSecond(maxBytesPerSecond)
                .shutdownTimeout(Duration.ofSeconds(1));
    }

    /** Event {@code n}: {@code "paced <n> "} and {@code padding} more octets. */
    private static SyslogMessage event(long n, int padding, Severity severity) {
        return SyslogMessage.builder().timestamp(EVENT_TIME).severity(severity).hostname("h").appName("app")
                .message(PREFIX + n + " " + "x".repeat(padding)).build();
    }

    /** The numbers of the events received, in order of arrival; notices and heartbeats left out. */
    private static List<Long> numbers(List<ReceivedMessage> messages) {
        List<Long> numbers = new ArrayList<>();
        for (ReceivedMessage m : messages) {
            String text = m.message();
            if (text != null && text.startsWith(PREFIX)) {
                numbers.add(Long.parseLong(text.substring(PREFIX.length(), text.indexOf(' ', PREFIX.length()))));
            }
        }
        return numbers;
    }

    @Test
    void regularEventsAreDeliveredNoFasterThanTheCapAllows() {
        long cap = 10_000;
        int events = 30;
        int padding = 1_000;
        engine = DeliveryEngine.start(settings(cap).build());

        long start = System.nanoTime();
        for (int i = 0; i < events; i++) {
            assertThat(engine.append(event(i, padding, Severity.INFORMATIONAL))).isTrue();
        }
        await().atMost(WAIT).until(() -> numbers(server.messages()).size() == events);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        // more than events * padding octets went; at most one second's worth of them at once, the rest at the cap
        long octets = (long) events * padding;
        Duration least = Duration.ofNanos((octets - cap) * 1_000_000_000L / cap);
        System.out.printf("rate limit: %d messages of over %d octets at %d octets/s in %d ms (at least %d ms)%n",
                events, padding, cap, took.toMillis(), least.toMillis());
        assertThat(least).isEqualTo(Duration.ofSeconds(2));
        assertThat(took).as("time to deliver %d octets or more at %d octets/s", octets, cap)
                .isGreaterThanOrEqualTo(least);
        assertThat(numbers(server.messages())).containsExactlyElementsOf(LongStream.range(0, events).boxed().toList());
        assertThat(engine.counters().snapshot().droppedTotal()).isZero();
    }

    @Test
    void urgentEventsDropNoticesAndHeartbeatsGoOutWhileTheCapHoldsRegularEventsBack() {
        // The bucket holds 64 octets; a first event of 7,000 goes at once and leaves it over 100 s in debt.
        long cap = 64;
        engine = DeliveryEngine.start(settings(cap).urgency(UrgencyPolicy.atOrAbove(Severity.ERROR.code()))
                .heartbeat(Duration.ofMillis(500)).build());
        assertThat(engine.append(event(0, 7_000, Severity.INFORMATIONAL))).isTrue();
        for (int i = 1; i <= 3; i++) {
            assertThat(engine.append(event(i, 0, Severity.INFORMATIONAL))).isTrue();
        }
        await().atMost(WAIT).until(() -> numbers(server.messages()).contains(0L));

        // An urgent event, with drops to announce: both go at once, past the cap.
        engine.countDropped(DropReason.QUEUE_FULL, 2);
        assertThat(engine.append(event(4, 0, Severity.ERROR))).isTrue();
        await("the urgent event").atMost(WAIT).until(() -> numbers(server.messages()).contains(4L));
        List<ReceivedMessage> received = server.messages();
        int urgentAt = indexOf(received, 4);
        ReceivedMessage notice = received.get(urgentAt - 1);
        assertThat(notice.msgId()).isEqualTo("DROPPED");
        assertThat(notice.message()).isEqualTo("2 message(s) dropped by Sluice before this one: 2 queue full");
        assertThat(numbers(received)).containsExactly(0L, 4L);

        // Heartbeats go out while the regular events wait for the cap (the engine has sent nothing else meanwhile).
        await("heartbeats").atMost(WAIT).until(() -> heartbeatsAfter(server.messages(), urgentAt) >= 2);
        assertThat(numbers(server.messages())).containsExactly(0L, 4L);
        assertThat(engine.health().queuedRecords()).isEqualTo(3);
    }

    private static int indexOf(List<ReceivedMessage> received, long number) {
        for (int i = 0; i < received.size(); i++) {
            if (numbers(List.of(received.get(i))).contains(number)) {
                return i;
            }
        }
        throw new AssertionError("event " + number + " not received");
    }

    private static long heartbeatsAfter(List<ReceivedMessage> received, int index) {
        return received.subList(index + 1, received.size()).stream().filter(m -> "HEARTBEAT".equals(m.msgId()))
                .count();
    }
}
