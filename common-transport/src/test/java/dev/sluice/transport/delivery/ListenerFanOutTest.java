package dev.sluice.transport.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.transport.health.AppenderListener;
import dev.sluice.transport.health.Counters;
import org.junit.jupiter.api.Test;

/** {@code accepted} runs on the application's thread, so the engine calls only the listeners that implement it. */
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
        assertThat(DeliveryEngine.implementsAccepted(Counters.class)).isTrue();
        assertThat(DeliveryEngine.implementsAccepted(Counting.class)).isTrue();
        assertThat(DeliveryEngine.implementsAccepted(Inherits.class)).isTrue();
        assertThat(DeliveryEngine.implementsAccepted(new AppenderListener() { }.getClass())).isFalse();
    }
}
