package dev.sluice.transport.relp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An allocator that remembers the largest capacity anyone asked it for (initial capacity, and new capacity of a
 * growing buffer through {@link #calculateNewCapacity}). Buffers come from the pooled allocator, so
 * leak detection tracks them.
 */
final class CountingAllocator implements ByteBufAllocator {

    private final ByteBufAllocator delegate = PooledByteBufAllocator.DEFAULT;
    private final AtomicInteger largestRequest = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();

    int largestRequest() {
        return largestRequest.get();
    }

    int requests() {
        return requests.get();
    }

    private int note(int capacity) {
        requests.incrementAndGet();
        largestRequest.accumulateAndGet(capacity, Math::max);
        return capacity;
    }

    @Override
    public ByteBuf buffer() {
        return delegate.buffer(note(256));
    }

    @Override
    public ByteBuf buffer(int initialCapacity) {
        return delegate.buffer(note(initialCapacity));
    }

    @Override
    public ByteBuf buffer(int initialCapacity, int maxCapacity) {
        return delegate.buffer(note(initialCapacity), maxCapacity);
    }

    @Override
    public ByteBuf ioBuffer() {
        return delegate.ioBuffer(note(256));
    }

    @Override
    public ByteBuf ioBuffer(int initialCapacity) {
        return delegate.ioBuffer(note(initialCapacity));
    }

    @Override
    public ByteBuf ioBuffer(int initialCapacity, int maxCapacity) {
        return delegate.ioBuffer(note(initialCapacity), maxCapacity);
    }

    @Override
    public ByteBuf heapBuffer() {
        return delegate.heapBuffer(note(256));
    }

    @Override
    public ByteBuf heapBuffer(int initialCapacity) {
        return delegate.heapBuffer(note(initialCapacity));
    }

    @Override
    public ByteBuf heapBuffer(int initialCapacity, int maxCapacity) {
        return delegate.heapBuffer(note(initialCapacity), maxCapacity);
    }

    @Override
    public ByteBuf directBuffer() {
        return delegate.directBuffer(note(256));
    }

    @Override
    public ByteBuf directBuffer(int initialCapacity) {
        return delegate.directBuffer(note(initialCapacity));
    }

    @Override
    public ByteBuf directBuffer(int initialCapacity, int maxCapacity) {
        return delegate.directBuffer(note(initialCapacity), maxCapacity);
    }

    @Override
    public CompositeByteBuf compositeBuffer() {
        note(0);
        return delegate.compositeBuffer();
    }

    @Override
    public CompositeByteBuf compositeBuffer(int maxNumComponents) {
        note(0);
        return delegate.compositeBuffer(maxNumComponents);
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer() {
        note(0);
        return delegate.compositeHeapBuffer();
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
        note(0);
        return delegate.compositeHeapBuffer(maxNumComponents);
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer() {
        note(0);
        return delegate.compositeDirectBuffer();
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
        note(0);
        return delegate.compositeDirectBuffer(maxNumComponents);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    @Override
    public int calculateNewCapacity(int minNewCapacity, int maxCapacity) {
        return note(delegate.calculateNewCapacity(minNewCapacity, maxCapacity));
    }
}
