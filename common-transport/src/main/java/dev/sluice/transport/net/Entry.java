package dev.sluice.transport.net;

/** A message inside a transport, with its delivery state. Used on the transport's event loop only. */
final class Entry {
    final Outbound message;
    /** Its place in offer order: entries taken in later have higher numbers. */
    final long seq;
    /** RELP transaction number of the latest send. */
    int txnr;
    /** {@code 500} answers so far. */
    int rejections;
    /** Written on the current session and not yet answered (RELP) or not yet known written (TCP). */
    boolean unanswered;
    /** Was unanswered when a session ended: report {@link DeliveryListener#resent} when written again. */
    boolean resendPending;
    /** Delivered or rejected; reported when every earlier message is. */
    boolean done;
    /** Why it was given up, or {@code null} if delivered. */
    String rejectReason;

    Entry(Outbound message, long seq) {
        this.message = message;
        this.seq = seq;
    }
}
