/**
 * The Log4j2 front-end of Sluice: the {@code RemoteSyslog} plugin ({@link dev.sluice.log4j2.RemoteSyslogAppender})
 * with its nested {@code Tls}, {@code Spool} and {@code DeliveryWindow} elements. It copies the configuration into
 * the core's {@link dev.sluice.transport.appender.AppenderConfig} and adapts Log4j2 events to
 * {@link dev.sluice.transport.event.LogEventView}; everything else happens in {@code dev.sluice.transport}.
 */
package dev.sluice.log4j2;
