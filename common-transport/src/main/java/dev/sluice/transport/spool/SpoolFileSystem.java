package dev.sluice.transport.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * The spool's only way to open data files and ask for free space: a seam for tests that inject I/O faults.
 * The lock file and renames go to the real file system.
 */
interface SpoolFileSystem {

    SpoolFileSystem DEFAULT = new SpoolFileSystem() {
    };

    default FileChannel open(Path file, OpenOption... options) throws IOException {
        return FileChannel.open(file, options);
    }

    /** Octets usable by this JVM on the file store that holds {@code directory}. */
    default long usableSpace(FileStore store, Path directory) throws IOException {
        return store.getUsableSpace();
    }

    default FileStore fileStore(Path directory) throws IOException {
        return Files.getFileStore(directory);
    }
}
