package dev.sluice.transport.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Our own logging stays out of our own appender: from Sluice's threads, and from inside the same append. */
class AppendGuardTest {

    /** The thread an application's event was logged on. */
    private static final String APPLICATION = "application-thread";

    private final AppendGuard guard = new AppendGuard();

    @Test
    void aNestedAppendOnTheSameThreadIsRefusedUntilTheOuterOneLeaves() {
        AppendGuard.Cell outer = guard.enter(APPLICATION);
        assertThat(outer).isNotNull();
        assertThat(guard.enter(APPLICATION)).as("inside append").isNull();
        assertThat(new AppendGuard().enter(APPLICATION)).as("another appender's guard").isNotNull();
        guard.exit(outer);
        AppendGuard.Cell again = guard.enter(APPLICATION);
        assertThat(again).isNotNull();
        guard.exit(again);
        assertThat(again).isSameAs(outer);
    }

    @Test
    void theCellKeepsItsBufferFromOneAppendToTheNext() {
        AppendGuard.Cell cell = guard.enter(APPLICATION);
        var buffer = cell.buffer();
        guard.exit(cell);
        assertThat(guard.enter(APPLICATION).buffer()).isSameAs(buffer);
    }

    @Test
    void anotherThreadIsNotAffectedByThisThreadBeingInside() throws Exception {
        AppendGuard.Cell outer = guard.enter(APPLICATION);
        AtomicReference<AppendGuard.Cell> other = new AtomicReference<>();
        Thread t = new Thread(() -> other.set(guard.enter(APPLICATION)), "application-thread");
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
            own.set(guard.enter(Thread.currentThread().getName()));
            entered.set(true);
        }, AppendGuard.THREAD_PREFIX + "delivery-test");
        t.start();
        t.join();
        assertThat(entered).isTrue();
        assertThat(own.get()).isNull();
    }

    /** Behind async logging the framework's worker appends what one of our threads logged (Netty's DEBUG lines). */
    @Test
    void anEventLoggedOnSluicesOwnThreadIsRefusedOnTheThreadThatAppendsIt() {
        assertThat(guard.enter(AppendGuard.THREAD_PREFIX + "io-1")).isNull();
        AppendGuard.Cell cell = guard.enter(APPLICATION);
        assertThat(cell).as("an application's event on the same thread").isNotNull();
        guard.exit(cell);
        cell = guard.enter(null);
        assertThat(cell).as("an event whose thread is unknown").isNotNull();
        guard.exit(cell);
    }
}
