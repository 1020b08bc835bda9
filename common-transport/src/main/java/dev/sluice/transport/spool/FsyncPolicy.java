package dev.sluice.transport.spool;

/** When the spool forces appended records from the OS page cache to the disk. */
public enum FsyncPolicy {
    /** Every {@link Spool#append} forces its record before it returns: survives a power cut. Slowest. */
    ALWAYS,
    /**
     * A background thread forces what was appended every {@link SpoolConfig#fsyncInterval()} (group commit): a
     * killed process loses nothing, a power cut loses at most the last interval.
     */
    INTERVAL,
    /** Never forced by the spool; the OS writes back when it likes. A killed process loses nothing. */
    NEVER
}
