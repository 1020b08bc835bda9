package dev.sluice.transport.spool;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * The spool's only way to open data files, force what it stored through a mapping of one, and ask for free space: a
 * seam for tests that inject I/O faults or watch forces. The lock file and renames go to the real file system.
 */
interface SpoolFileSystem {

    SpoolFileSystem DEFAULT = new SpoolFileSystem() {
    };

    default FileChannel open(Path file, OpenOption... options) throws IOException {
        return FileChannel.open(file, options);
    }

    /**
     * Forces {@code length} octets of {@code map}, a mapping of a segment file, from {@code index} to the disk
     * ({@code msync}); as {@link MappedByteBuffer#force(int, int)}, a failure is an
     * {@link java.io.UncheckedIOException}.
     */
    default void force(MappedByteBuffer map, int index, int length) {
        map.force(index, length);
    }

    /** Octets usable by this JVM on the file store that holds {@code directory}. */
    default long usableSpace(FileStore store, Path directory) throws IOException {
        return store.getUsableSpace();
    }

    default FileStore fileStore(Path directory) throws IOException {
        return Files.getFileStore(directory);
    }
}
