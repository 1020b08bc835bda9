package dev.sluice.transport.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.transport.health.AppenderListener;
import dev.sluice.transport.health.Counters;
import org.junit.jupiter.api.Test;

/**
 * {@code accepted} runs on the application's thread, {@code delivered} and {@code acknowledged} on the I/O thread, once
 * per event: the engine calls only the listeners that implement them.
 */
class ListenerFanOutTest {

    private static class Counting implements AppenderListener {
        long accepted;

        @Override
        public void accepted(long sequenceId) {
            accepted++;
        }
    }

    private static final class Inherits extends Counting {
    }

    @Test
    void aListenerWithItsOwnAcceptedIsCalledOneWithTheEmptyDefaultIsNot() {
        assertThat(DeliveryEngine.implementsPerEvent(Counters.class, "accepted")).isTrue();
        assertThat(DeliveryEngine.implementsPerEvent(Counting.class, "accepted")).isTrue();
        assertThat(DeliveryEngine.implementsPerEvent(Inherits.class, "accepted")).isTrue();
        assertThat(DeliveryEngine.implementsPerEvent(new AppenderListener() { }.getClass(), "accepted")).isFalse();
        assertThat(DeliveryEngine.implementsPerEvent(Counters.class, "delivered")).isTrue();
        assertThat(DeliveryEngine.implementsPerEvent(Counters.class, "acknowledged")).isTrue();
        assertThat(DeliveryEngine.implementsPerEvent(Counting.class, "delivered")).isFalse();
    }
}
