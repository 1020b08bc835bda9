package dev.sluice.it.transport;

import dev.sluice.transport.net.DeliveryListener;
import dev.sluice.transport.net.Outbound;

import java.net.SocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Records everything a transport reports, for assertions from the test thread. */
class RecordingListener implements DeliveryListener {

    final Set<Long> deliveredIds = ConcurrentHashMap.newKeySet();
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong lastDeliveredId = new AtomicLong(-1);
    final AtomicInteger outOfOrder = new AtomicInteger();
    final List<String> rejected = new CopyOnWriteArrayList<>();
    final AtomicInteger resent = new AtomicInteger();
    final List<Long> handedBackSent = new CopyOnWriteArrayList<>();
    /** The lists {@link #handedBackLate} was given. */
    final List<List<Outbound>> handedBackLate = new CopyOnWriteArrayList<>();
    final AtomicInteger connected = new AtomicInteger();
    final AtomicInteger writable = new AtomicInteger();
    final List<String> disconnects = new CopyOnWriteArrayList<>();
    /** The reasons of the {@link #disconnects} this side made on purpose ({@code planned}). */
    final List<String> plannedDisconnects = new CopyOnWriteArrayList<>();
    /** {@link #delivered} at each of the {@link #disconnects}. */
    final List<Long> deliveredAtDisconnects = new CopyOnWriteArrayList<>();
    final List<String> tlsFailures = new CopyOnWriteArrayList<>();
    final List<String> warnings = new CopyOnWriteArrayList<>();
    final Set<String> threads = ConcurrentHashMap.newKeySet();
    /** Calls of {@link #reportedBatch()}, and reports ({@code delivered}, {@code rejected}) since the last one. */
    final AtomicInteger batches = new AtomicInteger();
    final AtomicInteger reportsSinceBatch = new AtomicInteger();

    @Override
    public void delivered(Outbound message) {
        threads.add(Thread.currentThread().getName());
        if (message.id() < lastDeliveredId.get()) {
            outOfOrder.incrementAndGet();
        }
        lastDeliveredId.set(message.id());
        deliveredIds.add(message.id());
        reportsSinceBatch.incrementAndGet();
        delivered.incrementAndGet();
    }

    @Override
    public void rejected(Outbound message, String reason) {
        reportsSinceBatch.incrementAndGet();
        rejected.add(message.id() + ": " + reason);
    }

    @Override
    public void reportedBatch() {
        threads.add(Thread.currentThread().getName());
        reportsSinceBatch.set(0);
        batches.incrementAndGet();
    }

    @Override
    public void resent(Outbound message) {
        resent.incrementAndGet();
    }

    @Override
    public void handedBackSent(Outbound message) {
        handedBackSent.add(message.id());
    }

    @Override
    public void handedBackLate(List<Outbound> undelivered) {
        handedBackLate.add(List.copyOf(undelivered));
    }

    @Override
    public void writable() {
        writable.incrementAndGet();
    }

    @Override
    public void connected(SocketAddress remote) {
        connected.incrementAndGet();
    }

    @Override
    public void disconnected(String reason) {
        deliveredAtDisconnects.add(delivered.get());
        disconnects.add(reason);
    }

    @Override
    public void disconnected(String reason, boolean planned) {
        if (planned) {
            plannedDisconnects.add(reason);
        }
        disconnected(reason);
    }

    @Override
    public void tlsFailure(String reason) {
        tlsFailures.add(reason);
    }

    @Override
    public void warning(String message) {
        warnings.add(message);
    }
}
