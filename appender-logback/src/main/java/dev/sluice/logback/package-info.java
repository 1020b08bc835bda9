/**
 * The Logback front-end of Sluice: {@code RemoteSyslogAppender} maps Logback configuration and events
 * onto the transport core in {@code dev.sluice.transport}. Not yet implemented (see issue 5).
 */
package dev.sluice.logback;
