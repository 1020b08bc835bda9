package dev.sluice.relp.server;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scripted faults of a {@link RelpServer}, for tests of what a client does when the server misbehaves.
 * Every method may be called from any thread, at any time; {@link #reset()} clears them all (the JUnit
 * extension does so before each test).
 *
 * <p>Counting faults ({@link #closeAfterFrames}, {@link #abortAfterFrames}, {@link #rejectNext}) count
 * {@code syslog} frames received from now on, over all sessions.
 */
public final class Faults {

    private final RelpServer server;
    private final AtomicInteger closeAfter = new AtomicInteger(-1);
    private final AtomicInteger abortAfter = new AtomicInteger(-1);
    private final AtomicInteger rejectNext = new AtomicInteger();
    private volatile boolean withholdAcks;
    private volatile Duration ackDelay = Duration.ZERO;
    private volatile boolean readingStopped;
    private volatile boolean closeAfterOpen;

    Faults(RelpServer server) {
        this.server = server;
    }

    /**
     * After {@code frames} more {@code syslog} frames have been received, recorded and acknowledged, close
     * that session cleanly (FIN, without {@code serverclose}). One-shot.
     */
    public Faults closeAfterFrames(int frames) {
        closeAfter.set(requirePositive(frames, "frames"));
        return this;
    }

    /**
     * When the {@code frames}-th next {@code syslog} frame arrives, record it but do not acknowledge it, and
     * reset the connection (TCP RST), as a server that crashes mid-stream would. One-shot.
     */
    public Faults abortAfterFrames(int frames) {
        abortAfter.set(requirePositive(frames, "frames"));
        return this;
    }

    /** Answer {@code 500} to the next {@code frames} {@code syslog} frames, without recording them. */
    public Faults rejectNext(int frames) {
        rejectNext.set(requirePositive(frames, "frames"));
        return this;
    }

    /** Record frames but send no acks until {@link #resumeAcks()}. */
    public Faults withholdAcks() {
        withholdAcks = true;
        return this;
    }

    /** Send the acks withheld so far on the sessions still open, and ack normally again. */
    public Faults resumeAcks() {
        withholdAcks = false;
        server.releaseWithheldAcks();
        return this;
    }

    /** Delay every ack by {@code delay} (order is kept). {@link Duration#ZERO} turns it off. */
    public Faults delayAcks(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
        }
        ackDelay = delay;
        return this;
    }

    /** Send {@code serverclose} to every open session now, then close them. New sessions are still accepted. */
    public Faults sendServerClose() {
        server.serverCloseAll();
        return this;
    }

    /**
     * Answer every {@code open} with {@code 200} and close that session at once, cleanly (FIN, without
     * {@code serverclose}), before any {@code syslog} frame, until {@link #reset()}: a server that takes sessions but
     * ends each one before it takes a message (a proxy whose backend refuses it, a receiver that exits at once).
     */
    public Faults closeEachSessionAfterOpen() {
        closeAfterOpen = true;
        return this;
    }

    /** Stop reading from every session, present and future (TCP back-pressure reaches the client). */
    public Faults stopReading() {
        readingStopped = true;
        server.setAutoRead(false);
        return this;
    }

    /** Read again. */
    public Faults resumeReading() {
        readingStopped = false;
        server.setAutoRead(true);
        return this;
    }

    /**
     * Clear every fault: acks resume (withheld ones are sent), reading resumes, sessions stay open after
     * {@code open}, counters are dropped.
     */
    public Faults reset() {
        closeAfter.set(-1);
        abortAfter.set(-1);
        rejectNext.set(0);
        ackDelay = Duration.ZERO;
        closeAfterOpen = false;
        if (readingStopped) {
            resumeReading();
        }
        if (withholdAcks) {
            resumeAcks();
        }
        return this;
    }

    // ---- used by the session handler, on I/O threads ----

    /** What to do with the next syslog frame. */
    enum Action { ACCEPT, REJECT, ACCEPT_THEN_CLOSE, RECORD_THEN_ABORT }

    Action nextFrame() {
        if (rejectNext.get() > 0 && rejectNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            return Action.REJECT;
        }
        if (abortAfter.get() > 0 && abortAfter.updateAndGet(n -> n > 0 ? n - 1 : n) == 0) {
            abortAfter.set(-1);
            return Action.RECORD_THEN_ABORT;
        }
        if (closeAfter.get() > 0 && closeAfter.updateAndGet(n -> n > 0 ? n - 1 : n) == 0) {
            closeAfter.set(-1);
            return Action.ACCEPT_THEN_CLOSE;
        }
        return Action.ACCEPT;
    }

    boolean acksWithheld() {
        return withholdAcks;
    }

    Duration ackDelay() {
        return ackDelay;
    }

    boolean readingStopped() {
        return readingStopped;
    }

    boolean closesAfterOpen() {
        return closeAfterOpen;
    }

    private static int requirePositive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1)");
        }
        return value;
    }
}
