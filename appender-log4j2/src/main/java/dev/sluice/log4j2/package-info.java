/**
 * The Log4j2 front-end of Sluice: the {@code RemoteSyslog} plugin maps Log4j2 configuration and events
 * onto the transport core in {@code dev.sluice.transport}. Not yet implemented (see issue 5).
 */
package dev.sluice.log4j2;
