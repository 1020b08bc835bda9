package dev.sluice.transport.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileStore;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * A {@link SpoolFileSystem} for tests: segment writes can be made to fail (after writing part of the buffer, as a
 * full disk does), so can forces; forces are recorded with their thread, those through a mapping with their range;
 * the free space it reports can be set; forces of the checkpoint can be held until a latch opens.
 */
final class FaultyFileSystem implements SpoolFileSystem {

    /** A force through a mapping of a segment: the forcing thread's name, and the range forced. */
    record MappedForce(String thread, int index, int length) {
    }

    /** When set, a write to a segment file writes {@link #partialBytes} octets, then throws. */
    volatile boolean failWrites;
    volatile int partialBytes = 7;
    /** When at least 0, the usable space reported instead of the real one. */
    volatile long usableSpace = -1;
    volatile int failedWrites;
    /** When set, forcing a segment file throws (not a new segment's {@code .tmp}, forced before its rename). */
    volatile boolean failForces;
    /** Every force of a segment file: the forcing thread's name, a space, the file name. */
    final java.util.Queue<String> forces = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /**
     * When set, a write to (or truncate of) a segment file by this thread is done, and then behaves as if the thread
     * had been interrupted during it, as NIO reports that: the channel closed, the interrupt status set,
     * {@link java.nio.channels.ClosedByInterruptException}. An interrupt that comes during the system call gives
     * exactly that (the call is not undone). Once: each is cleared when it fires.
     */
    volatile Thread interruptWritesOf;
    volatile Thread interruptTruncatesOf;
    /**
     * When set, the next write to a segment file from the preallocation thread finds the channel closed, as an
     * interrupt of another thread in I/O on the same channel leaves it. Once.
     */
    volatile boolean closeUnderPreallocation;
    /** Every force through a mapping, in order. */
    final java.util.Queue<MappedForce> mappedForces = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** When set, a force through a mapping fails, as {@code msync} does on an I/O error. */
    volatile boolean failMappedForces;
    /** When set, forcing the checkpoint throws. */
    volatile boolean failCheckpointForces;
    /** When set, forcing the checkpoint throws this error. */
    volatile Error checkpointForceError;
    /** When set, a force of the checkpoint waits until it is open; {@link #heldCheckpointForces} counts them. */
    volatile java.util.concurrent.CountDownLatch holdCheckpointForces;
    final java.util.concurrent.atomic.AtomicInteger heldCheckpointForces = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public FileChannel open(Path file, OpenOption... options) throws IOException {
        FileChannel real = FileChannel.open(file, options);
        String name = file.getFileName().toString();
        return name.startsWith("segment-") || name.startsWith("checkpoint") ? new Channel(real, file) : real;
    }

    @Override
    public void force(MappedByteBuffer map, int index, int length) {
        if (failMappedForces) {
            throw new java.io.UncheckedIOException(new IOException("injected: msync failed"));
        }
        mappedForces.add(new MappedForce(Thread.currentThread().getName(), index, length));
        map.force(index, length);
    }

    @Override
    public long usableSpace(FileStore store, Path directory) throws IOException {
        long fake = usableSpace;
        return fake >= 0 ? fake : store.getUsableSpace();
    }

    private interface IoCall<T> {
        T run() throws IOException;
    }

    private final class Channel extends FileChannel {
        private final FileChannel d;
        private final Path file;

        Channel(FileChannel d, Path file) {
            this.d = d;
            this.file = file;
        }

        /** The file's name now: a {@code .tmp} opened ahead and since renamed into place goes by its new name. */
        private String name() {
            String n = file.getFileName().toString();
            if (n.endsWith(".tmp") && !java.nio.file.Files.exists(file)) {
                String renamed = n.substring(0, n.length() - (n.endsWith(".prepared.tmp") ? ".prepared.tmp" : ".tmp")
                        .length());
                if (java.nio.file.Files.exists(file.resolveSibling(renamed))) {
                    return renamed;
                }
            }
            return n;
        }

        private IOException fault(ByteBuffer src, long position) throws IOException {
            failedWrites++;
            int n = Math.min(partialBytes, src.remaining());
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + n);
            d.write(part, position);
            return new IOException("injected: No space left on device");
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            if (failWrites) {
                throw fault(src, position);
            }
            if (closeUnderPreallocation && Thread.currentThread().getName().equals("sluice-spool-prealloc")) {
                closeUnderPreallocation = false;
                close(); // as another thread's interrupt in I/O on this channel does
            }
            int n = closing(() -> d.write(src, position));
            if (interruptWritesOf == Thread.currentThread()) {
                interruptWritesOf = null;
                interruptedDuring();
            }
            return n;
        }

        /**
         * {@code call} on the real channel; if that closed it (a thread interrupted in it), this one is closed too,
         * so the spool sees what it would see without the wrapper.
         */
        private <T> T closing(IoCall<T> call) throws IOException {
            try {
                return call.run();
            } catch (java.nio.channels.ClosedChannelException e) {
                if (!d.isOpen()) {
                    close();
                }
                throw e;
            }
        }

        /** See {@link #interruptWritesOf}: what NIO does when the interrupt comes during the call. */
        private void interruptedDuring() throws IOException {
            close();
            Thread.currentThread().interrupt();
            throw new java.nio.channels.ClosedByInterruptException();
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (failWrites) {
                throw fault(src, d.position());
            }
            return d.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            if (failWrites) {
                throw new IOException("injected: No space left on device");
            }
            return d.write(srcs, offset, length);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return d.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return d.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return closing(() -> d.read(dst, position));
        }

        @Override
        public long position() throws IOException {
            return d.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            d.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return closing(d::size);
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            closing(() -> d.truncate(size));
            if (interruptTruncatesOf == Thread.currentThread()) {
                interruptTruncatesOf = null;
                interruptedDuring();
            }
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            String name = name();
            if (failForces && name.endsWith(".spool")) {
                throw new IOException("injected: force failed");
            }
            if (failCheckpointForces && name.startsWith("checkpoint")) {
                throw new IOException("injected: checkpoint force failed");
            }
            Error error = checkpointForceError;
            if (error != null && name.startsWith("checkpoint")) {
                throw error;
            }
            java.util.concurrent.CountDownLatch hold = holdCheckpointForces;
            if (hold != null && name.startsWith("checkpoint")) {
                heldCheckpointForces.incrementAndGet();
                try {
                    hold.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("held checkpoint force interrupted");
                }
            }
            forces.add(Thread.currentThread().getName() + " " + name);
            closing(() -> {
                d.force(metaData);
                return null;
            });
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return d.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return d.transferFrom(src, position, count);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return d.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return d.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return d.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            d.close();
        }
    }
}
