package dev.sluice.transport.spool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/** How a {@link Spool} is opened. Immutable; made with {@link #builder(Path)}. */
public final class SpoolConfig {

    /** Default {@link #maxSize()}: 1 GiB, in octets of segment files. */
    public static final long DEFAULT_MAX_SIZE = 1L << 30;
    /** Default {@link #segmentSize()}: 16 MiB, in octets; a segment is rolled when the next record would pass it. */
    public static final long DEFAULT_SEGMENT_SIZE = 16L << 20;
    /**
     * Largest {@link #segmentSize()}: 1 GiB, in octets. A segment file of 2 GiB or more is quarantined whole when the
     * spool opens; a segment passes its size only when its first record alone is larger (at most 16 MiB), so 1 GiB
     * keeps every segment well below that.
     */
    public static final long MAX_SEGMENT_SIZE = 1L << 30;
    /** Default {@link #fsync()}. */
    public static final FsyncPolicy DEFAULT_FSYNC = FsyncPolicy.INTERVAL;
    /** Default {@link #fsyncInterval()}: 200 ms. Also how often the checkpoint is written when it moved. */
    public static final Duration DEFAULT_FSYNC_INTERVAL = Duration.ofMillis(200);
    /** Default {@link #minFreeDiskSpace()}: 64 MiB, in octets; appends are refused below it. 0 turns it off. */
    public static final long DEFAULT_MIN_FREE_DISK_SPACE = 64L << 20;

    private final Path directory;
    private final long maxSize;
    private final long segmentSize;
    private final FsyncPolicy fsync;
    private final Duration fsyncInterval;
    private final long minFreeDiskSpace;
    private final SpoolListener listener;
    private final SpoolFileSystem fileSystem;
    private final boolean memoryMapped;
    private final int scanChunk;

    private SpoolConfig(Builder b) {
        this.directory = b.directory;
        this.maxSize = b.maxSize;
        this.segmentSize = b.segmentSize;
        this.fsync = b.fsync;
        this.fsyncInterval = b.fsyncInterval;
        this.minFreeDiskSpace = b.minFreeDiskSpace;
        this.listener = b.listener;
        this.fileSystem = b.fileSystem;
        this.memoryMapped = b.memoryMapped;
        this.scanChunk = b.scanChunk;
    }

    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** A builder holding every setting of this configuration, its listener and the settings tests make included. */
    public Builder toBuilder() {
        Builder b = new Builder(directory);
        b.maxSize = maxSize;
        b.segmentSize = segmentSize;
        b.fsync = fsync;
        b.fsyncInterval = fsyncInterval;
        b.minFreeDiskSpace = minFreeDiskSpace;
        b.listener = listener;
        b.fileSystem = fileSystem;
        b.memoryMapped = memoryMapped;
        b.scanChunk = scanChunk;
        return b;
    }

    public Path directory() {
        return directory;
    }

    /** Most octets all segment files together may take (acknowledged records count until their segment goes). */
    public long maxSize() {
        return maxSize;
    }

    /**
     * Octets after which a segment is rolled, at most {@link #MAX_SEGMENT_SIZE}; capped at a quarter of
     * {@link #maxSize()} so that acknowledged segments can always be deleted to make room.
     */
    public long segmentSize() {
        return segmentSize;
    }

    public FsyncPolicy fsync() {
        return fsync;
    }

    public Duration fsyncInterval() {
        return fsyncInterval;
    }

    public long minFreeDiskSpace() {
        return minFreeDiskSpace;
    }

    public SpoolListener listener() {
        return listener;
    }

    SpoolFileSystem fileSystem() {
        return fileSystem;
    }

    /** Whether records are stored through a mapping of the active segment (see {@link Spool}), or written. */
    boolean memoryMapped() {
        return memoryMapped;
    }

    /** Octets open reads a file in at a time to check its records (see {@link FileWindow}). */
    int scanChunk() {
        return scanChunk;
    }

    long effectiveSegmentSize() {
        long floor = SpoolFormat.SEGMENT_HEADER_BYTES + 4096;
        return Math.max(floor, Math.min(segmentSize, maxSize / 4));
    }

    public static final class Builder {
        private final Path directory;
        private long maxSize = DEFAULT_MAX_SIZE;
        private long segmentSize = DEFAULT_SEGMENT_SIZE;
        private FsyncPolicy fsync = DEFAULT_FSYNC;
        private Duration fsyncInterval = DEFAULT_FSYNC_INTERVAL;
        private long minFreeDiskSpace = DEFAULT_MIN_FREE_DISK_SPACE;
        private SpoolListener listener = new SpoolListener() {
        };
        private SpoolFileSystem fileSystem = SpoolFileSystem.DEFAULT;
        /** Windows cannot truncate or delete a file while it is mapped, and a mapping is released only by the GC. */
        private boolean memoryMapped = !System.getProperty("os.name", "").startsWith("Windows");
        private int scanChunk = Spool.SCAN_CHUNK;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath();
        }

        public Builder maxSize(long octets) {
            if (octets < 4 * (SpoolFormat.SEGMENT_HEADER_BYTES + 4096L)) {
                throw new IllegalArgumentException("maxSize: " + octets + " (expected: >= 16512 octets)");
            }
            this.maxSize = octets;
            return this;
        }

        public Builder segmentSize(long octets) {
            if (octets < SpoolFormat.SEGMENT_HEADER_BYTES + 4096L || octets > MAX_SEGMENT_SIZE) {
                throw new IllegalArgumentException("segmentSize: " + octets + " (expected: "
                        + (SpoolFormat.SEGMENT_HEADER_BYTES + 4096) + ".." + MAX_SEGMENT_SIZE + " octets)");
            }
            this.segmentSize = octets;
            return this;
        }

        public Builder fsync(FsyncPolicy policy) {
            this.fsync = Objects.requireNonNull(policy, "fsync");
            return this;
        }

        public Builder fsyncInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("fsyncInterval: " + interval + " (expected: > 0)");
            }
            this.fsyncInterval = interval;
            return this;
        }

        public Builder minFreeDiskSpace(long octets) {
            if (octets < 0) {
                throw new IllegalArgumentException("minFreeDiskSpace: " + octets + " (expected: >= 0)");
            }
            this.minFreeDiskSpace = octets;
            return this;
        }

        public Builder listener(SpoolListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        Builder fileSystem(SpoolFileSystem fileSystem) {
            this.fileSystem = Objects.requireNonNull(fileSystem, "fileSystem");
            return this;
        }

        /** For tests of the write-call path, which is also the fallback of the mapped one. */
        Builder memoryMapped(boolean mapped) {
            this.memoryMapped = mapped;
            return this;
        }

        /** For tests of records that straddle two chunks, or are longer than one, without files of megabytes. */
        Builder scanChunk(int octets) {
            if (octets < 1) {
                throw new IllegalArgumentException("scanChunk: " + octets + " (expected: >= 1)");
            }
            this.scanChunk = octets;
            return this;
        }

        public SpoolConfig build() {
            return new SpoolConfig(this);
        }
    }
}
