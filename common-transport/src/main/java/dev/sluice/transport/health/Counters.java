package dev.sluice.transport.health;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The counters of one appender, kept as an {@link AppenderListener}. Thread-safe and cheap to update. */
public final class Counters implements AppenderListener {

    private final LongAdder accepted = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder resent = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder truncated = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    private final LongAdder tlsFailures = new LongAdder();
    private final EnumMap<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);

    public Counters() {
        for (DropReason reason : DropReason.values()) {
            dropped.put(reason, new LongAdder());
        }
    }

    @Override
    public void accepted(long sequenceId) {
        accepted.increment();
    }

    @Override
    public void dropped(DropReason reason, long count) {
        dropped.get(reason).add(count);
    }

    @Override
    public void truncated(long sequenceId, int originalOctets, int octets) {
        truncated.increment();
    }

    @Override
    public void delivered(long sequenceId) {
        delivered.increment();
    }

    @Override
    public void acknowledged(long sequenceId) {
        acknowledged.increment();
    }

    @Override
    public void resent(long sequenceId) {
        resent.increment();
    }

    @Override
    public void rejected(long sequenceId, String reason) {
        rejected.increment();
    }

    @Override
    public void connected(String target, boolean reconnect) {
        if (reconnect) {
            reconnects.increment();
        }
    }

    @Override
    public void tlsFailure(String target, String reason) {
        tlsFailures.increment();
    }

    /** The dropped count for one reason. */
    public long dropped(DropReason reason) {
        return dropped.get(reason).sum();
    }

    /** All counters at one moment (each read separately; under load they may be a few events apart). */
    public Health.CountersSnapshot snapshot() {
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        for (Map.Entry<DropReason, LongAdder> e : dropped.entrySet()) {
            drops.put(e.getKey(), e.getValue().sum());
        }
        return new Health.CountersSnapshot(accepted.sum(), delivered.sum(), acknowledged.sum(), resent.sum(),
                rejected.sum(), drops, truncated.sum(), reconnects.sum(), tlsFailures.sum());
    }
}
