/**
 * The durable spool: accepted log records kept on disk until the server acknowledged them.
 *
 * <p>{@link dev.sluice.transport.spool.Spool} is the contract (guarantees, threading, the peek → send → acknowledge
 * cycle, the on-disk format with its version, the commit order, limitations);
 * {@link dev.sluice.transport.spool.SpoolConfig} holds the options with their defaults;
 * {@link dev.sluice.transport.spool.SpoolListener} reports damage found and repaired. No Log4j2, no Logback, no
 * printing: everything the spool has to say goes through the listener.
 */
package dev.sluice.transport.spool;
