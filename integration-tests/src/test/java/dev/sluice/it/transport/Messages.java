package dev.sluice.it.transport;

import static org.awaitility.Awaitility.await;

import dev.sluice.relp.server.ReceivedMessage;
import dev.sluice.transport.net.Outbound;
import dev.sluice.transport.net.SyslogTransport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Numbered RFC 5424 test messages, and feeding them through a transport's back-pressure. */
final class Messages {

    private Messages() {
    }

    static Outbound numbered(long n) {
        return numbered(n, 0);
    }

    /** As {@link #numbered(long)}, padded to at least {@code octets} octets (to fill socket buffers sooner). */
    static Outbound numbered(long n, int octets) {
        String head = "<14>1 2024-05-01T10:00:00.000Z host.example.com it - - - ";
        String tail = "message " + n;
        int padding = octets - head.length() - tail.length() - 1;
        String text = padding > 0 ? head + "x".repeat(padding) + " " + tail : head + tail;
        return new Outbound(n, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The number at the end of a message made by {@link #numbered(long)}. */
    static long numberOf(ReceivedMessage m) {
        String text = m.text();
        return Long.parseLong(text.substring(text.lastIndexOf(' ') + 1).trim());
    }

    /** Offers messages {@code from} (inclusive) to {@code to} (exclusive), waiting whenever the transport is full. */
    static void offerRange(SyslogTransport transport, long from, long to) {
        for (long n = from; n < to; n++) {
            Outbound m = numbered(n);
            if (!transport.offer(m)) {
                await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(60))
                        .until(() -> transport.offer(m));
            }
        }
    }

    /** How many times each number was received. */
    static Map<Long, Integer> counts(List<ReceivedMessage> received) {
        Map<Long, Integer> counts = new HashMap<>();
        for (ReceivedMessage m : received) {
            counts.merge(numberOf(m), 1, Integer::sum);
        }
        return counts;
    }
}
