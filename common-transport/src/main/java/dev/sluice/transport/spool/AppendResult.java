package dev.sluice.transport.spool;

/**
 * What {@link Spool#append} did. A refusal leaves the spool unchanged and usable; the caller applies its
 * overflow policy to the record it could not spool.
 */
public enum AppendResult {
    /** The record is in the spool (in the OS page cache; forced too with {@link FsyncPolicy#ALWAYS}). */
    APPENDED,
    /** Refused: the segments would grow past {@link SpoolConfig#maxSize()}. */
    SPOOL_FULL,
    /** Refused: the file system would have less than {@link SpoolConfig#minFreeDiskSpace()} usable. */
    DISK_SPACE_LOW
}
