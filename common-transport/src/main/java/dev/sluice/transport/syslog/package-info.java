/**
 * Syslog message model and wire formats, as pure functions over bytes: no Netty, no logging framework.
 *
 * <h2>Specifications</h2>
 * <ul>
 *   <li><a href="https://www.rfc-editor.org/rfc/rfc5424">RFC 5424</a>, The Syslog Protocol:
 *       {@link dev.sluice.transport.syslog.Rfc5424Formatter}.</li>
 *   <li><a href="https://www.rfc-editor.org/rfc/rfc3164">RFC 3164</a>, The BSD syslog Protocol:
 *       {@link dev.sluice.transport.syslog.Rfc3164Formatter}.</li>
 *   <li><a href="https://www.rfc-editor.org/rfc/rfc3339">RFC 3339</a>, Date and Time on the Internet: the
 *       TIMESTAMP.</li>
 *   <li><a href="https://www.rfc-editor.org/rfc/rfc6587">RFC 6587</a>, Transmission of Syslog Messages over TCP
 *       (octet counting and LF framing), and <a href="https://www.rfc-editor.org/rfc/rfc5425">RFC 5425</a>, TLS
 *       Transport Mapping for Syslog (octet counting): {@link dev.sluice.transport.syslog.Framing}.</li>
 *   <li><a href="https://www.rfc-editor.org/rfc/rfc5426">RFC 5426</a>, Transmission of Syslog Messages over UDP:
 *       the datagram size default of {@link dev.sluice.transport.syslog.SyslogEncoder}.</li>
 * </ul>
 *
 * <h2>Pieces</h2>
 * A front-end builds one immutable {@link dev.sluice.transport.syslog.SyslogMessage} per event (with
 * {@link dev.sluice.transport.syslog.Facility}, {@link dev.sluice.transport.syslog.Severity} and
 * {@link dev.sluice.transport.syslog.StructuredData}). The transport's
 * {@link dev.sluice.transport.syslog.SyslogEncoder} formats it, escapes it for LF framing and cuts it to
 * {@code maxMessageSize}; {@link dev.sluice.transport.syslog.Framing} frames it for a stream.
 * {@link dev.sluice.transport.syslog.SyslogBuffer} is the reusable output buffer that keeps that path free of
 * per-event garbage. All lengths are octets of the encoded bytes, never characters.
 */
package dev.sluice.transport.syslog;
