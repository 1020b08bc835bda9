/**
 * A real RELP server for tests: plain and TLS, recording every message it receives ({@link
 * dev.sluice.relp.server.ReceivedMessage}, with a parsed RFC 5424 / RFC 3164 view), with scripted faults
 * ({@link dev.sluice.relp.server.Faults}), a JUnit 5 extension ({@link dev.sluice.relp.server.RelpTestServer})
 * and a command line ({@link dev.sluice.relp.server.Main}).
 *
 * <p>Protocol: RELP as specified in librelp's {@code doc/relp.md}
 * (https://github.com/rsyslog/librelp/blob/master/doc/relp.md).
 */
package dev.sluice.relp.server;
