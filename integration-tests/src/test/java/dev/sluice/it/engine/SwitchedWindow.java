package dev.sluice.it.engine;

import dev.sluice.transport.delivery.DeliverySchedule;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/** A delivery window the test opens and closes ({@link #open}); closed at first, next opening an hour away. */
final class SwitchedWindow implements DeliverySchedule {

    final AtomicBoolean open = new AtomicBoolean();

    @Override
    public boolean isOpen(Instant now) {
        return open.get();
    }

    @Override
    public Instant nextOpening(Instant now) {
        return open.get() ? now : now.plusSeconds(3600);
    }

    @Override
    public Instant currentWindowEnd(Instant now) {
        return open.get() ? Instant.MAX : now;
    }
}
