package dev.sluice.transport.health;

/** Why an accepted event was not delivered. Each reason has its own counter. */
public enum DropReason {
    /** The in-memory queue was full (no spool, or the spool also refused) and {@code overflow} dropped it. */
    QUEUE_FULL("queue full"),
    /** The spool reached {@code maxSize} and {@code overflow} dropped it. */
    SPOOL_FULL("spool full"),
    /** The disk holding the spool is (nearly) full, or writing to it failed. */
    DISK_FULL("disk full or unwritable"),
    /** Still in memory when {@code stop()} ran out of {@code shutdownTimeout}, with no spool to keep it. */
    SHUTDOWN("not delivered before shutdown"),
    /** A spool record was found corrupt on replay and quarantined. */
    CORRUPT("corrupt in spool");

    private final String description;

    DropReason(String description) {
        this.description = description;
    }

    /** A few words for the in-band notice and status messages, for example {@code "spool full"}. */
    public String description() {
        return description;
    }
}
