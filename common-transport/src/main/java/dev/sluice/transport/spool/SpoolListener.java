package dev.sluice.transport.spool;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What a {@link Spool} reports about damage it found and repaired, records set aside, and failures.
 *
 * <p>Called on the calling thread (the thread in {@link Spool#open}, {@link Spool#append},
 * {@link Spool#peekAfter} and so on), except {@link #flushFailed} which comes from the spool's flush or
 * preallocation thread:
 * return quickly, never call back into the spool, never log through the application's loggers. Every method
 * has a no-op default.
 */
public interface SpoolListener {

    /**
     * A damaged region of a segment (bad magic, impossible length or CRC mismatch) was skipped; its bytes were
     * copied to {@code quarantinedTo}. The sound records before and after it are still delivered.
     */
    default void corruptRegion(Path segment, long offset, long length, String reason, Path quarantinedTo) {
    }

    /**
     * The last segment ended in a partial or damaged record, the trace of a write cut short; the file was
     * truncated to its last sound record and the cut-off bytes copied to {@code quarantinedTo}.
     */
    default void tornTail(Path segment, long offset, long length, String reason, Path quarantinedTo) {
    }

    /**
     * A whole file (segment, rejected file, checkpoint or {@code delivered-ahead}) was unreadable and was moved to
     * {@code quarantinedTo}.
     */
    default void fileQuarantined(Path file, String reason, Path quarantinedTo) {
    }

    /** Segments {@code first..last} (inclusive) should be there and are not; their records are lost. */
    default void segmentsMissing(long first, long last) {
    }

    /**
     * {@link Spool#dropOldestSegmentAfter} dropped {@code records} records, all with sequence ids between
     * {@code firstSequenceId} and {@code lastSequenceId} (inclusive; ids there that were acknowledged before were not
     * among them). Called under the spool's monitor: never call back into the spool.
     */
    default void segmentDropped(long firstSequenceId, long lastSequenceId, long records) {
    }

    /** {@code record} was refused by the server and copied to the rejected file. */
    default void movedAside(SpoolRecord record) {
    }

    /** An append failed; what it had half-written was rolled back and the spool is still usable. */
    default void appendFailed(IOException error) {
    }

    /** Refused an append ({@link AppendResult#SPOOL_FULL} or {@link AppendResult#DISK_SPACE_LOW}). */
    default void appendRefused(AppendResult reason) {
    }

    /**
     * The flush thread could not force the active segment or write the checkpoint, or the preallocation thread could
     * not reserve space in the mapped segment (appends then use write calls, which fail by themselves if the disk
     * is full); either tries again. An {@link Error} on the flush thread comes wrapped in {@code error} too; after a
     * {@link VirtualMachineError} (out of memory, say) the flush thread stops, and the message says so. What this
     * method throws is ignored.
     */
    default void flushFailed(IOException error) {
    }
}
