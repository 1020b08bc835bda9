package dev.sluice.transport.health;

import java.util.Map;

/**
 * JMX view of one appender, registered as {@code dev.sluice:type=RemoteSyslog,name=<appender name>}. Every
 * attribute is read from a fresh {@link Health} snapshot.
 */
public interface RemoteSyslogMXBean {

    /** {@link DeliveryState} name: DELIVERING, WAITING_FOR_WINDOW, DISCONNECTED, FAILING, STOPPED. */
    String getState();

    long getQueuedRecords();

    long getQueuedBytes();

    long getSpoolRecords();

    long getSpoolBytes();

    /** Age in milliseconds of the oldest event not yet delivered; -1 when there is none. */
    long getOldestUndeliveredAgeMillis();

    /** ISO-8601 instant of the last acknowledged (or, without RELP, written) message; empty if none yet. */
    String getLastAcknowledged();

    /** ISO-8601 instant of the next delivery window opening; empty when always open. */
    String getNextWindowOpening();

    long getAccepted();

    long getDelivered();

    long getAcknowledged();

    long getResent();

    long getRejected();

    long getDropped();

    Map<String, Long> getDroppedByReason();

    long getTruncated();

    long getReconnects();

    long getTlsFailures();
}
