package dev.sluice.transport.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Our own logging stays out of our own appender: from Sluice's threads, and from inside the same append. */
class AppendGuardTest {

    private final AppendGuard guard = new AppendGuard();

    @Test
    void aNestedAppendOnTheSameThreadIsRefusedUntilTheOuterOneLeaves() {
        int[] outer = guard.enter();
        assertThat(outer).isNotNull();
        assertThat(guard.enter()).as("inside append").isNull();
        assertThat(new AppendGuard().enter()).as("another appender's guard").isNotNull();
        guard.exit(outer);
        int[] again = guard.enter();
        assertThat(again).isNotNull();
        guard.exit(again);
    }

    @Test
    void anotherThreadIsNotAffectedByThisThreadBeingInside() throws Exception {
        int[] outer = guard.enter();
        AtomicReference<int[]> other = new AtomicReference<>();
        Thread t = new Thread(() -> other.set(guard.enter()), "application-thread");
        t.start();
        t.join();
        assertThat(other.get()).isNotNull();
        guard.exit(outer);
    }

    @Test
    void sluicesOwnThreadsAreRefused() throws Exception {
        AtomicReference<int[]> own = new AtomicReference<>(new int[0]);
        Thread t = new Thread(() -> own.set(guard.enter()), AppendGuard.THREAD_PREFIX + "delivery-test");
        t.start();
        t.join();
        assertThat(own.get()).isNull();
    }
}
