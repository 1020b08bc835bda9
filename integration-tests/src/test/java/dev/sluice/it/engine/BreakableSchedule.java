package dev.sluice.it.engine;

import dev.sluice.transport.delivery.DeliverySchedule;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Always open, but while {@link #broken} is set it throws when the delivery thread asks, as a bug in that thread
 * would: the thread dies and the engine stops by itself. Other threads (health) get an answer.
 */
final class BreakableSchedule implements DeliverySchedule {

    final AtomicBoolean broken = new AtomicBoolean();

    @Override
    public boolean isOpen(Instant now) {
        if (broken.get() && Thread.currentThread().getName().startsWith("sluice-delivery")) {
            throw new IllegalStateException("injected: the delivery thread's bug");
        }
        return true;
    }

    @Override
    public Instant nextOpening(Instant now) {
        return now;
    }

    @Override
    public Instant currentWindowEnd(Instant now) {
        return Instant.MAX;
    }
}
