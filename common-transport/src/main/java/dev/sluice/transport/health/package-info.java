/**
 * The answer to "is logging working?": {@link dev.sluice.transport.health.Health} snapshots, the
 * {@link dev.sluice.transport.health.AppenderListener} through which every drop, truncation, refusal, reconnect
 * and TLS failure is reported, {@link dev.sluice.transport.health.Counters} and rate-limited status messages
 * ({@link dev.sluice.transport.health.StatusReporter}) built on it, and the JMX view
 * ({@link dev.sluice.transport.health.Jmx}).
 */
package dev.sluice.transport.health;
