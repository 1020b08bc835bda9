package dev.sluice.transport.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Our own logging stays out of our own appender: from Sluice's threads, and from inside the same append. */
class AppendGuardTest {

    private final AppendGuard guard = new AppendGuard();

    @Test
    void aNestedAppendOnTheSameThreadIsRefusedUntilTheOuterOneLeaves() {
        AppendGuard.Cell outer = guard.enter();
        assertThat(outer).isNotNull();
        assertThat(guard.enter()).as("inside append").isNull();
        assertThat(new AppendGuard().enter()).as("another appender's guard").isNotNull();
        guard.exit(outer);
        AppendGuard.Cell again = guard.enter();
        assertThat(again).isNotNull();
        guard.exit(again);
        assertThat(again).isSameAs(outer);
    }

    @Test
    void theCellKeepsItsBufferFromOneAppendToTheNext() {
        AppendGuard.Cell cell = guard.enter();
        var buffer = cell.buffer();
        guard.exit(cell);
        assertThat(guard.enter().buffer()).isSameAs(buffer);
    }

    @Test
    void anotherThreadIsNotAffectedByThisThreadBeingInside() throws Exception {
        AppendGuard.Cell outer = guard.enter();
        AtomicReference<AppendGuard.Cell> other = new AtomicReference<>();
        Thread t = new Thread(() -> other.set(guard.enter()), "application-thread");
        t.start();
        t.join();
        assertThat(other.get()).isNotNull();
        guard.exit(outer);
    }

    @Test
    void sluicesOwnThreadsAreRefused() throws Exception {
        AtomicReference<AppendGuard.Cell> own = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean entered = new java.util.concurrent.atomic.AtomicBoolean();
        Thread t = new Thread(() -> {
            own.set(guard.enter());
            entered.set(true);
        }, AppendGuard.THREAD_PREFIX + "delivery-test");
        t.start();
        t.join();
        assertThat(entered).isTrue();
        assertThat(own.get()).isNull();
    }
}
