package dev.sluice.it.engine;

import dev.sluice.relp.server.ReceivedMessage;
import dev.sluice.transport.net.Backoff;
import dev.sluice.transport.net.TransportSettings;
import dev.sluice.transport.syslog.Severity;
import dev.sluice.transport.syslog.SyslogMessage;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Numbered events ({@code "event <n>"}) and what the engine tests need to count them on the receiving side. */
final class NumberedEvents {

    static final Instant EVENT_TIME = Instant.parse("2026-11-27T09:00:00.123456Z");
    static final String PREFIX = "event ";

    private NumberedEvents() {
    }

    static SyslogMessage event(long n) {
        return SyslogMessage.builder().timestamp(EVENT_TIME).severity(Severity.INFORMATIONAL).hostname("h")
                .appName("app").message(PREFIX + n).build();
    }

    /** Fast reconnects so that a test does not wait out the default backoff. */
    static TransportSettings quickTransport() {
        return TransportSettings.builder().connectTimeout(Duration.ofSeconds(2)).ackTimeout(Duration.ofSeconds(2))
                .backoff(() -> Backoff.fixed(Duration.ofMillis(50))).build();
    }

    /** The event number of {@code "event <n>"}, or -1 for anything else (notices, heartbeats). */
    static long number(String message) {
        if (message == null || !message.startsWith(PREFIX)) {
            return -1;
        }
        return Long.parseLong(message.substring(PREFIX.length()));
    }

    static Set<Long> distinctNumbers(Collection<ReceivedMessage> messages) {
        Set<Long> seen = new TreeSet<>();
        for (ReceivedMessage m : messages) {
            long n = number(m.message());
            if (n >= 0) {
                seen.add(n);
            }
        }
        return seen;
    }

    /** How many times each event number arrived more than once, summed. */
    static long duplicates(Collection<ReceivedMessage> messages) {
        Map<Long, Integer> counts = new HashMap<>();
        long dup = 0;
        for (ReceivedMessage m : messages) {
            long n = number(m.message());
            if (n >= 0 && counts.merge(n, 1, Integer::sum) > 1) {
                dup++;
            }
        }
        return dup;
    }
}
