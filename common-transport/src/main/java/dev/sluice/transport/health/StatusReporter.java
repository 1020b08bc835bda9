package dev.sluice.transport.health;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Turns problems into status messages through {@link Diagnostics}, rate-limited: per kind of problem (drops of
 * one reason, disconnects from one target, TLS failures, …) at most one message per {@code interval}; the next
 * one says how many were suppressed in between. A reconnect after a failure is reported once as information.
 *
 * <p>Thread-safe; cheap when nothing is reported, and cheap for a suppressed report: during an outage without a
 * spool every event the application logs is a drop, reported from the application's thread, so a suppressed drop
 * costs a clock read and a counter increment (no lock, no allocation).
 */
public final class StatusReporter implements AppenderListener {

    /** Default shortest time between two messages of the same kind: 30 seconds. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

    private final String name;
    private final Diagnostics diagnostics;
    private final Clock clock;
    private final long intervalMillis;
    private final ConcurrentHashMap<String, Gate> gates = new ConcurrentHashMap<>();
    /** The gates of drops, by {@link DropReason#ordinal()}: no key to build per drop. */
    private final Gate[] dropGates = new Gate[DropReason.values().length];

    /**
     * @param name        the appender's name, put in front of every message
     * @param diagnostics where the messages go
     * @param clock       time source for the rate limit
     * @param interval    shortest time between two messages of one kind
     */
    public StatusReporter(String name, Diagnostics diagnostics, Clock clock, Duration interval) {
        this.name = Objects.requireNonNull(name, "name");
        this.diagnostics = Objects.requireNonNull(diagnostics, "diagnostics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.intervalMillis = interval.toMillis();
        for (int i = 0; i < dropGates.length; i++) {
            dropGates[i] = new Gate();
        }
    }

    @Override
    public void dropped(DropReason reason, long count) {
        long suppressed = dropGates[reason.ordinal()].pass(clock.millis(), intervalMillis);
        if (suppressed >= 0) {
            diagnostics.warn(prefix() + count + " event(s) dropped: " + reason.description()
                    + suppressedText(suppressed, "drop report"), null);
        }
    }

    @Override
    public void truncated(long sequenceId, int originalOctets, int octets) {
        report("truncated", suppressed -> diagnostics.warn(prefix() + "message " + sequenceId + " truncated"
                + (originalOctets >= 0 ? " from " + originalOctets : "") + " to " + octets + " octets (maxMessageSize)"
                + suppressedText(suppressed, "truncation"), null));
    }

    @Override
    public void rejected(long sequenceId, String reason) {
        report("rejected", suppressed -> diagnostics.warn(prefix() + "message " + sequenceId
                + " refused by the server and set aside: " + reason + suppressedText(suppressed, "refusal"), null));
    }

    @Override
    public void disconnected(String target, String reason) {
        report("disconnected:" + target, suppressed -> diagnostics.warn(prefix() + "cannot deliver to " + target
                + ": " + reason + suppressedText(suppressed, "failure"), null));
    }

    @Override
    public void tlsFailure(String target, String reason) {
        report("tls:" + target, suppressed -> diagnostics.survivedError(prefix() + "TLS with " + target
                + " failed: " + reason + suppressedText(suppressed, "TLS failure"), null));
    }

    @Override
    public void warning(String target, String message) {
        report("warning:" + target + ":" + message, suppressed -> diagnostics.warn(prefix() + target + ": " + message
                + suppressedText(suppressed, "time"), null));
    }

    @Override
    public void connected(String target, boolean reconnect) {
        Gate gate = gates.get("disconnected:" + target);
        if (reconnect && gate != null) {
            diagnostics.info(prefix() + "delivering to " + target + " again");
        }
    }

    @Override
    public void spoolProblem(String description) {
        report("spool", suppressed -> diagnostics.survivedError(prefix() + "spool: " + description
                + suppressedText(suppressed, "spool problem"), null));
    }

    private String prefix() {
        return "RemoteSyslog[" + name + "]: ";
    }

    private static String suffix(long n, String what) {
        return n + " more " + what + (n == 1 ? "" : "s");
    }

    private static String suppressedText(long suppressed, String what) {
        return suppressed == 0 ? "" : " (" + suffix(suppressed, what) + " since the last report)";
    }

    private void report(String key, java.util.function.LongConsumer emit) {
        long suppressed = gates.computeIfAbsent(key, k -> new Gate()).pass(clock.millis(), intervalMillis);
        if (suppressed >= 0) {
            emit.accept(suppressed);
        }
    }

    /**
     * The rate limit of one kind of report. A suppressed report (the common case in a storm) is lock-free; letting
     * one through takes the gate's monitor, so that every suppressed report is counted in exactly one period.
     */
    private static final class Gate {
        private volatile long lastEmitted = Long.MIN_VALUE;
        /** Reports suppressed since the last one let through. */
        private final LongAdder suppressed = new LongAdder();

        /**
         * A report at {@code now}: let through if none was within {@code intervalMillis} (one thread of several at
         * once), then the number suppressed since the last one; else counted and {@code -1}.
         */
        long pass(long now, long intervalMillis) {
            if (within(now, intervalMillis)) {
                suppressed.increment();
                return -1;
            }
            synchronized (this) {
                if (within(now, intervalMillis)) {
                    suppressed.increment();
                    return -1;
                }
                // taken before the new time is visible: a report that sees the new time counts for the next period
                long count = suppressed.sumThenReset();
                lastEmitted = now;
                return count;
            }
        }

        private boolean within(long now, long intervalMillis) {
            long last = lastEmitted;
            return last != Long.MIN_VALUE && now - last < intervalMillis;
        }
    }
}
