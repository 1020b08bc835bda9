/**
 * The Logback front-end of Sluice: {@link dev.sluice.logback.RemoteSyslogAppender}, whose setters fill the core's
 * {@link dev.sluice.transport.appender.AppenderConfig} (nested {@code tls}, {@code spool} and repeatable
 * {@code deliveryWindow} are the core's option beans), and an adapter from {@code ILoggingEvent} to
 * {@link dev.sluice.transport.event.LogEventView}; everything else happens in {@code dev.sluice.transport}.
 */
package dev.sluice.logback;
